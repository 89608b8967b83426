#include "actors/topic_directory.hpp"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/topic_type.hpp"
#include "interfaces/errors.hpp"
#include "protocol/topic_name.hpp"

namespace sockd {

namespace {

struct directory_state {
  std::shared_ptr<const topic_types> types;
  database_actor db;
  topic_history_limits history;
  std::unordered_map<std::string, topic_actor> topics;
  std::unordered_map<caf::actor_addr, std::string> topic_by_addr;

  const char* name = "topic_directory";
};

using directory_pointer =
  topic_directory_actor::stateful_pointer<directory_state>;

topic_directory_actor::behavior_type
topic_directory(directory_pointer self,
                std::shared_ptr<const topic_types> types, database_actor db,
                topic_history_limits history) {
  self->state.types = std::move(types);
  self->state.db = std::move(db);
  self->state.history = history;
  // A topic stops when its last member leaves; forget it then, so the next
  // lookup spawns a fresh one.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.topic_by_addr.find(msg.source);
    if (i == st.topic_by_addr.end())
      return;
    auto j = st.topics.find(i->second);
    if (j != st.topics.end() && j->second.address() == msg.source)
      st.topics.erase(j);
    st.topic_by_addr.erase(i);
  });
  return {
    [=](find_atom, const std::string& topic) -> caf::result<topic_actor> {
      auto& st = self->state;
      if (auto i = st.topics.find(topic); i != st.topics.end())
        return i->second;
      return make_error(errc::not_found, "no live topic " + topic);
    },
    [=](census_atom) {
      return static_cast<int64_t>(self->state.topics.size());
    },
    [=](lookup_atom, const std::string& topic) -> caf::result<topic_actor> {
      auto& st = self->state;
      if (auto i = st.topics.find(topic); i != st.topics.end())
        return i->second;
      auto parts = protocol::split_topic(topic);
      if (!parts)
        return make_error(errc::bad_frame, "malformed topic");
      auto type = st.types->find(parts->first);
      if (type == nullptr)
        return make_error(errc::forbidden, "no such topic type");
      topic_context ctx{topic, parts->first, parts->second, st.db,
                        std::chrono::seconds(10), type->options.settings,
                        st.history};
      auto handle = type->factory(self->system(), std::move(ctx));
      self->monitor(handle);
      st.topic_by_addr.emplace(handle.address(), topic);
      st.topics.emplace(topic, handle);
      return handle;
    },
  };
}

} // namespace

topic_directory_actor
spawn_topic_directory(caf::actor_system& sys,
                      std::shared_ptr<const topic_types> types,
                      database_actor db, topic_history_limits history) {
  return sys.spawn(topic_directory, std::move(types), std::move(db), history);
}

} // namespace sockd
