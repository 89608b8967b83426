// The base topic behaviour (actors/topic.cpp): members, presence, the one
// order in which the topic's messages reach every member, storage, and the
// cluster's remote members; a type adds behaviour through
// actors/topic_hooks.hpp. Its interface is interfaces/topic.hpp.
//
// Besides owner_topic_actor it speaks to itself:
//   flush_sockets   start the socket writes queued by the broadcasts before
//                   it
//   members         the coalescing window of the participant list is over;
//                   also sent once after spawn, so a topic looked up but
//                   never joined stops
//
// A LOAD_SUBSCRIBERS list goes to every member when the membership or the
// list changed since the last one sent to all, else to the requesters;
// requests within `participants_window` of a list share the next one (one
// database query, one list).
//
// The topic monitors its members' connection actors (a remote member's
// relay); a dead connection leaves like an UNSUBSCRIBE. When the last member
// is gone (and no join is pending) the topic stops; the directory then
// forgets it. A topic that nobody joins within `spawn_grace` of its spawn
// stops as well (a lookup whose connection died before its join).
#pragma once

#include <chrono>

#include "interfaces/topic.hpp"

namespace sockd {

/// At most one participant list (and one database query for it) per topic
/// per window; requests meanwhile are answered by the next list.
constexpr auto participants_window = std::chrono::milliseconds(100);

/// A topic with no member and nothing pending this long after its spawn
/// stops.
constexpr auto spawn_grace = std::chrono::seconds(10);

/// The base topic's interface: owner_topic_actor and its own messages.
using base_topic_actor = owner_topic_actor::extend<
  caf::reacts_to<flush_sockets_atom>,
  caf::reacts_to<members_atom>>;

} // namespace sockd
