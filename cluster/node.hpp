// A cluster node: every actor clustering adds, wired together.
//
//   net/, connections ──lookup──► directory ──spawns──► relay (per topic)
//   net/ ──issue/redeem──► tickets (router) ──► local ticket registry
//                                  └──redeem──► other nodes' gateways
//   other nodes ──hello/lookup/redeem──► gateway ──► membership,
//                                                    owners (the plain
//                                                    topic directory of
//                                                    the topics owned
//                                                    here), local tickets
//   node table (db/) ──nodes──► membership ──view──► directory, tickets
//
// spawn_node() makes the actors without touching the network (unit tests
// publish the gateway on a simulated one); start_node() publishes the
// gateway on `cluster_listen` and starts the heartbeat and the fanout log.
//
// With `tls`, every connection between nodes is mutual TLS through CAF's
// OpenSSL module (the actor system must load caf::openssl::manager with
// the certificate, key and CA file set in its config), and `identity`
// binds node names to certificates (cluster/tls.hpp). Without it, plain
// BASP: anyone who reaches the port is a node.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>

#include "actors/admission.hpp"
#include "actors/ticket_registry.hpp"
#include "actors/topic_type.hpp"
#include "cluster/admin.hpp"
#include "cluster/directory.hpp"
#include "cluster/gateway.hpp"
#include "cluster/membership.hpp"
#include "cluster/tickets.hpp"
#include "cluster/tls.hpp"
#include "db/nodes.hpp"
#include "interfaces/database.hpp"

namespace sockd::cluster {

struct node_config {
  std::string name;               // node_name
  std::vector<std::string> seeds; // cluster_seeds
  std::shared_ptr<const topic_types> types;
  database_actor db;
  caf::timespan ticket_ttl = std::chrono::seconds(30);
  size_t max_tickets_per_user = 100; // per node, like the connection caps
  caf::timespan tick = std::chrono::seconds(1);
  // Proves and checks node names; null: names are taken on trust.
  tls_identity_ptr identity;
  // Connect and publish through caf::openssl (mutual TLS).
  bool tls = false;
  // The node's socket registry, for the backend API; null: no API answers.
  admission_actor admission;
  // Recent broadcasts each owned topic keeps (history_size, history_ttl).
  topic_history_limits history{};
};

struct node {
  directory_actor directory;     // what connections look topics up in
  ticket_router_actor tickets;   // what net/ issues and redeems with
  gateway_actor gateway;         // what this node publishes
  membership_actor membership;
  topic_directory_actor owners;  // the owner topics on this node
  ticket_registry_actor local_tickets;
  node_admin_actor local_admin;  // this node's answers to the backend API
  cluster_admin_actor admin;     // the whole cluster's (net/admin_api.cpp)
  caf::actor heartbeat;          // db/nodes, after start_node
  caf::actor fanout_log;         // after start_node
  bool tls = false;              // publish through caf::openssl

  /// Stops every actor of the node (the heartbeat removes its row).
  void stop() const;
};

node spawn_node(caf::actor_system& sys, node_config cfg);

/// Publishes the gateway on `listen` (host:port; port 0 picks one), tells
/// the membership its address and starts the heartbeat in `table` (its
/// name and address are filled in here). False with `error` on failure.
bool start_node(caf::actor_system& sys, node& n, const std::string& listen,
                node_table_config table, std::string& error);

/// Announces the cluster's local message types.
void register_cluster_types(caf::actor_system_config& cfg);

} // namespace sockd::cluster
