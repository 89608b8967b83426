#include "cluster/gateway.hpp"

#include <unordered_set>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"

namespace sockd::cluster {

namespace {

constexpr auto local_timeout = std::chrono::seconds(5);

struct gateway_state {
  membership_actor membership;
  topic_directory_actor owners;
  ticket_registry_actor tickets;
  node_admin_actor admin; // this node's answers to the backend API
  // Owner topics handed out, weakly: stopped with the gateway.
  std::unordered_set<caf::actor_addr> topics;

  const char* name = "cluster_gateway";
};

using gateway_pointer = gateway_actor::stateful_pointer<gateway_state>;

// The node the current message comes from (before make_response_promise,
// which takes the sender away).
caf::node_id sender_node(gateway_pointer self) {
  auto& sender = self->current_sender();
  return sender ? sender->node() : caf::node_id{};
}

// Runs `serve` when `node` is this node or a node that completed a hello;
// otherwise `rp` gets `forbidden`.
template <class Promise, class F>
void for_members(gateway_pointer self, const caf::node_id& node, Promise rp,
                 F serve) {
  self->request(self->state.membership, local_timeout, verified_atom::value,
                node)
    .then(
      [=](bool verified) mutable {
        if (verified)
          serve(rp);
        else
          rp.deliver(make_error(errc::forbidden, "not a cluster member"));
      },
      [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

// Hands a backend API request to this node's admin.
template <class T, class... Ts>
void ask_admin(gateway_pointer self, caf::typed_response_promise<T> rp,
               Ts... xs) {
  if (!self->state.admin) {
    rp.deliver(make_error(errc::unavailable, "no backend API on this node"));
    return;
  }
  self->request(self->state.admin, local_timeout, std::move(xs)...)
    .then([=](T& x) mutable { rp.deliver(std::move(x)); },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
}

gateway_actor::behavior_type gateway(gateway_pointer self,
                                     membership_actor membership,
                                     topic_directory_actor owners,
                                     ticket_registry_actor tickets,
                                     node_admin_actor admin) {
  self->state.admin = std::move(admin);
  self->state.membership = std::move(membership);
  self->state.owners = std::move(owners);
  self->state.tickets = std::move(tickets);
  self->set_down_handler(
    [=](caf::down_msg& msg) { self->state.topics.erase(msg.source); });
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& addr : self->state.topics)
      if (auto topic = caf::actor_cast<caf::actor>(addr))
        self->send_exit(topic, msg.reason);
    self->state.topics.clear();
    self->quit(msg.reason);
  });
  return {
    [=](challenge_atom) {
      return self->delegate(self->state.membership, challenge_atom::value);
    },
    [=](hello_atom, const std::string& name, const std::string& address,
        const caf::actor& peer, const credentials& proof,
        const std::string& nonce) {
      return self->delegate(self->state.membership, hello_atom::value, name,
                            address, peer, proof, nonce);
    },
    [=](lookup_atom, const std::string& topic) -> caf::result<caf::actor> {
      auto node = sender_node(self);
      auto rp = self->make_response_promise<caf::actor>();
      for_members(self, node, rp, [=](caf::typed_response_promise<caf::actor> rp) {
        self->request(self->state.owners, local_timeout, lookup_atom::value,
                      topic)
          .then(
            [=](const topic_actor& handle) mutable {
              if (self->state.topics.insert(handle.address()).second)
                self->monitor(handle);
              rp.deliver(caf::actor_cast<caf::actor>(handle));
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      });
      return rp;
    },
    [=](redeem_atom, const std::string& ticket)
      -> caf::result<std::string, std::string, int64_t> {
      auto node = sender_node(self);
      auto rp =
        self->make_response_promise<std::string, std::string, int64_t>();
      using promise =
        caf::typed_response_promise<std::string, std::string, int64_t>;
      for_members(self, node, rp, [=](promise rp) {
        self->request(self->state.tickets, local_timeout, redeem_atom::value,
                      ticket)
          .then(
            [=](std::string& sub, std::string& cid, int64_t until) mutable {
              rp.deliver(std::move(sub), std::move(cid), until);
            },
            [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      });
      return rp;
    },
    [=](disconnect_atom, const std::string& sub, const std::string& reason)
      -> caf::result<uint64_t> {
      auto node = sender_node(self);
      auto rp = self->make_response_promise<uint64_t>();
      using promise = caf::typed_response_promise<uint64_t>;
      for_members(self, node, rp, [=](promise rp) {
        ask_admin(self, rp, disconnect_atom::value, sub, reason);
      });
      return rp;
    },
    [=](census_atom) -> caf::result<node_census_list> {
      auto node = sender_node(self);
      auto rp = self->make_response_promise<node_census_list>();
      using promise = caf::typed_response_promise<node_census_list>;
      for_members(self, node, rp,
                  [=](promise rp) { ask_admin(self, rp, census_atom::value); });
      return rp;
    },
    [=](presence_atom, const std::string& topic)
      -> caf::result<remote_member_list> {
      auto node = sender_node(self);
      auto rp = self->make_response_promise<remote_member_list>();
      using promise = caf::typed_response_promise<remote_member_list>;
      for_members(self, node, rp, [=](promise rp) {
        ask_admin(self, rp, presence_atom::value, topic);
      });
      return rp;
    },
  };
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys,
                            membership_actor membership,
                            topic_directory_actor owners,
                            ticket_registry_actor tickets,
                            node_admin_actor admin) {
  return sys.spawn(gateway, std::move(membership), std::move(owners),
                   std::move(tickets), std::move(admin));
}

} // namespace sockd::cluster
