// The node's own answers to the backend API (interfaces/admin.hpp): a
// single node's API asks it directly; in a cluster, cluster/admin.hpp asks
// it for this node and every other node's gateway asks its own.
//
//   disconnect(user, reason)  the user's sockets here (admission's registry)
//   census                    this node: its sockets, its live topics
//   presence(topic)           asks the live topic of `directory` (on a
//                             cluster node: the owners' directory), never
//                             spawns one; members of this node get
//                             `node_name`
#pragma once

#include <string>

#include <caf/actor_system.hpp>

#include "actors/admission.hpp"
#include "actors/topic_directory.hpp"
#include "interfaces/admin.hpp"

namespace sockd {

node_admin_actor spawn_local_admin(caf::actor_system& sys,
                                   admission_actor admission,
                                   topic_directory_actor directory,
                                   std::string node_name);

} // namespace sockd
