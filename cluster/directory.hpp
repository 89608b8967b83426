// The topic directory of a cluster node. `lookup(topic)` answers with the
// topic's relay on this node (cluster/relay.hpp), never with the owner
// itself: the relay is what the node's connections talk to, and it stays
// the same while the topic's owner moves between nodes.
//
//   lookup(topic) -> topic_actor (the relay) | bad_frame | forbidden
//   owner(topic)  -> (owner's gateway, owner's name, live node names)
//                    rendezvous hashing of the topic over the live nodes
//                  | unavailable before the first view
//   view(view)    from the membership; every relay whose owner changed
//                 gets rehome(gateway, owner, live)
#pragma once

#include <memory>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/topic_directory.hpp"
#include "actors/topic_type.hpp"
#include "cluster/view.hpp"
#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

namespace sockd::cluster {

using directory_actor = topic_directory_actor::extend<
  caf::reacts_to<view_atom, view>,
  caf::replies_to<owner_atom, std::string>::with<caf::actor, std::string,
                                                 string_list>>;

directory_actor spawn_directory(caf::actor_system& sys,
                                std::shared_ptr<const topic_types> types,
                                std::string node_name);

} // namespace sockd::cluster
