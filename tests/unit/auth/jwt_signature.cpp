#define CAF_SUITE auth.jwt_signature
// The signature step (auth/jwt_signature.hpp): which alg is accepted with
// which key (HS256, RS256, dev mode's own key), and every forgery refused.
#include <caf/test/unit_test.hpp>

#include <string>

#include "tests/unit/auth/jwt_fixture.hpp"

using namespace sockd;
using namespace sockd::jwt_test;

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
