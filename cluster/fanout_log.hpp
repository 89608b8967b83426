// Logs what broadcasts cost across nodes (actors/fanout_stats.hpp), one
// line per `interval` when something changed:
//   cluster fanout: broadcasts=N cross_node_messages=M max_per_broadcast=K
// A broadcast costs at most one message per other node with members, so
// K stays below the node count; tests/integration/cluster.test.mjs checks.
#pragma once

#include <chrono>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

namespace sockd::cluster {

caf::actor spawn_fanout_log(caf::actor_system& sys,
                            caf::timespan interval = std::chrono::seconds(1));

} // namespace sockd::cluster
