#include "actors/topics/builtin.hpp"

#include "actors/topics/call.hpp"
#include "actors/topics/whiteboard.hpp"

namespace sockd {

namespace {

struct builtin_type {
  const char* pattern;
  owner_topic_actor (*spawn)(caf::actor_system&, topic_context);
};

// The one list of the built-in types: registration and the pattern list
// both read it.
constexpr builtin_type builtin_types[] = {
  {"*", spawn_relay_topic},
  {"exchange/0", spawn_relay_topic},
  {"exchange/1", spawn_call_topic},
  {"exchange/2", spawn_whiteboard_topic},
};

} // namespace

void register_builtin_topic_types(topic_types& types) {
  for (auto& type : builtin_types)
    types.add(type.pattern, type.spawn);
}

std::vector<std::string> builtin_topic_patterns() {
  std::vector<std::string> result;
  for (auto& type : builtin_types)
    result.emplace_back(type.pattern);
  return result;
}

} // namespace sockd
