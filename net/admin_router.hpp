// The routes of the admin address (admin_listen), operator paths only:
//
//   GET  /metrics                 Prometheus text format 0.0.4 (with
//                                 metrics_require_key: bearer api_key)
//   POST /api/publish, /api/disconnect, /api/unsubscribe, /api/recheck
//   GET  /api/presence?topic=, /api/info
//                                 bearer api_key (401 JSON without or with a
//                                 wrong one; 404 JSON when api_key is empty)
//
// Anything else, the public paths included (/ticket, /sock, /healthz), is
// 404 JSON: the admin address never serves what the public one does.
#pragma once

#include <memory>
#include <string_view>

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

/// Answers `req` through `reply`, at once or after asking an actor.
void admin_route(const std::shared_ptr<server_state>& st, request req,
                 responder reply);

/// True when `authorization` is `Bearer <key>` for a non-empty `key`;
/// compares in time independent of where the two differ.
bool api_key_matches(std::string_view authorization, std::string_view key);

} // namespace sockd::net
