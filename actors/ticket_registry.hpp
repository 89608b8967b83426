// The ticket registry: issues single-use tickets bound to a user and redeems
// them once, within their time to live.
//
//   issue(sub)      -> "<authCode>:<connectionId>"
//   redeem(ticket)  -> (sub, connectionId) | errc::unauthorized
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"

namespace sockd {

using ticket_registry_actor = caf::typed_actor<
  caf::replies_to<issue_atom, std::string>::with<std::string>,
  caf::replies_to<redeem_atom, std::string>::with<std::string, std::string>>;

/// Spawns the registry; tickets live `ttl` after issue.
ticket_registry_actor spawn_ticket_registry(caf::actor_system& sys,
                                            caf::timespan ttl);

} // namespace sockd
