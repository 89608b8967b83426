#include "auth/jwt_signature.hpp"

#include <limits>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace sockd::auth {

namespace {

// RFC 7518 3.3: RS256 keys must have at least 2048 bits.
constexpr int min_rsa_bits = 2048;

struct bio_deleter {
  void operator()(BIO* p) const {
    BIO_free(p);
  }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* p) const {
    EVP_MD_CTX_free(p);
  }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

// True when `sig` is the HMAC-SHA256 of `input` under `key`; sets
// `internal` when OpenSSL fails.
bool hs256_matches(std::string_view key, std::string_view input,
                   const std::string& sig, bool& internal) {
  std::array<unsigned char, hs256_size> mac;
  if (!hmac_sha256(key, input, mac)) {
    ERR_clear_error();
    internal = true;
    return false;
  }
  return sig.size() == mac.size()
         && CRYPTO_memcmp(sig.data(), mac.data(), mac.size()) == 0;
}

} // namespace

bool hmac_sha256(std::string_view key, std::string_view data,
                 std::array<unsigned char, hs256_size>& out) {
  size_t len = 0;
  auto res = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(),
                       key.size(),
                       reinterpret_cast<const unsigned char*>(data.data()),
                       data.size(), out.data(), out.size(), &len);
  return res != nullptr && len == out.size();
}

std::string load_rs256_public_key(const std::string& pem, pkey_ptr& out) {
  if (pem.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return "JWT public key is too large";
  bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  if (bio)
    out.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!out)
    return "JWT public key is not a PEM public key "
           "(expected -----BEGIN PUBLIC KEY-----)";
  if (!EVP_PKEY_is_a(out.get(), "RSA"))
    return "JWT public key is not an RSA key (RS256 needs one)";
  if (EVP_PKEY_get_bits(out.get()) < min_rsa_bits)
    return "JWT public key is shorter than 2048 bits";
  return {};
}

std::string signature_keys::check(const std::string& alg,
                                  std::string_view signing_input,
                                  const std::string& sig) const {
  if (alg == "HS256") {
    if (secret.empty() && dev_secret.empty())
      return "alg HS256 is not accepted";
    bool internal = false;
    // Both keys are tried whatever the first answers: the time taken does
    // not tell which key a token was checked against.
    bool ok = !secret.empty()
              && hs256_matches(secret, signing_input, sig, internal);
    bool dev_ok = !dev_secret.empty()
                  && hs256_matches(dev_secret, signing_input, sig, internal);
    if (internal)
      return "internal error verifying token";
    return ok || dev_ok ? "" : "bad signature";
  }
  if (alg == "RS256") {
    if (!public_key)
      return "alg RS256 is not accepted";
    md_ctx_ptr ctx{EVP_MD_CTX_new()};
    if (!ctx
        || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                public_key.get())
             != 1) {
      ERR_clear_error();
      return "internal error verifying token";
    }
    auto res = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()),
      signing_input.size());
    if (res != 1) {
      // A wrong-length signature is an error (< 0), a forged one a 0: both
      // mean the token is not ours.
      ERR_clear_error();
      return "bad signature";
    }
    return {};
  }
  if (alg == "none")
    return "alg none is not accepted";
  return "unsupported alg";
}

} // namespace sockd::auth
