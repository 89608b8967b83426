// Topic types: the part of a topic before the first ':' selects how its
// topic actor behaves. The directory asks this registry which factory spawns
// a topic; new types are registered at start-up, outside the core.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <nlohmann/json.hpp>

#include "actors/topic_hooks.hpp"
#include "interfaces/database.hpp"
#include "interfaces/topic.hpp"

namespace sockd {

/// The recent broadcasts an owner keeps for SUBSCRIBE `since`
/// (history_size, history_ttl; actors/topic_history.hpp).
struct topic_history_limits {
  size_t size = 100;
  caf::timespan ttl = std::chrono::seconds(300);
};

/// What a topic actor is told when it is spawned.
struct topic_context {
  std::string topic;   // the whole topic, `<type>:<handle>`
  std::string type;    // the part before the first ':'
  std::string handle;  // the part after it
  database_actor db;
  caf::timespan db_timeout = std::chrono::seconds(10);
  nlohmann::json settings = nlohmann::json::object(); // the type's options
  topic_history_limits history{};
};

/// Spawns a topic of the type. It returns what the cluster needs
/// (interfaces/topic.hpp): any factory works on one node and in a cluster.
using topic_factory =
  std::function<owner_topic_actor(caf::actor_system&, topic_context)>;

/// What a type brings besides its factory.
struct topic_type_options {
  /// The allowance SQL of the type ($1 sub, $2 handle, $3 topic, as text);
  /// empty: the configured query, else sockd's default.
  std::string allowance;
  /// Type-specific settings handed to the factory in topic_context.
  nlohmann::json settings = nlohmann::json::object();
};

class topic_types {
public:
  struct entry {
    std::string pattern;
    topic_factory factory;
    topic_type_options options;
  };

  /// Registers a type name, or a prefix pattern ending in '*' (`chat/*`).
  /// Exact names win over patterns; longer patterns win
  /// (protocol/topic_name.hpp); a later add of the same pattern replaces
  /// the earlier one.
  void add(std::string pattern, topic_factory factory,
           topic_type_options options = {});

  /// The entry for a type, or nullptr when none matches.
  const entry* find(const std::string& type) const;

  /// Allowance SQL brought by registered types, by pattern.
  std::map<std::string, std::string> allowances() const;

private:
  std::vector<entry> entries_;
};

/// A topic with the base behaviour plus a type's hooks.
owner_topic_actor spawn_topic(caf::actor_system& sys, topic_context ctx,
                              topic_hooks_ptr hooks);

/// The generic relay topic: members, presence, ordered broadcast, targeted
/// delivery, leave notices, storage, stop when empty.
owner_topic_actor spawn_relay_topic(caf::actor_system& sys,
                                    topic_context ctx);

} // namespace sockd
