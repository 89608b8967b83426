// The claims step of JWT verification, run only on a payload whose
// signature held: exp/nbf with leeway, iss and aud when configured, and a
// `sub` fit to become part of socket ids, log lines and rows. Internal to
// auth/ (auth/jwt.cpp).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace sockd::auth {

struct claim_rules {
  std::string issuer;   // checked when not empty
  std::string audience; // checked when not empty
  int leeway = 30;      // seconds of clock skew allowed for exp and nbf
  bool require_exp = false;

  /// Checks `claims` at `now` (seconds since the epoch): empty, `sub` set
  /// and `valid_until` (exp + leeway, 0 without exp) when they hold, else
  /// why not.
  std::string check(const nlohmann::json& claims, double now,
                    std::string& sub, int64_t& valid_until) const;
};

} // namespace sockd::auth
