// The ticket registry: issues single-use tickets bound to a user and redeems
// them once, within their time to live.
//
//   issue(sub, valid_until)
//                   -> "<authCode>:<connectionId>"
//                    | errc::too_many_tickets (the user holds
//                      `max_per_user` outstanding tickets already)
//   redeem(ticket)  -> (sub, connectionId, valid_until) | errc::unauthorized
//
// `valid_until` is when the login token behind the ticket stops being
// valid (unix seconds, exp + jwt_leeway; 0: never), carried to the
// connection so that enforce_token_exp can close the socket then.
//
// A ticket is outstanding from its issue until it is redeemed or expires;
// only outstanding tickets count against a user's cap, and a user with none
// holds no entry.
#pragma once

#include <cstddef>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

using ticket_registry_actor = caf::typed_actor<
  caf::replies_to<issue_atom, std::string, int64_t>::with<std::string>,
  caf::replies_to<redeem_atom, std::string>::with<std::string, std::string,
                                                  int64_t>>;

/// Spawns the registry; tickets live `ttl` after issue, and one user holds
/// at most `max_per_user` outstanding ones (`max_tickets_per_user`).
ticket_registry_actor spawn_ticket_registry(caf::actor_system& sys,
                                            caf::timespan ttl,
                                            size_t max_per_user = 100);

} // namespace sockd
