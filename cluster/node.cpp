#include "cluster/node.hpp"

#include <caf/actor_cast.hpp>
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>
#include <caf/openssl/publish.hpp>
#include <caf/send.hpp>

#include "actors/admin.hpp"
#include "cluster/fanout_log.hpp"

namespace sockd::cluster {

void node::stop() const {
  auto bye = [](const auto& handle) {
    if (handle)
      caf::anon_send_exit(handle, caf::exit_reason::user_shutdown);
  };
  bye(heartbeat);
  bye(fanout_log);
  bye(gateway);
  bye(directory);
  bye(tickets);
  bye(local_tickets);
  bye(owners);
  bye(admin);
  bye(local_admin);
  bye(membership);
}

node spawn_node(caf::actor_system& sys, node_config cfg) {
  node n;
  n.owners = spawn_topic_directory(sys, cfg.types, cfg.db, cfg.history);
  n.local_tickets = spawn_ticket_registry(sys, cfg.ticket_ttl,
                                          cfg.max_tickets_per_user);
  n.directory = spawn_directory(sys, cfg.types, cfg.name);
  n.tickets = spawn_ticket_router(sys, n.local_tickets);
  if (cfg.admission)
    n.local_admin = spawn_local_admin(sys, cfg.admission, n.owners, cfg.name);
  n.admin = spawn_cluster_admin(sys, n.local_admin, cfg.name);
  membership_config mcfg;
  mcfg.name = cfg.name;
  mcfg.seeds = cfg.seeds;
  mcfg.listeners = {n.directory, n.tickets, n.admin};
  mcfg.tick = cfg.tick;
  mcfg.identity = cfg.identity;
  if (cfg.tls && openssl_error_queue_fix())
    mcfg.connector = sys.openssl_manager().actor_handle();
  n.tls = cfg.tls;
  n.membership = spawn_membership(sys, std::move(mcfg));
  n.gateway = spawn_gateway(sys, n.membership, n.owners, n.local_tickets,
                            n.local_admin);
  return n;
}

bool start_node(caf::actor_system& sys, node& n, const std::string& listen,
                node_table_config table, std::string& error) {
  std::string host;
  uint16_t port = 0;
  auto zero_port = listen.size() > 2
                   && listen.compare(listen.size() - 2, 2, ":0") == 0;
  if (zero_port) {
    host = listen.substr(0, listen.size() - 2);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
      host = host.substr(1, host.size() - 2);
  } else if (!split_address(listen, host, port)) {
    error = "cluster_listen: expected host:port, got " + listen;
    return false;
  }
  auto bound = n.tls
                 ? caf::openssl::publish(n.gateway, port, host.c_str(), true)
                 : sys.middleman().publish(n.gateway, port, host.c_str(),
                                           true);
  if (!bound) {
    error = "cluster_listen: cannot listen on " + listen + ": "
            + sys.render(bound.error());
    return false;
  }
  auto address = (host.find(':') != std::string::npos ? "[" + host + "]"
                                                      : host)
                 + ":" + std::to_string(*bound);
  caf::anon_send(n.membership, gateway_atom::value,
                 caf::actor_cast<caf::actor>(n.gateway), address);
  table.address = address;
  n.heartbeat = spawn_node_table(sys, std::move(table),
                                 caf::actor_cast<caf::actor>(n.membership));
  n.fanout_log = spawn_fanout_log(sys);
  return true;
}

void register_cluster_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<peer>("sockd.cluster.peer");
  cfg.add_message_type<view>("sockd.cluster.view");
  cfg.add_message_type<credentials>("sockd.cluster.credentials");
  cfg.add_message_type<node_row>("sockd.node_row");
}

} // namespace sockd::cluster
