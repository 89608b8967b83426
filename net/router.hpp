// Plain HTTP routes (everything but the /sock upgrade):
//
//   GET  /ticket, /v1/sock/ticket,
//        /api/v1/sock/ticket        Bearer JWT -> {"ticket":..}  (CORS)
//   GET  /turn, /api/v1/turn        Bearer JWT -> TURN credentials (CORS;
//                                   404 without turn_secret)
//   OPTIONS  the same paths         CORS preflight
//   GET  /healthz                   {"status":"ok"}
//   GET  /readyz                    database ping -> ready | 503
//   POST /dev/token                 dev only: {"sub":..} -> {"token":..}
//   GET  /, static files            dev only: the demo page
//
// Anything else is 404 JSON; a known path with the wrong method is 405.
#pragma once

#include <memory>

#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

/// Answers `req` through `reply`, at once or after asking an actor.
void route(const std::shared_ptr<server_state>& st, request req,
           responder reply);

/// The `Bearer` token of an Authorization header (scheme matched without
/// regard to case); empty when there is none.
std::string_view bearer_token(std::string_view authorization);

} // namespace sockd::net
