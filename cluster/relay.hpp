// A relay: a topic's stand-in on one node of a cluster. It implements
// topic_actor for the node's connections, keeps their sockets, forwards
// join/leave/publish/members to the topic's owner (which may be on this
// node or another) and fans out what the owner sends to its own members,
// so a broadcast costs one message per node with members.
//
//   detached --owner found, members re-joined--> attached
//      ^                                            |
//      +---- owner down / rehome / attach failed ---+
//
// While detached, requests wait in a bounded queue (over `max_queued`:
// unavailable). Requests outstanding at an owner that dies are answered
// with request_receiver_down (a join is retried by the connection, a
// publish is reported unavailable: it may have reached some members).
// After `give_up_after` without an owner the relay closes its members'
// sockets with 1013 and stops, so clients reconnect.
//
//   deliver(frame) / deliver(cid, frame) / hangup(cid, code, reason)
//   deliver(frame, epoch, offset)   a broadcast to everyone with its
//                             position (the epoch as its 64 bits): members
//                             that asked for positions get it positioned
//   deliver(cid, frames)      a backlog for one member (a whiteboard board)
//   roster(added, removed, snapshot)    from the owner
//   rehome(gateway, owner, live nodes)  from the directory
//   retry                               timer while detached
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/typed_actor.hpp>

#include "actors/topic.hpp"
#include "cluster/directory.hpp"
#include "interfaces/topic.hpp"

namespace sockd::cluster {

using relay_actor = topic_actor::extend<
  caf::reacts_to<deliver_atom, std::string>,
  caf::reacts_to<deliver_atom, std::string, uint64_t, uint64_t>,
  caf::reacts_to<deliver_atom, std::string, std::string>,
  caf::reacts_to<deliver_atom, std::string, string_list>,
  caf::reacts_to<hangup_atom, std::string, uint16_t, std::string>,
  caf::reacts_to<roster_atom, remote_member_list, string_list, bool>,
  caf::reacts_to<rehome_atom, caf::actor, std::string, string_list>,
  caf::reacts_to<retry_atom>>;

struct relay_config {
  std::string topic;
  std::string node; // this node's name
  directory_actor directory;
  caf::timespan request_timeout = std::chrono::seconds(8);
  caf::timespan retry_interval = std::chrono::milliseconds(250);
  caf::timespan give_up_after = std::chrono::seconds(30);
  size_t max_queued = 1024;
};

relay_actor spawn_relay(caf::actor_system& sys, relay_config cfg);

} // namespace sockd::cluster
