#define CAF_SUITE auth.jwt
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/jwt.hpp"

using namespace sockd;
using json = nlohmann::json;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

const std::string secret = "test-secret-of-some-length-0123456789";

// A fixed clock: 2026-11-25T21:48:31Z.
const system_clock::time_point now
  = system_clock::time_point{seconds{1795643311}};
const int64_t now_s = 1795643311;

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const {
    EVP_PKEY_free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

pkey_ptr rsa_gen(size_t bits) {
  return pkey_ptr{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)};
}

// RSA keys are slow to make: two for the whole suite.
EVP_PKEY* rsa_key(int which) {
  static pkey_ptr keys[2] = {rsa_gen(2048), rsa_gen(2048)};
  return keys[which].get();
}

std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()),
                                                &BIO_free};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    throw std::runtime_error("cannot write public key");
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string rs256_sign(EVP_PKEY* key, const std::string& input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(),
                                                              &EVP_MD_CTX_free};
  size_t len = 0;
  auto data = reinterpret_cast<const unsigned char*>(input.data());
  if (!ctx
      || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1
      || EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
    throw std::runtime_error("cannot sign");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()),
                     &len, data, input.size())
      != 1)
    throw std::runtime_error("cannot sign");
  sig.resize(len);
  return sig;
}

std::string enc(const std::string& text) {
  return base64url_encode(text);
}

std::string rs256_token(EVP_PKEY* key, const json& claims) {
  auto input = enc(R"({"alg":"RS256","typ":"JWT"})") + "." + enc(claims.dump());
  return input + "." + base64url_encode(rs256_sign(key, input));
}

// Any header and payload text, HS256-signed with `key`.
std::string hs256_raw(const std::string& header, const std::string& payload,
                      const std::string& key) {
  auto input = enc(header) + "." + enc(payload);
  unsigned char mac[32];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(),
                 key.size(),
                 reinterpret_cast<const unsigned char*>(input.data()),
                 input.size(), mac, sizeof(mac), &len))
    throw std::runtime_error("cannot sign");
  return input + "."
         + base64url_encode(
           std::string_view{reinterpret_cast<char*>(mac), len});
}

json claims(const std::string& sub = "alice") {
  return json{{"sub", sub}, {"exp", now_s + 300}, {"iat", now_s}};
}

std::shared_ptr<const jwt_verifier> make(jwt_config cfg) {
  std::string err;
  auto v = jwt_verifier::make(std::move(cfg), err);
  if (!v)
    CAF_FAIL("cannot make verifier: " << err);
  return v;
}

std::shared_ptr<const jwt_verifier> hs_verifier(std::string issuer = "",
                                                std::string audience = "") {
  jwt_config cfg;
  cfg.hs256_secret = secret;
  cfg.issuer = std::move(issuer);
  cfg.audience = std::move(audience);
  return make(std::move(cfg));
}

std::shared_ptr<const jwt_verifier> rs_verifier(int which = 0) {
  jwt_config cfg;
  cfg.rs256_public_key = public_pem(rsa_key(which));
  return make(std::move(cfg));
}

std::string error_of(const std::shared_ptr<const jwt_verifier>& v,
                     const std::string& token) {
  return v->verify(token, now).error;
}

// Replaces the payload part of a token.
std::string with_payload(const std::string& token, const std::string& text) {
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  return token.substr(0, dot1 + 1) + enc(text) + token.substr(dot2);
}

} // namespace

CAF_TEST(base64url round trips without padding) {
  CAF_CHECK_EQUAL(base64url_encode(""), "");
  CAF_CHECK_EQUAL(base64url_encode("f"), "Zg");
  CAF_CHECK_EQUAL(base64url_encode("fo"), "Zm8");
  CAF_CHECK_EQUAL(base64url_encode("foo"), "Zm9v");
  CAF_CHECK_EQUAL(base64url_encode("foob"), "Zm9vYg");
  CAF_CHECK_EQUAL(base64url_encode("\xfb\xff"), "-_8");
  CAF_CHECK_EQUAL(base64url_decode("Zm9vYg").value_or("!"), "foob");
  CAF_CHECK_EQUAL(base64url_decode("-_8").value_or("!"), "\xfb\xff");
  CAF_CHECK_EQUAL(base64url_decode("").value_or("!"), "");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  CAF_CHECK_EQUAL(base64url_decode(base64url_encode(all)).value_or("!"), all);
}

CAF_TEST(base64url decoding is strict) {
  CAF_CHECK(!base64url_decode("Zg=="));   // padding
  CAF_CHECK(!base64url_decode("Zm9v+g")); // standard alphabet
  CAF_CHECK(!base64url_decode("Zm9v/g"));
  CAF_CHECK(!base64url_decode("Zm 9v"));
  CAF_CHECK(!base64url_decode("Z"));  // impossible length
  CAF_CHECK(!base64url_decode("Zh")); // non-zero unused bits
}

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

CAF_TEST(hs256 good token yields the sub) {
  auto v = hs_verifier();
  auto res = v->verify(sign_hs256(secret, claims("alice")), now);
  CAF_CHECK(res.ok());
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.sub, "alice");
  // exp is optional.
  res = v->verify(sign_hs256(secret, json{{"sub", "bob"}}), now);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.sub, "bob");
}

CAF_TEST(hs256 bad signature) {
  auto v = hs_verifier();
  auto res = v->verify(sign_hs256("another-secret", claims()), now);
  CAF_CHECK(!res.ok());
  CAF_CHECK_EQUAL(res.error, "bad signature");
  CAF_CHECK_EQUAL(res.sub, "");
  // A truncated signature is just as bad.
  auto token = sign_hs256(secret, claims());
  CAF_CHECK_EQUAL(error_of(v, token.substr(0, token.size() - 4)),
                  "bad signature");
  CAF_CHECK_EQUAL(error_of(v, token.substr(0, token.rfind('.') + 1)),
                  "bad signature");
}

CAF_TEST(hs256 tampered payload) {
  auto v = hs_verifier();
  auto token = sign_hs256(secret, claims("alice"));
  auto forged = with_payload(token, claims("mallory").dump());
  CAF_CHECK_EQUAL(error_of(v, forged), "bad signature");
}

CAF_TEST(every single character change is refused) {
  auto v = hs_verifier();
  auto token = sign_hs256(secret, claims());
  CAF_REQUIRE(v->verify(token, now).ok());
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'x', '-', '_', '.', '=', '\0', '\xff'}) {
      if (token[i] == c)
        continue;
      auto bad = token;
      bad[i] = c;
      auto res = v->verify(bad, now);
      CAF_REQUIRE(!res.ok());
      CAF_REQUIRE_EQUAL(res.sub, "");
    }
  }
}

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

CAF_TEST(alg none is refused) {
  auto v = hs_verifier();
  auto header = enc(R"({"alg":"none","typ":"JWT"})");
  auto token = header + "." + enc(claims().dump()) + ".";
  CAF_CHECK_EQUAL(error_of(v, token), "alg none is not accepted");
  // Not even with a signature attached.
  auto signed_token = sign_hs256(secret, claims());
  auto forged = header + signed_token.substr(signed_token.find('.'));
  CAF_CHECK_EQUAL(error_of(v, forged), "alg none is not accepted");
}

CAF_TEST(other algs are refused) {
  auto v = hs_verifier();
  auto payload = enc(claims().dump());
  for (auto alg : {"HS512", "RS512", "ES256", "hs256", ""}) {
    auto token = enc(json{{"alg", alg}}.dump()) + "." + payload + ".c2ln";
    CAF_CHECK_EQUAL(error_of(v, token), "unsupported alg");
  }
  auto token = enc(R"({"typ":"JWT"})") + "." + payload + ".c2ln";
  CAF_CHECK_EQUAL(error_of(v, token), "malformed token: alg is missing");
  token = enc(R"({"alg":256})") + "." + payload + ".c2ln";
  CAF_CHECK_EQUAL(error_of(v, token), "malformed token: alg is missing");
}

CAF_TEST(crit headers are refused) {
  auto v = hs_verifier();
  auto token = enc(R"({"alg":"HS256","crit":["exp"]})") + "."
               + enc(claims().dump()) + ".c2ln";
  CAF_CHECK_EQUAL(error_of(v, token), "crit header is not supported");
}

CAF_TEST(hs256 is refused when only rs256 is configured) {
  auto v = rs_verifier();
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, claims())),
                  "alg HS256 is not accepted");
}

CAF_TEST(rs256 is refused when only hs256 is configured) {
  auto v = hs_verifier();
  CAF_CHECK_EQUAL(error_of(v, rs256_token(rsa_key(0), claims())),
                  "alg RS256 is not accepted");
}

CAF_TEST(rs256 good token yields the sub) {
  auto v = rs_verifier(0);
  auto res = v->verify(rs256_token(rsa_key(0), claims("carol")), now);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.sub, "carol");
}

CAF_TEST(rs256 token signed by another key is refused) {
  auto v = rs_verifier(0);
  CAF_CHECK_EQUAL(error_of(v, rs256_token(rsa_key(1), claims())),
                  "bad signature");
  auto token = rs256_token(rsa_key(0), claims("alice"));
  CAF_CHECK_EQUAL(error_of(v, with_payload(token, claims("eve").dump())),
                  "bad signature");
  // Wrong signature length: an OpenSSL error, still just a bad signature.
  CAF_CHECK_EQUAL(error_of(v, token.substr(0, token.rfind('.')) + ".c2ln"),
                  "bad signature");
}

CAF_TEST(public key as hmac secret is refused) {
  auto pem = public_pem(rsa_key(0));
  // The classic confusion attack: HS256 keyed with the public key text.
  auto forged = sign_hs256(pem, claims("mallory"));
  CAF_CHECK_EQUAL(error_of(rs_verifier(0), forged),
                  "alg HS256 is not accepted");
  // With both keys configured HS256 uses only the secret.
  jwt_config both;
  both.hs256_secret = secret;
  both.rs256_public_key = pem;
  CAF_CHECK_EQUAL(error_of(make(both), forged), "bad signature");
}

CAF_TEST(both algs accepted when both keys are configured) {
  jwt_config both;
  both.hs256_secret = secret;
  both.rs256_public_key = public_pem(rsa_key(0));
  auto v = make(both);
  auto hs = v->verify(sign_hs256(secret, claims("hs")), now);
  CAF_CHECK_EQUAL(hs.error, "");
  CAF_CHECK_EQUAL(hs.sub, "hs");
  auto rs = v->verify(rs256_token(rsa_key(0), claims("rs")), now);
  CAF_CHECK_EQUAL(rs.error, "");
  CAF_CHECK_EQUAL(rs.sub, "rs");
  CAF_CHECK_EQUAL(error_of(v, rs256_token(rsa_key(1), claims())),
                  "bad signature");
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

// -- dev mode's own key (docs/security.md, "Tokens and dev mode") -------------

namespace {

const std::string dev_key = "dev-key-of-this-process-0123456789abcdef";

} // namespace

CAF_TEST(the dev key alone is enough to make a verifier) {
  jwt_config cfg;
  cfg.dev_hs256_secret = dev_key;
  auto v = make(cfg);
  auto res = v->verify(sign_hs256(dev_key, claims("dev-user")), now);
  CAF_CHECK_EQUAL(res.error, "");
  CAF_CHECK_EQUAL(res.sub, "dev-user");
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, claims())), "bad signature");
}

CAF_TEST(dev tokens are accepted beside the configured keys) {
  jwt_config cfg;
  cfg.hs256_secret = secret;
  cfg.dev_hs256_secret = dev_key;
  cfg.rs256_public_key = public_pem(rsa_key(0));
  auto v = make(cfg);
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(dev_key, claims())), "");
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(secret, claims())), "");
  CAF_CHECK_EQUAL(error_of(v, rs256_token(rsa_key(0), claims())), "");
  CAF_CHECK_EQUAL(error_of(v, sign_hs256("a-third-key-0123456789abcdef0123",
                                         claims())),
                  "bad signature");
  // The dev key does not relax the claim checks.
  auto c = claims();
  c["exp"] = now_s - 100;
  CAF_CHECK_EQUAL(error_of(v, sign_hs256(dev_key, c)), "token expired");
}

CAF_TEST(a dev token is refused where dev is off) {
  // Row 9 of issue 11: a production verifier shares jwt_secret with a dev
  // node, but not the dev node's own key.
  auto production = hs_verifier();
  CAF_CHECK_EQUAL(error_of(production, sign_hs256(dev_key, claims())),
                  "bad signature");
  CAF_CHECK_EQUAL(error_of(rs_verifier(0), sign_hs256(dev_key, claims())),
                  "alg HS256 is not accepted");
}

// -- jwt_require_exp ----------------------------------------------------------

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
