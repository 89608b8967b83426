// exchange/2: a shared whiteboard. Drawing messages are relayed as usual;
// the topic also keeps what a late joiner needs to see the same board and
// sends it right after the joiner's subscribe ack, in the order it was
// first sent:
//
// - the last SET_POSITION (14), SET_PAGE (15), SET_SCALE (16),
//   SET_STROKE (17), SHARE_FILE (19) and CHANGE_SETTING (20);
// - every DRAW_LINES (18) since the last SET_PAGE, at most
//   `max_board_bytes` of them (setting; default 1 MiB), oldest dropped first.
#pragma once

#include "actors/topic_type.hpp"

namespace sockd {

owner_topic_actor spawn_whiteboard_topic(caf::actor_system& sys, topic_context ctx);

} // namespace sockd
