#include "cluster/membership.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <caf/actor_cast.hpp>
#include <caf/io/middleman.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/errors.hpp"
#include "cluster/gateway.hpp"
#include "cluster/view.hpp"
#include "support/log.hpp"

namespace sockd::cluster {

bool split_address(const std::string& address, std::string& host,
                   uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0
      || colon + 1 == address.size())
    return false;
  host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return false;
    host = host.substr(1, host.size() - 2);
  }
  auto digits = address.substr(colon + 1);
  if (digits.size() > 5
      || !std::all_of(digits.begin(), digits.end(),
                      [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto value = std::stoul(digits);
  if (value == 0 || value > 65535)
    return false;
  port = static_cast<uint16_t>(value);
  return true;
}

namespace {

using time_point = caf::actor_clock::time_point;

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
  log_info("cluster: live nodes " + join_names(names));
  for (auto& listener : st.cfg.listeners)
    self->send(listener, view_atom::value, v);
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
  if (x.gateway)
    self->demonitor(x.gateway);
  x = connected_node{address, gw, self->clock().now()};
  self->monitor(gw);
  st.unreachable_logged.erase(address);
  log_info("cluster: node " + name + " joined at " + address);
  publish_view(self);
}

void unreachable(membership_pointer self, const std::string& address,
                 const std::string& why) {
  auto& st = self->state;
  st.connecting.erase(address);
  if (st.unreachable_logged.insert(address).second)
    log_warn("cluster: cannot reach " + address + ": " + why
             + " (retrying every tick)");
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
  auto mm = self->system().middleman().actor_handle();
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
        auto& st = self->state;
        self->request(gw, timeout, hello_atom::value, st.cfg.name, st.address,
                      st.gateway)
          .then(
            [=](const std::string& name) {
              self->state.connecting.erase(address);
              add_peer(self, name, address, gw);
            },
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
    [=](hello_atom, const std::string& name, const std::string& address,
        const caf::actor& gw) -> caf::result<std::string> {
      auto& st = self->state;
      if (name == st.cfg.name && gw != st.gateway) {
        log_error("cluster: node at " + address + " uses this node's name "
                  + name + "; node names must be unique");
        return make_error(errc::forbidden, "node name " + name + " is taken");
      }
      add_peer(self, name, address, gw);
      return st.cfg.name;
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
