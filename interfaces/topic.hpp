// What a topic speaks: `topic_actor` to the connections of its node, and
// `owner_topic_actor`, what every topic type's factory returns, to the
// relays that stand in for it on other nodes (cluster/relay.hpp) when sockd
// runs as a cluster. A relay keeps its members' sockets; the owner sends it
// ONE message per broadcast, however many of the topic's members it holds.
//
// connection -> topic
//   join(member)          -> true   after the type's allowance; the topic
//                                   sends the {"action":8} ack itself, then
//                                   any state a late joiner needs
//                          | forbidden | unavailable
//   leave(cid)            -> true   the others get action 4
//                          | not_subscribed
//   publish(publication)  -> true   broadcast (stored first with store:true)
//                          | not_subscribed | bad_target | unavailable
//   post(publication)               publish without an answer, never stored
//                                   (a frame without id): a refusal goes to
//                                   the sender's socket as an ERROR frame
//   members(requester)    -> true   LOAD_SUBSCRIBERS: the participant list
//                          | not_subscribed | unavailable
//
// backend API -> topic (a publication with sender "server" needs no
// membership: see server_sender in interfaces/messages.hpp)
//   presence              -> remote_member_list   every member, every
//                                   node; `node` is empty for members of
//                                   the topic's own node
//
// relay -> owner (leave, publish and members work as for local members; the
// sender of a member's requests is its relay)
//   join(remote_member)       -> true   like join(member): allowance, the
//                                       subscribe ack goes through the relay
//                                       (`positioned`/`want`: the member's
//                                       recover/since, as member.recovery)
//   join(remote_member_list)  -> true   members moved here from another
//                                       owner: no allowance, no ack, no
//                                       notice to the others; `want` holds
//                                       the last position the relay received
//                                       (the previous owner's epoch's end)
//   detach                              the sending relay moves away with
//                                       all its members, silently
//
// owner -> relay (a plain caf::actor: the relay's full interface is
// cluster/relay.hpp)
//   deliver(frame)            a frame for every member of the relay
//   deliver(frame, epoch, offset)  a relay to everyone at its position (the
//                             epoch's 64 bits): positioned for the members
//                             that asked, plain for the others
//   deliver(cid, frame)       a frame for one member
//   deliver(cid, frames)      a backlog for one member, fed as it drains
//   hangup(cid, code, reason) close one member's socket
//   roster(added, removed, snapshot)  who is in the topic on which node, so
//                                     that survivors can tell their clients
//                                     about members of a node that died
//                                     together with the owner
//
// A type written without the base topic (actors/topic_type.hpp) turns a
// remote member into a `member` with actors/remote_outbound.hpp and treats
// it like a local one; see docs/extending.md.
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

namespace sockd {

using topic_actor = caf::typed_actor<
  caf::replies_to<join_atom, member>::with<bool>,
  caf::replies_to<leave_atom, std::string>::with<bool>,
  caf::replies_to<publish_atom, publication>::with<bool>,
  caf::reacts_to<post_atom, publication>,
  caf::replies_to<members_atom, std::string>::with<bool>,
  caf::replies_to<presence_atom>::with<remote_member_list>>;

using owner_topic_actor = topic_actor::extend<
  caf::replies_to<join_atom, remote_member>::with<bool>,
  caf::replies_to<join_atom, remote_member_list>::with<bool>,
  caf::reacts_to<detach_atom>>;

} // namespace sockd
