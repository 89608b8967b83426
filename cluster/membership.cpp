#include "cluster/membership.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/io/middleman.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "auth/random.hpp"
#include "cluster/gateway.hpp"
#include "cluster/view.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::cluster {

namespace {

using time_point = caf::actor_clock::time_point;

// A caller's challenge longer than this is refused.
constexpr size_t max_nonce_bytes = 64;
// Refused hellos logged (once per address and name) before forgetting.
constexpr size_t max_refusals_logged = 1024;

struct connected_node {
  std::string address;
  caf::actor gateway;
  time_point since;
};

struct membership_state {
  membership_config cfg;
  caf::actor gateway;  // this node's
  std::string address; // this node's advertised address
  std::map<std::string, connected_node> peers; // by name
  std::set<std::string> connecting;            // addresses
  std::map<std::string, std::string> name_of;  // address -> node name
  std::set<std::string> unreachable_logged;    // addresses
  nonce_book nonces;                           // challenges issued
  std::set<std::string> refusals_logged;       // address + name
  std::vector<std::string> table_addresses;
  std::set<std::string> table_live;
  time_point table_at;
  bool table_seen = false;
  std::vector<std::string> last_names;

  const char* name = "cluster_membership";

  bool live(const std::string& peer, const connected_node& x,
            time_point now) const {
    bool table_fresh = table_seen && now - table_at < cfg.table_stale;
    return !table_fresh || table_live.count(peer) > 0
           || now - x.since < cfg.grace;
  }

  view current(time_point now) const {
    view result;
    result.self = cfg.name;
    result.nodes.push_back(peer{cfg.name, gateway});
    for (auto& kvp : peers)
      if (live(kvp.first, kvp.second, now))
        result.nodes.push_back(peer{kvp.first, kvp.second.gateway});
    std::sort(result.nodes.begin(), result.nodes.end(),
              [](auto& x, auto& y) { return x.name < y.name; });
    return result;
  }

  // Whether `address` is this node or a node we are connected to.
  bool known(const std::string& addr) const {
    if (addr == address)
      return true;
    auto i = name_of.find(addr);
    return i != name_of.end()
           && (i->second == cfg.name || peers.count(i->second) > 0);
  }
};

using membership_pointer =
  membership_actor::stateful_pointer<membership_state>;

std::string join_names(const std::vector<std::string>& names) {
  std::string result;
  for (auto& x : names) {
    if (!result.empty())
      result += ",";
    result += x;
  }
  return result;
}

void publish_view(membership_pointer self) {
  auto& st = self->state;
  if (!st.gateway)
    return;
  auto v = st.current(self->clock().now());
  auto names = v.names();
  if (names == st.last_names)
    return;
  st.last_names = names;
  metrics::sockd.cluster_nodes.set(static_cast<int64_t>(names.size()));
  log_info("cluster: live nodes " + join_names(names));
  for (auto& listener : st.cfg.listeners)
    self->send(listener, view_atom::value, v);
}

// Why `name` cannot be bound to `gw` now, or empty: a hello never takes
// the name of this node or of a connected, live node with another gateway.
std::string taken(membership_pointer self, const std::string& name,
                  const caf::actor& gw) {
  auto& st = self->state;
  if (name == st.cfg.name)
    return gw == st.gateway ? std::string{} : "it is this node's name";
  auto i = st.peers.find(name);
  if (i == st.peers.end() || i->second.gateway == gw
      || !st.live(name, i->second, self->clock().now()))
    return {};
  return "node " + name + " is connected and live at " + i->second.address;
}

void add_peer(membership_pointer self, const std::string& name,
              const std::string& address, caf::actor gw) {
  auto& st = self->state;
  if (!gw)
    return;
  st.name_of[address] = name;
  if (name == st.cfg.name)
    return; // a seed pointing at this node
  auto& x = st.peers[name];
  if (x.gateway == gw)
    return;
  if (x.gateway) {
    log_warn("cluster: node " + name + " at " + address
             + " replaces its predecessor at " + x.address
             + ", connected but no longer live");
    self->demonitor(x.gateway);
  }
  x = connected_node{address, gw, self->clock().now()};
  self->monitor(gw);
  st.unreachable_logged.erase(address);
  log_info("cluster: node " + name + " joined at " + address);
  publish_view(self);
}

// A challenge answers one hello within two connect timeouts of its issue.
caf::timespan nonce_ttl(membership_pointer self) {
  return 2 * self->state.cfg.connect_timeout;
}

void log_refusal(membership_pointer self, const std::string& address,
                 const std::string& name, const std::string& why) {
  auto& logged = self->state.refusals_logged;
  if (logged.size() >= max_refusals_logged)
    logged.clear();
  if (logged.insert(address + "\n" + name).second)
    log_warn("cluster: refused hello from " + address + " as " + name + ": "
             + why);
}

void unreachable(membership_pointer self, const std::string& address,
                 const std::string& why) {
  auto& st = self->state;
  st.connecting.erase(address);
  if (st.unreachable_logged.insert(address).second)
    log_warn("cluster: cannot reach " + address + ": " + why
             + " (retrying every tick)");
}

// Says hello to the gateway `gw` at `address`, answering its challenge
// `nonce`, and takes the node on when its answer proves its name.
void introduce(membership_pointer self, const std::string& address,
               const caf::actor& gw, const std::string& nonce) {
  auto& st = self->state;
  auto mine = random_hex(16);
  auto proof = prove(self->state.cfg.identity, nonce,
                     hello_statement(nonce, st.cfg.name, st.address,
                                     st.gateway));
  self
    ->request(gw, st.cfg.connect_timeout, hello_atom::value, st.cfg.name,
              st.address, st.gateway, std::move(proof), mine)
    .then(
      [=](std::string& name, credentials& answer) {
        std::string why;
        if (self->state.cfg.identity && answer.nonce != mine)
          why = "its answer is not for this node's challenge";
        else
          why = check_proof(self->state.cfg.identity, answer, name,
                            answer_statement(mine, name, gw));
        if (why.empty())
          why = taken(self, name, gw);
        if (!why.empty()) {
          unreachable(self, address, "refused it as " + name + ": " + why);
          return;
        }
        self->state.connecting.erase(address);
        add_peer(self, name, address, gw);
      },
      [=](caf::error& err) {
        unreachable(self, address, self->system().render(err));
      });
}

void connect(membership_pointer self, const std::string& address) {
  auto& st = self->state;
  if (st.known(address) || st.connecting.count(address) > 0)
    return;
  std::string host;
  uint16_t port = 0;
  if (!split_address(address, host, port)) {
    unreachable(self, address, "not a host:port address");
    return;
  }
  st.connecting.insert(address);
  auto mm = st.cfg.connector ? st.cfg.connector
                             : self->system().middleman().actor_handle();
  auto timeout = st.cfg.connect_timeout;
  self->request(mm, timeout, caf::connect_atom::value, host, port)
    .then(
      [=](const caf::node_id&, caf::strong_actor_ptr& ptr,
          const std::set<std::string>&) {
        auto gw = caf::actor_cast<caf::actor>(ptr);
        if (!gw) {
          unreachable(self, address, "no gateway published there");
          return;
        }
        self->request(gw, timeout, challenge_atom::value)
          .then(
            [=](std::string& nonce) { introduce(self, address, gw, nonce); },
            [=](caf::error& err) {
              unreachable(self, address, self->system().render(err));
            });
      },
      [=](caf::error& err) {
        unreachable(self, address, self->system().render(err));
      });
}

void connect_all(membership_pointer self) {
  auto& st = self->state;
  if (!st.gateway)
    return;
  for (auto& addr : st.cfg.seeds)
    connect(self, addr);
  for (auto& addr : st.table_addresses)
    connect(self, addr);
}

membership_actor::behavior_type membership(membership_pointer self,
                                           membership_config cfg) {
  self->state.cfg = std::move(cfg);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto i = st.peers.begin(); i != st.peers.end(); ++i) {
      if (i->second.gateway.address() != msg.source)
        continue;
      log_warn("cluster: lost node " + i->first + " at " + i->second.address
               + ": " + self->system().render(msg.reason));
      st.peers.erase(i);
      publish_view(self);
      return;
    }
  });
  return {
    [=](gateway_atom, caf::actor gw, std::string address) {
      auto& st = self->state;
      st.gateway = std::move(gw);
      st.address = std::move(address);
      log_info("cluster: node " + st.cfg.name + " at " + st.address);
      publish_view(self);
      connect_all(self);
      self->delayed_send(self, st.cfg.tick, tick_atom::value);
    },
    [=](challenge_atom) {
      return self->state.nonces.issue(self->clock().now(), nonce_ttl(self));
    },
    [=](hello_atom, const std::string& name, const std::string& address,
        const caf::actor& gw, const credentials& proof,
        const std::string& nonce) -> caf::result<std::string, credentials> {
      auto& st = self->state;
      std::string why;
      if (!gw)
        why = "no gateway";
      else if (nonce.size() > max_nonce_bytes)
        why = "challenge too long";
      else if (st.cfg.identity
               && !st.nonces.consume(proof.nonce, self->clock().now(),
                                     nonce_ttl(self)))
        why = "it answers no fresh challenge of this node";
      else
        why = check_proof(self->state.cfg.identity, proof, name,
                          hello_statement(proof.nonce, name, address, gw));
      if (why.empty())
        why = taken(self, name, gw);
      if (!why.empty()) {
        log_refusal(self, address, name, why);
        return make_error(errc::forbidden, "hello as " + name
                                             + " refused: " + why);
      }
      add_peer(self, name, address, gw);
      return {st.cfg.name,
              prove(self->state.cfg.identity, nonce,
                    answer_statement(nonce, st.cfg.name, st.gateway))};
    },
    [=](verified_atom, const caf::node_id& node) {
      if (node == self->node())
        return true;
      for (auto& kvp : self->state.peers)
        if (kvp.second.gateway.node() == node)
          return true;
      return false;
    },
    [=](nodes_atom, const node_rows& rows) {
      auto& st = self->state;
      st.table_seen = true;
      st.table_at = self->clock().now();
      st.table_live.clear();
      st.table_addresses.clear();
      for (auto& row : rows) {
        st.table_live.insert(row.name);
        if (row.name != st.cfg.name)
          st.table_addresses.push_back(row.address);
      }
      connect_all(self);
      publish_view(self);
    },
    [=](live_atom) {
      return self->state.current(self->clock().now()).names();
    },
    [=](tick_atom) {
      connect_all(self);
      publish_view(self);
      self->delayed_send(self, self->state.cfg.tick, tick_atom::value);
    },
  };
}

} // namespace

membership_actor spawn_membership(caf::actor_system& sys,
                                  membership_config cfg) {
  return sys.spawn(membership, std::move(cfg));
}

} // namespace sockd::cluster
