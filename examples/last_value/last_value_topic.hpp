// An example topic type written from scratch: its own typed actor, none of
// the base topic (no actors/topic.cpp, no topic_hooks, no spawn_topic).
// It proves the seam of docs/extending.md: a factory returning
// owner_topic_actor (interfaces/topic.hpp) works on one node and in a
// cluster.
//
// `last/<name>:<handle>` topics relay every message and keep the last one:
// a member who joins gets its subscribe ack and then the last broadcast.
//
//   client:  {"action":12,"topic":"last/price:42","payload":{"eur":3}}
//   members: {"action":12,"topic":"last/price:42","sender":<cid>,
//             "timestamp":...,"payload":{"eur":3}}
//
// A message with a `target` goes to the target and the sender and is not
// kept. Nothing is stored: `store:true` is refused with bad_frame, so no
// client is told a message was stored that was not. LOAD_SUBSCRIBERS
// answers the requester alone with the members online (no database query,
// no coalescing: the base topic's policy is not this type's).
#pragma once

#include <chrono>

#include <caf/actor_system.hpp>

#include "actors/topic_type.hpp"
#include "interfaces/topic.hpp"

namespace last_value_example {

/// A topic nobody joins this long after its spawn stops (a lookup whose
/// join never came).
constexpr auto spawn_grace = std::chrono::seconds(10);

/// What the type speaks: owner_topic_actor, plus the timer it sends itself
/// once after its spawn.
using last_value_actor =
  sockd::owner_topic_actor::extend<caf::reacts_to<sockd::tick_atom>>;

sockd::owner_topic_actor spawn_last_value_topic(caf::actor_system& sys,
                                                sockd::topic_context ctx);

} // namespace last_value_example
