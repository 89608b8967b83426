#include "actors/keepalive.hpp"

#include <vector>
#include <unordered_set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

namespace sockd {

namespace {

struct keepalive_state {
  std::vector<std::unordered_set<caf::actor_addr>> slices;
  size_t next = 0; // the slice the next tick visits
  const char* name = "keepalive";

  std::unordered_set<caf::actor_addr>& slice_of(const caf::actor_addr& x) {
    return slices[std::hash<caf::actor_addr>{}(x) % slices.size()];
  }
};

using keepalive_pointer = keepalive_actor::stateful_pointer<keepalive_state>;

keepalive_actor::behavior_type keepalive(keepalive_pointer self,
                                         caf::timespan interval) {
  self->state.slices.resize(keepalive_slices(interval));
  auto step = interval / self->state.slices.size();
  self->delayed_send(self, step, tick_atom::value);
  return {
    [=](watch_atom, caf::actor_addr& who) {
      self->state.slice_of(who).insert(std::move(who));
    },
    [=](unwatch_atom, const caf::actor_addr& who) {
      self->state.slice_of(who).erase(who);
    },
    [=](tick_atom) {
      auto& st = self->state;
      auto& slice = st.slices[st.next];
      st.next = (st.next + 1) % st.slices.size();
      for (auto i = slice.begin(); i != slice.end();) {
        if (auto who = caf::actor_cast<caf::actor>(*i)) {
          caf::anon_send(who, tick_atom::value);
          ++i;
        } else {
          i = slice.erase(i); // gone without unwatch
        }
      }
      self->delayed_send(self, step, tick_atom::value);
    },
  };
}

} // namespace

size_t keepalive_slices(caf::timespan interval) {
  auto n = interval / caf::timespan{keepalive_step};
  return n < 1 ? 1 : static_cast<size_t>(n);
}

keepalive_actor spawn_keepalive(caf::actor_system& sys,
                                caf::timespan interval) {
  return sys.spawn(keepalive, interval);
}

} // namespace sockd
