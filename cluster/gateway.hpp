// The gateway: the one actor a node publishes on `cluster_listen`. Other
// nodes reach everything through it.
//
//   challenge -> nonce, hello(name, address, gateway, proof, nonce)
//       -> (name, proof)       forwarded to the membership
//   lookup(topic) -> actor     the owner topic actor of `topic` on this node
//                              (spawned on first use, like a local lookup)
//   redeem(ticket) -> (sub, connectionId, valid_until)   from this node's own
//                                                      registry
//   disconnect(user, reason), census, presence(topic)
//                  backend API requests of another node's cluster admin
//                  (cluster/admin.hpp), answered by this node's own
//                  (actors/admin.hpp)
//
// lookup, redeem and the API requests answer only actors of this node or of
// a node that completed a hello with it (membership `verified`); anyone
// else gets `forbidden`.
//
// It remembers the owner topics it handed out and stops them when it
// stops, so that a node shutting down does not wait for remote members.
#pragma once

#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/ticket_registry.hpp"
#include "actors/topic_directory.hpp"
#include "cluster/membership.hpp"
#include "interfaces/admin.hpp"
#include "interfaces/atoms.hpp"

namespace sockd::cluster {

using gateway_actor = caf::typed_actor<
  caf::replies_to<challenge_atom>::with<std::string>,
  caf::replies_to<hello_atom, std::string, std::string, caf::actor,
                  credentials, std::string>::with<std::string, credentials>,
  caf::replies_to<lookup_atom, std::string>::with<caf::actor>,
  caf::replies_to<redeem_atom, std::string>::with<std::string, std::string,
                                                  int64_t>,
  caf::replies_to<disconnect_atom, std::string, std::string>::with<uint64_t>,
  caf::replies_to<census_atom>::with<node_census_list>,
  caf::replies_to<presence_atom, std::string>::with<remote_member_list>>;

gateway_actor spawn_gateway(caf::actor_system& sys,
                            membership_actor membership,
                            topic_directory_actor owners,
                            ticket_registry_actor tickets,
                            node_admin_actor admin = {});

} // namespace sockd::cluster
