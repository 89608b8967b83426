// The cluster's node table in the shared PostgreSQL:
// `<schema>.sockd_nodes(name text pk, address text, heartbeat timestamptz)`.
// A detached actor with its own connection (blocking SQL never stalls the
// scheduler) creates the table, upserts this node every `interval` and
// tells `listener` which nodes are alive: those whose heartbeat, in the
// database's clock, is younger than `ttl`. On exit it deletes its row, so
// that a node stopped cleanly leaves the table at once.
//
//   listener <- nodes(node_rows)   after every successful heartbeat
//
// While the database is unavailable it reports nothing (the cluster keeps
// the view its connections give) and tries again every interval.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/meta/type_name.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

/// A live node as the table has it.
struct node_row {
  std::string name;
  std::string address; // host:port of its cluster_listen
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_row& x) {
  return f(caf::meta::type_name("sockd.node_row"), x.name, x.address);
}

using node_rows = std::vector<node_row>;

struct node_table_config {
  std::string url;     // libpq URI
  std::string schema;  // sockd's schema
  std::string name;    // this node's name
  std::string address; // this node's cluster address
  caf::timespan interval = std::chrono::seconds(1);
  caf::timespan ttl = std::chrono::seconds(3);
};

/// Spawns the heartbeat actor; stop it with an exit message.
caf::actor spawn_node_table(caf::actor_system& sys, node_table_config cfg,
                            caf::actor listener);

} // namespace sockd
