#include "cluster/fanout_log.hpp"

#include <caf/event_based_actor.hpp>

#include "actors/fanout_stats.hpp"
#include "interfaces/atoms.hpp"
#include "support/log.hpp"

namespace sockd::cluster {

namespace {

caf::behavior fanout_log(caf::event_based_actor* self,
                         caf::timespan interval) {
  auto last = std::make_shared<uint64_t>(0);
  self->delayed_send(self, interval, tick_atom::value);
  return {
    [=](tick_atom) {
      auto x = fanout_stats();
      if (x.broadcasts != *last) {
        *last = x.broadcasts;
        log_info("cluster fanout: broadcasts=" + std::to_string(x.broadcasts)
                 + " cross_node_messages="
                 + std::to_string(x.cross_node_messages)
                 + " max_per_broadcast="
                 + std::to_string(x.max_per_broadcast));
      }
      self->delayed_send(self, interval, tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_fanout_log(caf::actor_system& sys, caf::timespan interval) {
  return sys.spawn(fanout_log, interval);
}

} // namespace sockd::cluster
