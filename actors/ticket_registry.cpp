#include "actors/ticket_registry.hpp"

#include <deque>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/errors.hpp"
#include "auth/random.hpp"
#include "auth/ticket.hpp"

namespace sockd {

namespace {

using time_point = caf::actor_clock::time_point;

struct ticket {
  std::string sub;
  std::string connection_id;
  time_point expires;
};

struct ticket_registry_state {
  caf::timespan ttl;
  std::unordered_map<std::string, ticket> tickets;
  // Every ticket has the same ttl, so issue order is expiry order: expired
  // tickets are swept from the front, which keeps memory bounded without a
  // timer per ticket.
  std::deque<std::pair<time_point, std::string>> expiry;

  void sweep(time_point now) {
    while (!expiry.empty() && expiry.front().first <= now) {
      tickets.erase(expiry.front().second);
      expiry.pop_front();
    }
  }

  const char* name = "ticket_registry";
};

ticket_registry_actor::behavior_type
ticket_registry(ticket_registry_actor::stateful_pointer<ticket_registry_state>
                  self,
                caf::timespan ttl) {
  self->state.ttl = ttl;
  return {
    [=](issue_atom, const std::string& sub) -> std::string {
      auto& st = self->state;
      auto now = self->clock().now();
      st.sweep(now);
      auto auth_code = random_uuid();
      auto connection_id = random_uuid();
      st.tickets.emplace(auth_code, ticket{sub, connection_id, now + st.ttl});
      st.expiry.emplace_back(now + st.ttl, auth_code);
      return auth_code + ":" + connection_id;
    },
    [=](redeem_atom, const std::string& text)
      -> caf::result<std::string, std::string> {
      auto& st = self->state;
      st.sweep(self->clock().now());
      auto parts = parse_ticket(text);
      if (!parts)
        return make_error(errc::unauthorized, "malformed ticket");
      auto i = st.tickets.find(std::string{parts->auth_code});
      if (i == st.tickets.end()
          || i->second.connection_id != parts->connection_id)
        return make_error(errc::unauthorized,
                          "unknown, used or expired ticket");
      auto result = std::move(i->second);
      st.tickets.erase(i); // single use; the expiry entry is swept later
      return {std::move(result.sub), std::move(result.connection_id)};
    },
  };
}

} // namespace

ticket_registry_actor spawn_ticket_registry(caf::actor_system& sys,
                                            caf::timespan ttl) {
  return sys.spawn(ticket_registry, ttl);
}

} // namespace sockd
