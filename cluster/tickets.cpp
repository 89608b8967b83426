#include "cluster/tickets.hpp"

#include <memory>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"

namespace sockd::cluster {

namespace {

constexpr auto local_timeout = std::chrono::seconds(5);

struct router_state {
  ticket_registry_actor local;
  caf::timespan peer_timeout;
  view current;

  const char* name = "cluster_tickets";
};

using router_pointer = ticket_router_actor::stateful_pointer<router_state>;

using ticket_promise =
  caf::typed_response_promise<std::string, std::string, int64_t>;

// Asks every other live node; the first to know the ticket answers.
void redeem_remotely(router_pointer self, const std::string& ticket,
                     ticket_promise rp) {
  auto& st = self->state;
  std::vector<caf::actor> peers;
  for (auto& x : st.current.nodes)
    if (x.name != st.current.self && x.gateway)
      peers.push_back(x.gateway);
  auto refused = [] {
    return make_error(errc::unauthorized, "unknown, used or expired ticket");
  };
  if (peers.empty()) {
    rp.deliver(refused());
    return;
  }
  struct tally {
    size_t waiting;
    bool done = false;
  };
  auto t = std::make_shared<tally>(tally{peers.size()});
  for (auto& peer : peers) {
    self->request(peer, st.peer_timeout, redeem_atom::value, ticket)
      .then(
        [=](std::string& sub, std::string& cid, int64_t until) mutable {
          --t->waiting;
          if (!t->done) {
            t->done = true;
            rp.deliver(std::move(sub), std::move(cid), until);
          }
        },
        [=](caf::error&) mutable {
          if (--t->waiting == 0 && !t->done) {
            t->done = true;
            rp.deliver(refused());
          }
        });
  }
}

ticket_router_actor::behavior_type router(router_pointer self,
                                          ticket_registry_actor local,
                                          caf::timespan peer_timeout) {
  self->state.local = std::move(local);
  self->state.peer_timeout = peer_timeout;
  return {
    [=](issue_atom, const std::string& sub, int64_t valid_until) {
      return self->delegate(self->state.local, issue_atom::value, sub,
                            valid_until);
    },
    [=](redeem_atom, const std::string& ticket)
      -> caf::result<std::string, std::string, int64_t> {
      auto rp =
        self->make_response_promise<std::string, std::string, int64_t>();
      self->request(self->state.local, local_timeout, redeem_atom::value,
                    ticket)
        .then(
          [=](std::string& sub, std::string& cid, int64_t until) mutable {
            rp.deliver(std::move(sub), std::move(cid), until);
          },
          [=](caf::error& err) mutable {
            // Only a well-formed ticket this node does not know can be
            // another node's.
            if (to_errc(err) != errc::unauthorized
                || ticket.find(':') == std::string::npos) {
              rp.deliver(std::move(err));
              return;
            }
            redeem_remotely(self, ticket, rp);
          });
      return rp;
    },
    [=](view_atom, view& next) { self->state.current = std::move(next); },
  };
}

} // namespace

ticket_router_actor spawn_ticket_router(caf::actor_system& sys,
                                        ticket_registry_actor local,
                                        caf::timespan peer_timeout) {
  return sys.spawn(router, std::move(local), peer_timeout);
}

} // namespace sockd::cluster
