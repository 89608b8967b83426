// The answers of GET /turn and GET /api/v1/turn (docs/protocol.md, "TURN
// credentials"). The router checks the method and the bearer token the way
// it does for /ticket; this file builds the body from the options and the
// user, so the shared secret is read here and nowhere else in net/.
#pragma once

#include <cstdint>
#include <string>

#include "config/options.hpp"
#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

/// True when turn_secret is set, i.e. the route hands out credentials.
bool turn_enabled(const options& opts);

/// 404 `{"error":{"code":"not_found",..}}` naming the missing option.
response turn_disabled_reply(const reply_info& info);

/// 200 with `{"username","credential","ttl","uris","iceServers"}` for the
/// user `sub`, valid turn_ttl seconds from `now` (unix seconds).
response turn_reply(const options& opts, const reply_info& info,
                    const std::string& sub, int64_t now);

} // namespace sockd::net
