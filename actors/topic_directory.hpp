// The topic directory: finds the live topic actor of a topic, spawning it on
// first use with its type's behaviour, and forgets it when it stops.
//
//   lookup(topic) -> topic_actor | bad_frame (malformed) | forbidden (no type)
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/topic.hpp"

namespace sockd {

using topic_directory_actor = caf::typed_actor<
  caf::replies_to<lookup_atom, std::string>::with<topic_actor>>;

} // namespace sockd
