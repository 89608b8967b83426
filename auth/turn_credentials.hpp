// TURN REST credentials, as coturn checks them with `use-auth-secret`
// (coturn's turnserver.conf, "TURN REST API"): the username is
// `<expiry unix time>:<user id>` and the password is
// base64(HMAC-SHA1(static-auth-secret, username)). coturn reads the expiry
// up to the first ':' only, so a user id may itself hold ':'. Pure code:
// the route in net/turn_route.cpp adds the clock and the URIs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sockd {

struct turn_credentials {
  std::string username;   // `<expiry>:<sub>`
  std::string credential; // base64 HMAC-SHA1 of the username
  int64_t ttl = 0;        // seconds from now to the expiry
};

/// Standard base64 (RFC 4648 section 4) with padding, as coturn expects.
std::string base64_encode(std::string_view bytes);

/// base64(HMAC-SHA1(secret, username)).
std::string turn_password(std::string_view secret, std::string_view username);

/// The credentials of `sub`, valid `ttl` seconds from `now` (unix seconds).
turn_credentials make_turn_credentials(std::string_view secret,
                                       std::string_view sub, int64_t now,
                                       int64_t ttl);

} // namespace sockd
