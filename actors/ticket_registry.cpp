#include "actors/ticket_registry.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "auth/random.hpp"
#include "auth/ticket.hpp"
#include "interfaces/errors.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd {

namespace {

using time_point = caf::actor_clock::time_point;

constexpr size_t auth_code_length = 36; // a random_uuid()

struct ticket {
  std::string sub;
  std::string connection_id;
  time_point expires;
  int64_t valid_until; // the login token's, unix seconds; 0: never
};

struct ticket_registry_state {
  caf::timespan ttl;
  size_t max_per_user = 100;
  std::unordered_map<std::string, ticket> tickets;
  // Outstanding tickets per user; a user at zero has no entry, so the map
  // holds at most one entry per outstanding ticket.
  std::unordered_map<std::string, size_t> outstanding;
  // Every ticket has the same ttl, so issue order is expiry order: expired
  // tickets are swept from the front, which keeps memory bounded without a
  // timer per ticket. A redeemed ticket's entry stays until then (ttl), so
  // it holds the auth code inline, not as a heap string: memory per
  // connection (docs/performance.md).
  struct expiry_entry {
    time_point at;
    std::array<char, auth_code_length> code;
  };
  std::deque<expiry_entry> expiry;

  void sweep(time_point now) {
    while (!expiry.empty() && expiry.front().at <= now) {
      auto& code = expiry.front().code;
      // A redeemed ticket is gone already and was released then.
      if (auto i = tickets.find(std::string{code.data(), code.size()});
          i != tickets.end()) {
        release(i->second.sub);
        tickets.erase(i);
        metrics::sockd.ticket(metrics::ticket_event::expired);
      }
      expiry.pop_front();
    }
  }

  void release(const std::string& sub) {
    auto i = outstanding.find(sub);
    if (i != outstanding.end() && --i->second == 0)
      outstanding.erase(i);
  }

  bool at_cap(const std::string& sub) const {
    auto i = outstanding.find(sub);
    return i != outstanding.end() && i->second >= max_per_user;
  }

  const char* name = "ticket_registry";
};

// Auth codes are random_uuid()s, all of one length.
void add_expiry(ticket_registry_state& st, time_point at,
                  const std::string& auth_code) {
  ticket_registry_state::expiry_entry e{at, {}};
  std::copy_n(auth_code.begin(), std::min(auth_code.size(), e.code.size()),
              e.code.begin());
  st.expiry.push_back(e);
}

ticket_registry_actor::behavior_type
ticket_registry(ticket_registry_actor::stateful_pointer<ticket_registry_state>
                  self,
                caf::timespan ttl, size_t max_per_user) {
  self->state.ttl = ttl;
  self->state.max_per_user = max_per_user;
  return {
    [=](issue_atom, const std::string& sub,
        int64_t valid_until) -> caf::result<std::string> {
      auto& st = self->state;
      auto now = self->clock().now();
      st.sweep(now);
      if (st.at_cap(sub))
        return make_error(errc::too_many_tickets,
                          "too many outstanding tickets for this user (at most "
                            + std::to_string(st.max_per_user)
                            + "): redeem or let some expire");
      ++st.outstanding[sub];
      auto auth_code = random_uuid();
      auto connection_id = random_uuid();
      st.tickets.emplace(auth_code, ticket{sub, connection_id, now + st.ttl,
                                           valid_until});
      add_expiry(st, now + st.ttl, auth_code);
      metrics::sockd.ticket(metrics::ticket_event::issued);
      return auth_code + ":" + connection_id;
    },
    [=](redeem_atom, const std::string& text)
      -> caf::result<std::string, std::string, int64_t> {
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
      st.release(result.sub);
      metrics::sockd.ticket(metrics::ticket_event::redeemed);
      return {std::move(result.sub), std::move(result.connection_id),
              result.valid_until};
    },
  };
}

} // namespace

ticket_registry_actor spawn_ticket_registry(caf::actor_system& sys,
                                            caf::timespan ttl,
                                            size_t max_per_user) {
  return sys.spawn(ticket_registry, ttl, max_per_user);
}

} // namespace sockd
