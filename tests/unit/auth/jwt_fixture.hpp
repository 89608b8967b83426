// What the auth.jwt* suites share: a fixed clock, two RSA keys, tokens signed
// by hand (HS256 over any text, RS256) and verifiers over the HS256 secret,
// an RSA public key or dev mode's own key.
#pragma once

#include <caf/test/unit_test.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/jwt.hpp"

namespace sockd::jwt_test {

using json = nlohmann::json;
using std::chrono::seconds;
using std::chrono::system_clock;

inline const std::string secret = "test-secret-of-some-length-0123456789";

// A fixed clock: 2026-11-25T21:48:31Z.
inline const system_clock::time_point now
  = system_clock::time_point{seconds{1795643311}};
inline const int64_t now_s = 1795643311;

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const {
    EVP_PKEY_free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

inline pkey_ptr rsa_gen(size_t bits) {
  return pkey_ptr{EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits)};
}

// RSA keys are slow to make: two for all the auth.jwt* suites.
inline EVP_PKEY* rsa_key(int which) {
  static pkey_ptr keys[2] = {rsa_gen(2048), rsa_gen(2048)};
  return keys[which].get();
}

inline std::string public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()),
                                                &BIO_free};
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1)
    throw std::runtime_error("cannot write public key");
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

inline std::string rs256_sign(EVP_PKEY* key, const std::string& input) {
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

inline std::string enc(const std::string& text) {
  return base64url_encode(text);
}

inline std::string rs256_token(EVP_PKEY* key, const json& claims) {
  auto input = enc(R"({"alg":"RS256","typ":"JWT"})") + "." + enc(claims.dump());
  return input + "." + base64url_encode(rs256_sign(key, input));
}

// Any header and payload text, HS256-signed with `key`.
inline std::string hs256_raw(const std::string& header,
                             const std::string& payload,
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

inline json claims(const std::string& sub = "alice") {
  return json{{"sub", sub}, {"exp", now_s + 300}, {"iat", now_s}};
}

inline std::shared_ptr<const jwt_verifier> make(jwt_config cfg) {
  std::string err;
  auto v = jwt_verifier::make(std::move(cfg), err);
  if (!v)
    CAF_FAIL("cannot make verifier: " << err);
  return v;
}

inline std::shared_ptr<const jwt_verifier>
hs_verifier(std::string issuer = "", std::string audience = "") {
  jwt_config cfg;
  cfg.hs256_secret = secret;
  cfg.issuer = std::move(issuer);
  cfg.audience = std::move(audience);
  return make(std::move(cfg));
}

inline std::shared_ptr<const jwt_verifier> rs_verifier(int which = 0) {
  jwt_config cfg;
  cfg.rs256_public_key = public_pem(rsa_key(which));
  return make(std::move(cfg));
}

inline std::string error_of(const std::shared_ptr<const jwt_verifier>& v,
                            const std::string& token) {
  return v->verify(token, now).error;
}

// Replaces the payload part of a token.
inline std::string with_payload(const std::string& token,
                                const std::string& text) {
  auto dot1 = token.find('.');
  auto dot2 = token.find('.', dot1 + 1);
  return token.substr(0, dot1 + 1) + enc(text) + token.substr(dot2);
}

// Dev mode's own key (docs/security.md, "Tokens and dev mode").
inline const std::string dev_key = "dev-key-of-this-process-0123456789abcdef";

} // namespace sockd::jwt_test
