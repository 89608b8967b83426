// sockd's own WebSocket close codes, in the 4000-4999 range RFC 6455
// (7.4.2) leaves to applications; docs/protocol.md lists them with the
// standard ones sockd uses.
#pragma once

#include <cstdint>

namespace sockd::protocol::close_code {

/// POST /api/disconnect of the backend API (docs/api.md): the app's backend
/// closed the user's sockets; do not reconnect at once as the same user.
constexpr uint16_t disconnected = 4001;

/// The login token behind the socket's ticket expired (enforce_token_exp):
/// fetch a fresh token and ticket, then reconnect.
constexpr uint16_t token_expired = 4002;

} // namespace sockd::protocol::close_code
