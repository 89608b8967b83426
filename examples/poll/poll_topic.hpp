// An example topic type: `poll/<name>:<handle>` topics count votes.
//
//   client:  {"action":"vote","topic":"poll/lunch:42","payload":{"choice":"pizza"}}
//   members: {"action":"tally","topic":"poll/lunch:42","sender":<voter>,
//             "timestamp":...,"payload":{"counts":{"pizza":1},"votes":1}}
//
// One vote per user; voting again moves the vote. The vote itself is not
// relayed, only the tally; a new member gets the tally after its ack.
// Every other action is relayed as in any topic.
#pragma once

#include "actors/topic_type.hpp"

namespace poll_example {

sockd::owner_topic_actor spawn_poll_topic(caf::actor_system& sys,
                                    sockd::topic_context ctx);

} // namespace poll_example
