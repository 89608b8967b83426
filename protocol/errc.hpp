// The error codes of the wire (docs/protocol.md, "Errors"): what an ERROR
// frame's `code` says. interfaces/errors.hpp carries them in caf::error.
#pragma once

#include <cstdint>

namespace sockd {

enum class errc : uint8_t {
  none = 0,
  bad_frame,
  bad_action,
  bad_target,
  forbidden,
  not_subscribed,
  rate_limited,
  unavailable,
  internal,
  unauthorized,         // ticket unknown, used, expired or malformed
  server_full,          // max_connections reached on this node
  too_many_connections, // max_connections_per_user reached on this node
  limit_exceeded,       // a per-connection cap (memberships, docs/security.md)
  too_many_tickets,     // max_tickets_per_user outstanding tickets
  not_found,            // no live topic of that name (backend API)
};

/// The wire name of a code (`"forbidden"`, ...).
const char* to_string(errc code);

} // namespace sockd
