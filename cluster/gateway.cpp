#include "cluster/gateway.hpp"

#include <unordered_set>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace sockd::cluster {

namespace {

constexpr auto local_timeout = std::chrono::seconds(5);

struct gateway_state {
  membership_actor membership;
  topic_directory_actor owners;
  ticket_registry_actor tickets;
  // Owner topics handed out, weakly: stopped with the gateway.
  std::unordered_set<caf::actor_addr> topics;

  const char* name = "cluster_gateway";
};

using gateway_pointer = gateway_actor::stateful_pointer<gateway_state>;

gateway_actor::behavior_type gateway(gateway_pointer self,
                                     membership_actor membership,
                                     topic_directory_actor owners,
                                     ticket_registry_actor tickets) {
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
    [=](hello_atom, const std::string& name, const std::string& address,
        const caf::actor& peer) {
      return self->delegate(self->state.membership, hello_atom::value, name,
                            address, peer);
    },
    [=](lookup_atom, const std::string& topic) -> caf::result<caf::actor> {
      auto rp = self->make_response_promise<caf::actor>();
      self->request(self->state.owners, local_timeout, lookup_atom::value,
                    topic)
        .then(
          [=](const topic_actor& handle) mutable {
            if (self->state.topics.insert(handle.address()).second)
              self->monitor(handle);
            rp.deliver(caf::actor_cast<caf::actor>(handle));
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](redeem_atom, const std::string& ticket) {
      return self->delegate(self->state.tickets, redeem_atom::value, ticket);
    },
  };
}

} // namespace

gateway_actor spawn_gateway(caf::actor_system& sys,
                            membership_actor membership,
                            topic_directory_actor owners,
                            ticket_registry_actor tickets) {
  return sys.spawn(gateway, std::move(membership), std::move(owners),
                   std::move(tickets));
}

} // namespace sockd::cluster
