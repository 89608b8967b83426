// The keepalive clock of a node: ONE timer for every connection instead of a
// delayed message per connection (each costs an idle connection a clock
// entry and a queued message, and CAF's clock thread a wake-up). Watched
// connections fall into `slices` groups by address; every interval/slices
// one group gets `tick`, so each connection gets one tick per interval and
// a node's PINGs are spread over the interval instead of sent at once.
//
//   watch(addr)     tick this actor from now on
//   unwatch(addr)   stop (its connection is gone); dead actors are also
//                   dropped at their next tick
//   tick            the ticker's own timer
#pragma once

#include <cstddef>

#include <caf/actor_addr.hpp>
#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"

namespace sockd {

using keepalive_actor = caf::typed_actor<
  caf::reacts_to<watch_atom, caf::actor_addr>,
  caf::reacts_to<unwatch_atom, caf::actor_addr>,
  caf::reacts_to<tick_atom>>;

constexpr size_t keepalive_slices = 8;

keepalive_actor spawn_keepalive(caf::actor_system& sys,
                                caf::timespan interval);

} // namespace sockd
