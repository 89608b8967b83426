// The live nodes as this node sees them: itself plus every node it holds a
// connection to (and whose heartbeat is fresh). The membership actor sends
// a new view to the directory and the ticket router whenever it changes.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/meta/type_name.hpp>

namespace sockd::cluster {

struct peer {
  std::string name;
  caf::actor gateway; // the node's published gateway (cluster/gateway.hpp)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, peer& x) {
  return f(caf::meta::type_name("sockd.cluster.peer"), x.name, x.gateway);
}

struct view {
  std::string self;        // this node's name
  std::vector<peer> nodes; // every live node, this one included, by name

  std::vector<std::string> names() const {
    std::vector<std::string> result;
    result.reserve(nodes.size());
    for (auto& x : nodes)
      result.push_back(x.name);
    return result;
  }

  const peer* find(const std::string& name) const {
    for (auto& x : nodes)
      if (x.name == name)
        return &x;
    return nullptr;
  }
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, view& x) {
  return f(caf::meta::type_name("sockd.cluster.view"), x.self, x.nodes);
}

} // namespace sockd::cluster
