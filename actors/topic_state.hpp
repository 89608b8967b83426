// The state of the base topic, shared by the files of its behaviour (inside
// actors/ only): topic.cpp (the handlers: leaves, publications),
// topic_join.cpp (joins), topic_state.cpp (the room a hook sees, delivery
// in order, leaving), topic_recovery.cpp (the ack, replay, positions across
// owners) and topic_participants.cpp (the participant list).
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/local_actor.hpp>
#include <caf/response_promise.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/topic.hpp"
#include "actors/topic_history.hpp"
#include "actors/topic_hooks.hpp"
#include "actors/topic_members.hpp"
#include "actors/topic_type.hpp"

namespace sockd {

/// A LOAD_SUBSCRIBERS waiting for the next participant list.
struct list_request {
  std::string requester;
  caf::typed_response_promise<bool> promise;
};

/// A relay on its way out, waiting for earlier stores to commit.
struct outgoing {
  enum status { waiting, ready, failed };
  publication msg;
  frame_ptr frame;
  delivery route;
  status state;
  caf::response_promise promise;
  uint64_t offset = 0; // reserved in the history for a relay to everyone
};

struct topic_state : topic_room {
  topic_context ctx;
  topic_hooks_ptr hooks;
  topic_members membership;
  caf::local_actor* self = nullptr;
  int pending_joins = 0;
  // A list, not a deque: references stay valid, and an idle topic holds no
  // block for it (a deque allocates ~600 bytes up front).
  std::list<outgoing> pending;

  // Sockets this topic queued frames on whose write is not started yet.
  // A `flush_sockets` the topic sends itself lands behind everything
  // already in its mailbox, so a burst of broadcasts goes out in one write
  // per socket (docs/performance.md). Whatever ends the topic, the writes
  // start.
  std::vector<outbound_ptr> unflushed;
  bool flush_due = false;

  // LOAD_SUBSCRIBERS, coalesced: at most one list (and one database query)
  // per participants_window; the requests meanwhile wait for the next one.
  std::vector<list_request> list_waiting;
  bool list_running = false;     // the query of a list is out
  bool list_timer_armed = false; // a `members` to itself is on its way
  bool listed = false;           // a list was started before
  caf::actor_clock::time_point last_list; // when the last one started
  // A list goes to every member when the membership (its version) or the
  // list itself changed since the last list sent to all; otherwise every
  // member has it already and only the requesters get it (a flood of
  // requests reaches nobody but the flooder).
  uint64_t broadcast_version = 0;
  bool broadcast_once = false;
  std::string broadcast_payload;

  // Positions and recent broadcasts (docs/protocol.md, "Recovery after
  // reconnect"); `positioned`: members of this node's sockets (not behind a
  // relay) that want positions, so a broadcast encodes its positioned form
  // only when someone here gets it.
  topic_history history;
  size_t positioned = 0;
  // Where earlier epochs of this topic ended (a previous owner's), as the
  // relays that moved here reported the last position each received:
  // epoch -> offset. A handful at most (topic_recovery.cpp).
  std::map<std::string, uint64_t> earlier;

  const char* name = "topic";

  ~topic_state() override;

  // The per-recipient step of every broadcast: inline, no allocation but
  // the first entry of a burst in `unflushed`.
  void queue_to(const outbound_ptr& out, frame_ptr frame) {
    if (!out->queue(std::move(frame)))
      return;
    unflushed.push_back(out);
    if (!flush_due) {
      flush_due = true;
      caf::anon_send(caf::actor_cast<caf::actor>(self),
                     flush_sockets_atom::value);
    }
  }

  void flush_sockets();

  /// Sends `who` the subscribe ack (action 8): on every join, a repeated one
  /// included. A positioned member's ack carries the position, and with
  /// `since` the replay of what it missed comes first (topic_recovery.cpp).
  void acknowledge(const member& who);

  /// A relay that moved here reported the last position it received.
  void note_earlier(const remote_member& moved);

  /// For a `since` of an earlier epoch of this topic (one a moved relay
  /// reported, at or before its end): that epoch's last offset; else 0.
  uint64_t earlier_end(const member& who) const;

  /// How many stored rows to ask for a `since` of an earlier epoch ending
  /// at `end`: more than the gap, so that rows past `end` show.
  static int64_t earlier_limit(const member& who, uint64_t end);

  /// The ack of a `since` of an earlier epoch that ended at `end`: its
  /// stored relays after `since` (`rows`, none when the database did not
  /// answer) then this epoch's held ones when together they are every
  /// relay since, else recovered:false (topic_recovery.cpp).
  void acknowledge_across(const member& who, uint64_t end,
                          const std::optional<positioned_rows>& rows);

  /// A broadcast to everyone at `offset` of the history: this node's
  /// members that asked for positions get its positioned form (encoded
  /// only when there are some), the others `frame`, and each relay one
  /// message with the frame and its position (cluster/relay.hpp), which
  /// it hands on positioned to its own positioned members.
  void broadcast(const frame_ptr& frame, uint64_t offset);

  // -- topic_room -------------------------------------------------------------

  const std::string& topic() const override {
    return ctx.topic;
  }

  std::vector<const member*> members() const override;

  const member* find(const std::string& cid) const override {
    auto m = membership.find(cid);
    return m ? &m->info : nullptr;
  }

  void send_to(const std::string& cid, frame_ptr frame) override;

  void send_backlog_to(const std::string& cid,
                       std::vector<frame_ptr> frames) override;

  void send_to_all(frame_ptr frame) override;

  // -- members ----------------------------------------------------------------

  /// Adds a member, monitoring what stands for it when that is new.
  const joined_member& add(member who, caf::actor relay, std::string node);

  /// A member leaves; the others get action 4 unless it only `moved` to
  /// another owner with its relay.
  void remove(const std::string& cid, bool moved = false);

  /// Tells the relays who joined and left, so that they know the members of
  /// other nodes; a relay new to the topic (`fresh`) gets the whole list
  /// instead.
  void announce(const remote_member_list& added, const string_list& removed,
                const caf::actor& fresh = {});

  // -- delivery ---------------------------------------------------------------

  /// Whether a member may publish `msg`, and to whom it goes.
  caf::error check(const publication& msg, delivery& route);

  void deliver(const outgoing& x);

  /// Delivers every relay at the front that no store holds back; a relay
  /// whose store failed was answered already and is dropped.
  void release_ready();

  bool idle() const {
    return membership.empty() && pending_joins == 0 && pending.empty()
           && list_waiting.empty() && !list_running;
  }

private:
  bool on_other_node(const caf::actor& relay) const {
    return relay && relay.node() != self->node();
  }

  bool on_other_node(const std::string& cid) const {
    auto m = membership.find(cid);
    return m && on_other_node(m->relay);
  }
};

using topic_pointer = base_topic_actor::stateful_pointer<topic_state>;

/// Stops the topic when no member is left and nothing is pending.
inline void stop_when_idle(topic_pointer self) {
  if (self->state.idle())
    self->quit();
}

// -- joining (actors/topic_join.cpp) --------------------------------------------

/// join(member): a connection of this node.
caf::result<bool> join_local(topic_pointer self, member& who);

/// join(remote_member): a member of another node, through the sending relay.
caf::result<bool> join_remote(topic_pointer self, remote_member& who);

/// join(remote_member_list): members that moved here with their relay.
caf::result<bool> join_moved(topic_pointer self, remote_member_list& moved);

// -- participant list (actors/topic_participants.cpp) -------------------------

/// members(requester): a LOAD_SUBSCRIBERS, answered by the next list.
caf::result<bool> request_list(topic_pointer self,
                               const std::string& requester);

/// members(): the window of the last list is over (or the spawn grace is).
void list_timer(topic_pointer self);

} // namespace sockd
