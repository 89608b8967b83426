// JWT verification (HS256 with a shared secret, RS256 with a PEM public key)
// and HS256 signing for dev tokens. Pure code over OpenSSL and nlohmann.
//
// Dev mode signs its tokens with a key of its own (`dev_hs256_secret`, made
// per process), never with the configured secret: a token from a dev node's
// open /dev/token is then worthless on every other node, even one that
// shares jwt_secret.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "auth/base64url.hpp" // the encoding of every part of a token

namespace sockd {

struct jwt_config {
  std::string hs256_secret;       // empty: HS256 not accepted
  std::string dev_hs256_secret;   // dev mode's own key, also accepted; empty:
                                  // dev off
  std::string rs256_public_key;   // PEM text; empty: RS256 not accepted
  std::string issuer;             // checked when not empty
  std::string audience;           // checked when not empty
  int leeway_seconds = 30;        // clock skew allowed for exp and nbf
  bool require_exp = false;       // refuse tokens without exp
};

/// The outcome of a verification: the `sub` claim, or why not.
struct jwt_result {
  std::string sub;
  int64_t valid_until = 0; // exp + leeway in unix seconds; 0: no exp
  std::string error; // empty on success
  bool ok() const { return error.empty(); }
};

class jwt_verifier {
public:
  /// Builds a verifier; returns nullptr and sets `error` when the public key
  /// does not parse or no key at all is set.
  static std::shared_ptr<const jwt_verifier> make(jwt_config cfg,
                                                  std::string& error);

  ~jwt_verifier();

  /// Verifies a compact JWS: alg must be HS256 (with the secret or the dev
  /// key) or RS256 (with the public key), never `none`; exp/nbf with leeway,
  /// exp required when configured; iss/aud when configured; `sub` a
  /// non-empty string.
  jwt_result verify(std::string_view token,
                    std::chrono::system_clock::time_point now) const;

private:
  jwt_verifier() = default;
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Signs claims with HS256 (dev tokens and tests).
std::string sign_hs256(const std::string& secret, const nlohmann::json& claims);

} // namespace sockd
