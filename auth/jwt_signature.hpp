// The signature step of JWT verification, apart from the claims: which
// algorithms are accepted with which keys, and the OpenSSL calls that check
// them. Internal to auth/ (auth/jwt.cpp).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace sockd::auth {

constexpr size_t hs256_size = 32;

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const {
    EVP_PKEY_free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

/// Returns false when OpenSSL fails (which it should not for HMAC-SHA256).
bool hmac_sha256(std::string_view key, std::string_view data,
                 std::array<unsigned char, hs256_size>& out);

/// Parses a PEM public key for RS256 into `out`; returns the problem (not
/// PEM, not RSA, shorter than 2048 bits) or empty.
std::string load_rs256_public_key(const std::string& pem, pkey_ptr& out);

/// The keys a verifier accepts; an empty one (or a null public key) turns
/// its algorithm off.
struct signature_keys {
  std::string secret;     // HS256
  std::string dev_secret; // HS256, dev mode's own key
  pkey_ptr public_key;    // RS256

  /// Checks `sig` over `signing_input` with `alg`: empty when it holds,
  /// else why not ("bad signature", "alg none is not accepted", ...).
  std::string check(const std::string& alg, std::string_view signing_input,
                    const std::string& sig) const;
};

} // namespace sockd::auth
