#include "actors/topic_directory.hpp"

#include <algorithm>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/errors.hpp"
#include "actors/topic_type.hpp"
#include "protocol/frame.hpp"

namespace sockd {

// -- topic_types --------------------------------------------------------------

bool matches_type_pattern(const std::string& pattern,
                          const std::string& type) {
  if (pattern == type)
    return true;
  if (pattern.empty() || pattern.back() != '*')
    return false;
  auto prefix_len = pattern.size() - 1;
  return type.compare(0, prefix_len, pattern, 0, prefix_len) == 0;
}

void topic_types::add(std::string pattern, topic_factory factory,
                      topic_type_options options) {
  auto same = [&](const entry& e) { return e.pattern == pattern; };
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), same),
                 entries_.end());
  entries_.push_back(
    entry{std::move(pattern), std::move(factory), std::move(options)});
}

const topic_types::entry* topic_types::find(const std::string& type) const {
  const entry* best = nullptr;
  for (auto& e : entries_) {
    if (e.pattern == type)
      return &e;
    if (matches_type_pattern(e.pattern, type)
        && (best == nullptr || e.pattern.size() > best->pattern.size()))
      best = &e;
  }
  return best;
}

std::map<std::string, std::string> topic_types::allowances() const {
  std::map<std::string, std::string> result;
  for (auto& e : entries_)
    if (!e.options.allowance.empty())
      result.emplace(e.pattern, e.options.allowance);
  return result;
}

// -- the directory ------------------------------------------------------------

namespace {

struct directory_state {
  std::shared_ptr<const topic_types> types;
  database_actor db;
  std::unordered_map<std::string, topic_actor> topics;
  std::unordered_map<caf::actor_addr, std::string> topic_by_addr;

  const char* name = "topic_directory";
};

using directory_pointer =
  topic_directory_actor::stateful_pointer<directory_state>;

topic_directory_actor::behavior_type
topic_directory(directory_pointer self,
                std::shared_ptr<const topic_types> types, database_actor db) {
  self->state.types = std::move(types);
  self->state.db = std::move(db);
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
                        std::chrono::seconds(10), type->options.settings};
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
                      database_actor db) {
  return sys.spawn(topic_directory, std::move(types), std::move(db));
}

} // namespace sockd
