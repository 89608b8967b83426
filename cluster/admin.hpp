// The backend API's view of a cluster (interfaces/admin.hpp): every
// request goes to every live node's gateway (this node's own local admin
// directly) and the answers are summed or listed; presence asks the
// topic's owner node only. It follows the membership's view like the
// directory does.
//
//   disconnect(user, reason) -> closed sockets, summed over the nodes that
//                               answered (one that did not is logged)
//   census                   -> one entry per live node, `live:false` for
//                               one that did not answer in time
//   presence(topic)          -> the owner node's answer
#pragma once

#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "cluster/view.hpp"
#include "interfaces/admin.hpp"

namespace sockd::cluster {

using cluster_admin_actor =
  node_admin_actor::extend<caf::reacts_to<view_atom, view>>;

/// `local`: this node's own answers (actors/admin.hpp).
cluster_admin_actor spawn_cluster_admin(caf::actor_system& sys,
                                        node_admin_actor local,
                                        std::string node_name);

} // namespace sockd::cluster
