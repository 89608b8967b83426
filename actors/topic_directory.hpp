// The topic directory: finds the live topic actor of a topic, spawning it on
// first use with its type's behaviour, and forgets it when it stops.
//
//   lookup(topic) -> topic_actor | bad_frame (malformed) | forbidden (no type)
//   find(topic)   -> topic_actor | not_found (not live): never spawns
//   census        -> the number of live topics
#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/database.hpp"
#include "actors/topic_type.hpp"
#include "interfaces/topic.hpp"

namespace sockd {

using topic_directory_actor = caf::typed_actor<
  caf::replies_to<lookup_atom, std::string>::with<topic_actor>,
  caf::replies_to<find_atom, std::string>::with<topic_actor>,
  caf::replies_to<census_atom>::with<int64_t>>;

class topic_types;

/// The directory, spawning topics with the registered types; each keeps
/// its recent broadcasts within `history`.
topic_directory_actor
spawn_topic_directory(caf::actor_system& sys,
                      std::shared_ptr<const topic_types> types,
                      database_actor db, topic_history_limits history = {});

} // namespace sockd
