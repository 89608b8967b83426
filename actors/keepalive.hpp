// The keepalive clock of a node: ONE timer for every connection instead of a
// delayed message per connection (each costs an idle connection a clock
// entry and a queued message, and CAF's clock thread a wake-up). Watched
// connections fall into slices by address; every 100 ms (keepalive_step)
// one slice gets `tick`, so each connection gets one tick per interval and
// a node's PINGs are spread over the interval in small groups instead of
// bursts that would stall the traffic around them.
//
//   watch(addr)     tick this actor from now on
//   unwatch(addr)   stop (its connection is gone); dead actors are also
//                   dropped at their next tick
//   tick            the ticker's own timer
#pragma once

#include <chrono>
#include <cstddef>

#include <caf/actor_addr.hpp>
#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

using keepalive_actor = caf::typed_actor<
  caf::reacts_to<watch_atom, caf::actor_addr>,
  caf::reacts_to<unwatch_atom, caf::actor_addr>,
  caf::reacts_to<tick_atom>>;

/// How often the ticker ticks one slice.
constexpr auto keepalive_step = std::chrono::milliseconds(100);

/// Slices for `interval`: one per step, at least one.
size_t keepalive_slices(caf::timespan interval);

keepalive_actor spawn_keepalive(caf::actor_system& sys,
                                caf::timespan interval);

} // namespace sockd
