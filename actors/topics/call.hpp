// exchange/1: WebRTC signalling between the members of a call.
//
// - RTC (13) and START_STREAM (1) naming a `target` go to the target alone
//   (offers and candidates are for one peer).
// - A member whose START_STREAM went to everyone is streaming until its
//   STOP_STREAM (2) or until it leaves; a new member gets each streaming
//   member's START_STREAM right after its subscribe ack, so it can ask for
//   their streams. Leaving triggers the usual action 4 notice, on which
//   peers close their peer connection.
#pragma once

#include "actors/topic_type.hpp"

namespace sockd {

owner_topic_actor spawn_call_topic(caf::actor_system& sys, topic_context ctx);

} // namespace sockd
