// The checks before a /sock upgrade completes (docs/protocol.md, "Tickets
// and upgrade"), in this order:
//
//   Origin listed?        no  -> 403 origin_not_allowed (ticket untouched)
//   redeem(ticket)        err -> 401 unauthorized
//   admit(sub)            err -> 503 server_full | 429 too_many_connections
//   grant                     -> (sub, connection id, admission slot)
//
// Refusals carry the JSON error body and the CORS headers of /ticket.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "net/admission_slot.hpp"
#include "net/beast.hpp"
#include "net/http_reply.hpp"

namespace sockd::net {

struct server_state;

struct upgrade_grant {
  std::string sub;
  std::string cid;
  std::shared_ptr<admission_slot> slot; // released when the socket ends
  int64_t valid_until = 0; // the login token's (unix seconds); 0: never
};

using grant_handler = std::function<void(upgrade_grant)>;

/// Runs the checks; calls exactly one of `grant` or `refuse`, possibly on
/// a CAF thread. `peer` names the client in the log line of a refusal.
void check_upgrade(const std::shared_ptr<server_state>& st,
                   const request& req, std::string peer, grant_handler grant,
                   responder refuse);

} // namespace sockd::net
