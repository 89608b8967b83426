// What a topic speaks besides topic_actor when sockd runs as a cluster: the
// owner of a topic (the one topic actor that orders it) takes members that
// sit behind a relay, the topic's stand-in on a node (cluster/relay.hpp).
// A relay keeps its members' sockets; the owner sends it ONE message per
// broadcast, however many of the topic's members it holds.
//
// relay -> owner (besides join(member), which only local connections send)
//   join(remote_member)       -> true   like join(member): allowance, the
//                                       subscribe ack goes through the relay
//   join(remote_member_list)  -> true   members moved here from another
//                                       owner: no allowance, no ack, no
//                                       notice to the others
//   detach                              the sending relay moves away with
//                                       all its members, silently
// topic -> itself
//   flush                               start the socket writes queued by
//                                       the broadcasts before it
//   members                             the coalescing window of the
//                                       participant list is over; also sent
//                                       once after spawn, so a topic looked
//                                       up but never joined stops
// leave, publish and members work as for local members; the sender of a
// member's requests is its relay.
//
// owner -> relay
//   deliver(frame)            a frame for every member of the relay
//   deliver(cid, frame)       a frame for one member
//   deliver(cid, frames)      a backlog for one member, fed as it drains
//   hangup(cid, code, reason) close one member's socket
//   roster(added, removed, snapshot)  who is in the topic on which node, so
//                                     that survivors can tell their clients
//                                     about members of a node that died
//                                     together with the owner
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"
#include "actors/topic.hpp"

namespace sockd {

using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
using detach_atom = caf::atom_constant<caf::atom("detach")>;
using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using roster_atom = caf::atom_constant<caf::atom("roster")>;

/// A member as it crosses nodes: no socket handle, the relay that sent it
/// holds that. `node` is the relay's node name.
struct remote_member {
  std::string cid;
  std::string sub;
  std::string node;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_member& x) {
  return f(caf::meta::type_name("sockd.remote_member"), x.cid, x.sub,
           x.node);
}

using remote_member_list = std::vector<remote_member>;

using owner_topic_actor = topic_actor::extend<
  caf::replies_to<join_atom, remote_member>::with<bool>,
  caf::replies_to<join_atom, remote_member_list>::with<bool>,
  caf::reacts_to<detach_atom>,
  caf::reacts_to<flush_atom>,   // the topic's own: start the queued writes
  caf::reacts_to<members_atom>>; // the topic's own: a list is due

} // namespace sockd
