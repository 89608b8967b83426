#include "actors/topics/builtin.hpp"

#include "actors/topics/call.hpp"
#include "actors/topics/whiteboard.hpp"

namespace sockd {

void register_builtin_topic_types(topic_types& types) {
  types.add("*", spawn_relay_topic);
  types.add("exchange/0", spawn_relay_topic);
  types.add("exchange/1", spawn_call_topic);
  types.add("exchange/2", spawn_whiteboard_topic);
}

} // namespace sockd
