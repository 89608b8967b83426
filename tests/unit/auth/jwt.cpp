#define CAF_SUITE auth.jwt
// jwt_verifier as a whole: the keys it is made from, the token's shape
// (three base64url parts, JSON header and payload), sign_hs256. The
// signature and claims steps have their own suites (auth.jwt_signature,
// auth.jwt_claims).
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/auth/jwt_fixture.hpp"

using namespace sockd;
using namespace sockd::jwt_test;

CAF_TEST(make refuses a missing or unusable key) {
  std::string err;
  CAF_CHECK(!jwt_verifier::make(jwt_config{}, err));
  CAF_CHECK_EQUAL(err,
                  "no JWT key configured (HS256 secret or RS256 public key)");
  jwt_config cfg;
  cfg.rs256_public_key = "-----BEGIN PUBLIC KEY-----\nnope\n";
  CAF_CHECK(!jwt_verifier::make(cfg, err));
  CAF_CHECK_EQUAL(err, "JWT public key is not a PEM public key "
                       "(expected -----BEGIN PUBLIC KEY-----)");
  jwt_config short_key;
  auto small = rsa_gen(1024);
  CAF_REQUIRE(small != nullptr);
  short_key.rs256_public_key = public_pem(small.get());
  CAF_CHECK(!jwt_verifier::make(short_key, err));
  CAF_CHECK_EQUAL(err, "JWT public key is shorter than 2048 bits");
  jwt_config ec_key;
  pkey_ptr ec{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  CAF_REQUIRE(ec != nullptr);
  ec_key.rs256_public_key = public_pem(ec.get());
  CAF_CHECK(!jwt_verifier::make(ec_key, err));
  CAF_CHECK_EQUAL(err, "JWT public key is not an RSA key (RS256 needs one)");
  jwt_config negative;
  negative.hs256_secret = secret;
  negative.leeway_seconds = -1;
  CAF_CHECK(!jwt_verifier::make(negative, err));
  CAF_CHECK_EQUAL(err, "JWT leeway must not be negative");
}

CAF_TEST(malformed tokens get clear errors) {
  auto v = hs_verifier();
  auto good = sign_hs256(secret, claims());
  auto payload = enc(claims().dump());
  CAF_CHECK_EQUAL(error_of(v, ""), "token is empty");
  CAF_CHECK_EQUAL(error_of(v, "abc"),
                  "malformed token: expected three dot-separated parts");
  CAF_CHECK_EQUAL(error_of(v, "abc.def"),
                  "malformed token: expected three dot-separated parts");
  CAF_CHECK_EQUAL(error_of(v, good + ".x"),
                  "malformed token: expected three dot-separated parts");
  CAF_CHECK_EQUAL(error_of(v, ".."),
                  "malformed token: header is not a JSON object");
  CAF_CHECK_EQUAL(error_of(v, "!!!." + payload + ".c2ln"),
                  "malformed token: header is not base64url");
  CAF_CHECK_EQUAL(error_of(v, enc("not json") + "." + payload + ".c2ln"),
                  "malformed token: header is not a JSON object");
  CAF_CHECK_EQUAL(error_of(v, enc("[1,2]") + "." + payload + ".c2ln"),
                  "malformed token: header is not a JSON object");
  auto header = good.substr(0, good.find('.'));
  CAF_CHECK_EQUAL(error_of(v, header + ".***.c2ln"),
                  "malformed token: payload is not base64url");
  CAF_CHECK_EQUAL(error_of(v, header + "." + payload + ".c2ln="),
                  "malformed token: signature is not base64url");
  CAF_CHECK_EQUAL(error_of(v, std::string(20000, 'a')), "token is too long");
}

CAF_TEST(signed payloads that are not objects are refused) {
  auto v = hs_verifier();
  // Correctly signed, so the payload itself is what gets refused.
  auto array = sign_hs256(secret, json::array({"sub", "alice"}));
  CAF_CHECK_EQUAL(error_of(v, array),
                  "malformed token: payload is not a JSON object");
  auto text = sign_hs256(secret, json("alice"));
  CAF_CHECK_EQUAL(error_of(v, text),
                  "malformed token: payload is not a JSON object");
  auto garbage = hs256_raw(R"({"alg":"HS256"})", "{not json", secret);
  CAF_CHECK_EQUAL(error_of(v, garbage),
                  "malformed token: payload is not a JSON object");
  auto bad_utf8 = hs256_raw(R"({"alg":"HS256"})", "{\"sub\":\"\xff\"}", secret);
  CAF_CHECK_EQUAL(error_of(v, bad_utf8),
                  "malformed token: payload is not a JSON object");
}

CAF_TEST(extra header fields are fine) {
  auto v = hs_verifier();
  auto token = hs256_raw(R"({"alg":"HS256","typ":"JWT","kid":"k1"})",
                         claims("dave").dump(), secret);
  auto res = v->verify(token, now);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.sub, "dave");
}

CAF_TEST(sign_hs256 refuses an empty secret) {
  auto threw = false;
  try {
    sign_hs256("", claims());
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CAF_CHECK(threw);
}
