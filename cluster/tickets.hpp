// Tickets in a cluster: a ticket is issued by the node that serves
// `GET /ticket` and lives only in that node's registry, so single use holds
// without any shared state. Redeeming asks the local registry first and,
// when it does not know the ticket, every other live node's gateway at
// once; only the node holding the ticket can redeem it, and it does so once.
//
//   issue(sub, valid_until) -> ticket   the local registry
//   redeem(ticket) -> (sub, cid, valid_until) | unauthorized
//   view(view)                          the live nodes (membership)
#pragma once

#include <chrono>

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/ticket_registry.hpp"
#include "cluster/view.hpp"
#include "interfaces/atoms.hpp"

namespace sockd::cluster {

using ticket_router_actor =
  ticket_registry_actor::extend<caf::reacts_to<view_atom, view>>;

ticket_router_actor
spawn_ticket_router(caf::actor_system& sys, ticket_registry_actor local,
                    caf::timespan peer_timeout = std::chrono::seconds(3));

} // namespace sockd::cluster
