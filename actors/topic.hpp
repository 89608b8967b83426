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
//   members(requester)    -> true   LOAD_SUBSCRIBERS answered to every member
//                          | not_subscribed | unavailable
//
// The topic monitors its members' connection actors; a dead connection
// leaves like an UNSUBSCRIBE. When the last member is gone (and no join is
// pending) the topic stops; the directory then forgets it.
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace sockd {

using topic_actor = caf::typed_actor<
  caf::replies_to<join_atom, member>::with<bool>,
  caf::replies_to<leave_atom, std::string>::with<bool>,
  caf::replies_to<publish_atom, relay>::with<bool>,
  caf::reacts_to<post_atom, relay>,
  caf::replies_to<members_atom, std::string>::with<bool>>;

} // namespace sockd
