#include "cluster/admin.hpp"

#include <chrono>
#include <memory>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cluster/placement.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"

namespace sockd::cluster {

namespace {

// A node that has not answered by then is reported, not waited for.
constexpr auto node_timeout = std::chrono::seconds(3);

struct admin_state {
  node_admin_actor local;
  std::string node;
  view current;

  const char* name = "cluster_admin";
};

using admin_pointer = cluster_admin_actor::stateful_pointer<admin_state>;

// Asks every live node (this one through `local`, the others through their
// gateways) and calls `done` once with every answer, in view order.
template <class T, class... Ts>
void ask_all(admin_pointer self,
             std::function<void(std::vector<caf::expected<T>>)> done,
             Ts... xs) {
  auto& st = self->state;
  auto n = st.current.nodes.size();
  auto answers = std::make_shared<std::vector<caf::expected<T>>>(
    n, caf::expected<T>{make_error(errc::unavailable, "no answer")});
  auto left = std::make_shared<size_t>(n);
  auto settle = [=](size_t i, caf::expected<T> x) {
    (*answers)[i] = std::move(x);
    if (--*left == 0)
      done(std::move(*answers));
  };
  for (size_t i = 0; i < n; ++i) {
    auto& peer = st.current.nodes[i];
    auto ok = [=](T& x) { settle(i, std::move(x)); };
    auto fail = [=](caf::error& err) { settle(i, std::move(err)); };
    if (peer.name == st.node || !peer.gateway) {
      if (st.local)
        self->request(st.local, node_timeout, xs...).then(ok, fail);
      else
        settle(i, make_error(errc::unavailable, "no backend API here"));
    }
    else
      self->request(peer.gateway, node_timeout, xs...).then(ok, fail);
  }
}

cluster_admin_actor::behavior_type admin(admin_pointer self,
                                         node_admin_actor local,
                                         std::string node) {
  self->state.local = std::move(local);
  self->state.node = node;
  // Until the first view: this node alone.
  self->state.current.self = node;
  self->state.current.nodes.push_back(peer{node, caf::actor{}});
  return {
    [=](view_atom, view& next) { self->state.current = std::move(next); },
    [=](disconnect_atom, const std::string& sub, const std::string& reason)
      -> caf::result<uint64_t> {
      auto rp = self->make_response_promise<uint64_t>();
      auto names = self->state.current.names();
      ask_all<uint64_t>(
        self,
        [=](std::vector<caf::expected<uint64_t>> answers) mutable {
          uint64_t closed = 0;
          for (size_t i = 0; i < answers.size(); ++i) {
            if (answers[i])
              closed += *answers[i];
            else
              log_warn("api: disconnect got no answer from node "
                       + names[i]);
          }
          rp.deliver(closed);
        },
        disconnect_atom::value, sub, reason);
      return rp;
    },
    [=](census_atom) -> caf::result<node_census_list> {
      auto rp = self->make_response_promise<node_census_list>();
      auto names = self->state.current.names();
      ask_all<node_census_list>(
        self,
        [=](std::vector<caf::expected<node_census_list>> answers) mutable {
          node_census_list result;
          for (size_t i = 0; i < answers.size(); ++i) {
            if (answers[i] && answers[i]->size() == 1)
              result.push_back(answers[i]->front());
            else
              result.push_back(node_census{names[i], false, 0, 0});
          }
          rp.deliver(std::move(result));
        },
        census_atom::value);
      return rp;
    },
    [=](presence_atom, const std::string& topic)
      -> caf::result<remote_member_list> {
      auto& st = self->state;
      auto owner = owner_of(topic, st.current.names());
      auto peer = st.current.find(owner);
      if (owner == st.node || peer == nullptr || !peer->gateway) {
        if (!st.local)
          return make_error(errc::unavailable, "no backend API here");
        return self->delegate(st.local, presence_atom::value, topic);
      }
      auto rp = self->make_response_promise<remote_member_list>();
      self->request(peer->gateway, node_timeout, presence_atom::value, topic)
        .then(
          [=](remote_member_list& members) mutable {
            rp.deliver(std::move(members));
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace

cluster_admin_actor spawn_cluster_admin(caf::actor_system& sys,
                                        node_admin_actor local,
                                        std::string node_name) {
  return sys.spawn(admin, std::move(local), std::move(node_name));
}

} // namespace sockd::cluster
