// sockd's error values. Actors answer with these, never with exceptions; the
// protocol layer maps them to the wire codes of PROTOCOL.md section 5.
#pragma once

#include <cstdint>
#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

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
};

/// The error category CAF renders sockd errors under.
constexpr caf::atom_value errc_category = caf::atom("sockd");

/// The wire name of a code (`"forbidden"`, ...).
const char* to_string(errc code);

caf::error make_error(errc code);
caf::error make_error(errc code, std::string message);

/// Maps any CAF error to a sockd code: sockd's own pass through, a timeout or
/// a dead receiver is `unavailable`, everything else `internal`.
errc to_errc(const caf::error& err);

/// The human-readable message stored in an error made by make_error, if any.
std::string message_of(const caf::error& err);

} // namespace sockd
