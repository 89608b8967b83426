#define CAF_SUITE auth.jwt_claims
// The claims step (auth/jwt_claims.hpp): exp and nbf with the leeway,
// jwt_require_exp, iss and aud when configured, and a `sub` fit for ids.
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/auth/jwt_fixture.hpp"

using namespace sockd;
using namespace sockd::jwt_test;

CAF_TEST(expired tokens are refused) {
  auto v = hs_verifier(); // leeway 30
  auto c = claims();
  c["exp"] = now_s - 100;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "token expired");
  c["exp"] = now_s - 30; // exp + leeway == now: expired
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "token expired");
}

CAF_TEST(expired within the leeway is accepted) {
  auto v = hs_verifier();
  auto c = claims();
  c["exp"] = now_s - 10;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c["exp"] = now_s - 29.5; // fractional NumericDate
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  jwt_config strict;
  strict.hs256_secret = secret;
  strict.leeway_seconds = 0;
  c["exp"] = now_s;
  CAF_CHECK_EQUAL(error_of(make(strict), sign_hs256(secret, c)),
                  "token expired");
  c["exp"] = now_s + 1;
  CAF_CHECK_EQUAL(error_of(make(strict), sign_hs256(secret, c)), "");
}

CAF_TEST(nbf in the future is refused) {
  auto v = hs_verifier();
  auto c = claims();
  c["nbf"] = now_s + 100;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "token not valid yet");
  c["nbf"] = now_s + 30; // exactly at the leeway: fine
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c["nbf"] = now_s - 100;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
}

CAF_TEST(time claims must be numbers) {
  auto v = hs_verifier();
  auto c = claims();
  c["exp"] = "tomorrow";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "exp is not a number");
  c = claims();
  c["exp"] = nullptr;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "exp is not a number");
  c = claims();
  c["nbf"] = json::array({1});
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "nbf is not a number");
}

CAF_TEST(issuer is checked when configured) {
  auto v = hs_verifier("https://id.example");
  auto c = claims();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "iss is missing");
  c["iss"] = "https://evil.example";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "wrong issuer");
  c["iss"] = 7;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "wrong issuer");
  c["iss"] = "https://id.example";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  // Not configured: any iss passes.
  c["iss"] = "https://evil.example";
  CAF_CHECK_EQUAL(error_of(hs_verifier(), sign_hs256(secret, c)), "");
}

CAF_TEST(audience is checked when configured) {
  auto v = hs_verifier("", "sockd");
  auto c = claims();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "aud is missing");
  c["aud"] = "other";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "wrong audience");
  c["aud"] = "sockd";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c["aud"] = 12;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)),
                  "aud is not a string or array of strings");
}

CAF_TEST(audience may be an array) {
  auto v = hs_verifier("", "sockd");
  auto c = claims();
  c["aud"] = json::array({"account", "sockd"});
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c["aud"] = json::array({"account", "web"});
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "wrong audience");
  c["aud"] = json::array();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "wrong audience");
  c["aud"] = json::array({"sockd", 3});
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)),
                  "aud is not a string or array of strings");
}

CAF_TEST(sub must be a non empty string) {
  auto v = hs_verifier();
  auto c = claims();
  c.erase("sub");
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "sub is missing");
  c["sub"] = "";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "sub is empty");
  c["sub"] = 42;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "sub is not a string");
  c["sub"] = nullptr;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "sub is not a string");
  c["sub"] = std::string(257, 'a');
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "sub is too long");
  c["sub"] = std::string(256, 'a');
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c["sub"] = "alice\nJOIN forged";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)),
                  "sub contains control characters");
}

CAF_TEST(exp is required when configured) {
  jwt_config cfg;
  cfg.hs256_secret = secret;
  cfg.require_exp = true;
  auto v = make(cfg);
  auto c = claims();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "");
  c.erase("exp");
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "exp is missing");
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).sub, "");
  // A wrong type is still named as such, an expired one as expired.
  c["exp"] = "tomorrow";
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "exp is not a number");
  c["exp"] = now_s - 100;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, c)), "token expired");
  // RS256 and dev tokens alike.
  jwt_config rs;
  rs.rs256_public_key = public_pem(rsa_key(0));
  rs.dev_hs256_secret = dev_key;
  rs.require_exp = true;
  auto rv = make(rs);
  CAF_CHECK_EQUAL(error_of(rv, rs256_token(rsa_key(0), json{{"sub", "a"}})),
                  "exp is missing");
  CAF_CHECK_EQUAL(error_of(rv, sign_hs256(dev_key, json{{"sub", "a"}})),
                  "exp is missing");
  CAF_CHECK_EQUAL(error_of(rv, rs256_token(rsa_key(0), claims())), "");
}

CAF_TEST(exp stays optional by default) {
  auto v = hs_verifier();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, json{{"sub", "a"}})), "");
}

CAF_TEST(a valid token tells until when it stays valid) {
  auto v = hs_verifier(); // leeway 30
  auto c = claims();
  c["exp"] = now_s + 100;
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).valid_until,
                  static_cast<int64_t>(now_s) + 130);
  c["exp"] = now_s + 99.5; // fractional: rounded up to the whole second
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).valid_until,
                  static_cast<int64_t>(now_s) + 130);
  c.erase("exp");
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).valid_until, 0);
  c["exp"] = 1e300; // far beyond: clamped to the last second of 9999
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).valid_until,
                  253402300799);
  c["exp"] = now_s - 100; // refused: no end to tell
  CAF_CHECK_EQUAL(v->verify(sign_hs256(secret, c), now).valid_until, 0);
}
