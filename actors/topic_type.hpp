// Topic types: the part of a topic before the first ':' selects how its
// topic actor behaves. The directory asks this registry which factory spawns
// a topic; new types are registered at start-up, outside the core.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>

#include "actors/topic.hpp"
#include "actors/topic_directory.hpp"
#include "actors/topic_hooks.hpp"
#include "db/database.hpp"

namespace sockd {

/// What a topic actor is told when it is spawned.
struct topic_context {
  std::string topic;   // the whole topic, `<type>:<handle>`
  std::string type;    // the part before the first ':'
  std::string handle;  // the part after it
  database_actor db;
  caf::timespan db_timeout = std::chrono::seconds(10);
};

using topic_factory =
  std::function<topic_actor(caf::actor_system&, topic_context)>;

class topic_types {
public:
  /// Registers a factory for a type name, or for a prefix pattern ending in
  /// '*' (`chat/*`). Exact names win over patterns; longer patterns win.
  void add(std::string pattern, topic_factory factory);

  /// The factory for a type, or nullptr when none matches.
  const topic_factory* find(const std::string& type) const;

private:
  struct entry {
    std::string pattern;
    topic_factory factory;
  };
  std::vector<entry> entries_;
};

/// A topic with the base behaviour plus a type's hooks.
topic_actor spawn_topic(caf::actor_system& sys, topic_context ctx,
                        topic_hooks_ptr hooks);

/// The generic relay topic: members, presence, ordered broadcast, targeted
/// delivery, leave notices, storage, stop when empty.
topic_actor spawn_relay_topic(caf::actor_system& sys, topic_context ctx);

/// The directory, spawning topics with the registered types.
topic_directory_actor
spawn_topic_directory(caf::actor_system& sys,
                      std::shared_ptr<const topic_types> types,
                      database_actor db);

} // namespace sockd
