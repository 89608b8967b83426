// A topic actor: the members of one live topic, their presence, and the one
// order in which the topic's messages reach every member.
//
//   join(member)          -> true   after the type's allowance; the topic
//                                   sends the {"action":8} ack itself, then
//                                   any state a late joiner needs
//                          | forbidden | unavailable
//   leave(cid)            -> true   the others get action 4
//                          | not_subscribed
//   publish(relay)        -> true   broadcast (stored first with store:true)
//                          | not_subscribed | bad_target | unavailable
//   post(relay)                     publish without an answer, never stored
//                                   (a frame without id): a refusal goes to
//                                   the sender's socket as an ERROR frame
//   members(requester)    -> true   LOAD_SUBSCRIBERS: the participant list,
//                                   to every member when the membership or
//                                   the list changed since the last one
//                                   sent to all, else to the requesters;
//                                   requests within `participants_window`
//                                   of a list share the next one (one
//                                   database query, one list)
//                          | not_subscribed | unavailable
//
// The topic monitors its members' connection actors; a dead connection
// leaves like an UNSUBSCRIBE. When the last member is gone (and no join is
// pending) the topic stops; the directory then forgets it. A topic that
// nobody joins within `spawn_grace` of its spawn stops as well (a lookup
// whose connection died before its join).
#pragma once

#include <chrono>
#include <string>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace sockd {

/// At most one participant list (and one database query for it) per topic
/// per window; requests meanwhile are answered by the next list.
constexpr auto participants_window = std::chrono::milliseconds(100);

/// A topic with no member and nothing pending this long after its spawn
/// stops.
constexpr auto spawn_grace = std::chrono::seconds(10);

using topic_actor = caf::typed_actor<
  caf::replies_to<join_atom, member>::with<bool>,
  caf::replies_to<leave_atom, std::string>::with<bool>,
  caf::replies_to<publish_atom, relay>::with<bool>,
  caf::reacts_to<post_atom, relay>,
  caf::replies_to<members_atom, std::string>::with<bool>>;

} // namespace sockd
