// The relay's state and the plumbing of its requests to the owner, shared
// by cluster/relay.cpp (the behaviour: members and their requests) and
// cluster/relay_owner.cpp (finding and following the topic's owner).
// Internal to the relay: nothing else includes it.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/topic_history.hpp"
#include "cluster/relay.hpp"
#include "interfaces/errors.hpp"

namespace sockd::cluster::relay_detail {

using time_point = caf::actor_clock::time_point;

// Called once with the owner's answer, or with an error when the owner is
// lost first.
using answer_fn = std::function<void(caf::expected<bool>)>;

struct local_member {
  member info;
  bool confirmed = false; // the owner accepted the join
};

struct queued_request {
  answer_fn answer;
  std::function<void()> send;
};

struct relay_state {
  relay_config cfg;
  owner_topic_actor owner; // the owner topic, once found
  std::string owner_node;
  bool attached = false; // owner found and this relay's members joined
  bool owner_lost = false; // the last owner died rather than moved
  bool asking = false;     // a directory request is under way
  bool retry_scheduled = false;
  uint64_t epoch = 0; // counts attach attempts; older answers are ignored
  time_point detached_since;
  std::unordered_map<std::string, local_member> members;
  std::unordered_map<caf::actor_addr, std::string> cid_by_conn;
  // Every member, every node, by cid: its user and node (not the whole
  // remote_member, whose recovery fields a roster never needs).
  struct roster_entry {
    std::string sub;
    std::string node;
  };
  std::map<std::string, roster_entry> roster;
  std::deque<queued_request> queue;
  std::map<uint64_t, answer_fn> in_flight;
  uint64_t next_request = 0;

  const char* name = "cluster_relay";

  // Local members that asked for positions (docs/protocol.md, "Recovery
  // after reconnect"), and the position of the last broadcast the owner
  // sent (epoch 0: none yet).
  size_t positioned = 0;
  uint64_t last_epoch = 0;
  uint64_t last_offset = 0;
  std::string epoch_spelled; // last_epoch's 16 hex digits, once per epoch

  // The member as its join crosses to the owner, with its `since`.
  remote_member as_remote(const member& m) const {
    remote_member result{m.cid, m.sub, cfg.node};
    if (m.recovery) {
      result.positioned = true;
      result.want = *m.recovery;
    }
    return result;
  }

  // Members moving to another owner: acknowledged before, so no `since`
  // of their own; `want` carries the last position this relay received
  // instead, so that the new owner learns where the old epoch ended
  // (actors/topic_recovery.cpp).
  remote_member_list confirmed() const {
    recovery_request last;
    if (last_epoch != 0) {
      last.has_since = true;
      last.epoch = epoch_text(last_epoch);
      last.offset = static_cast<int64_t>(last_offset);
    }
    remote_member_list result;
    for (auto& kvp : members)
      if (kvp.second.confirmed) {
        result.push_back(as_remote(kvp.second.info));
        result.back().want = last;
      }
    return result;
  }

  void send_to_members(const frame_ptr& frame) {
    for (auto& kvp : members)
      if (kvp.second.confirmed)
        kvp.second.info.out->send(frame);
  }

  // A broadcast at a position: the positioned form is encoded once, and
  // only when a member here wants it.
  void send_to_members(const frame_ptr& frame, uint64_t epoch,
                       uint64_t offset);
};

using relay_pointer = relay_actor::stateful_pointer<relay_state>;

void stop_when_idle(relay_pointer self);

// Hands the owner's answer of request `id` to whoever waits for it.
void finish(relay_pointer self, uint64_t id, caf::expected<bool> result);

template <class... Ts>
void ask_owner(relay_pointer self, answer_fn answer, Ts... xs) {
  auto& st = self->state;
  auto id = st.next_request++;
  st.in_flight.emplace(id, std::move(answer));
  self->request(st.owner, st.cfg.request_timeout, std::move(xs)...)
    .then([=](bool ok) { finish(self, id, ok); },
          [=](caf::error& err) { finish(self, id, std::move(err)); });
}

// Sends a request to the owner now, or once one is attached.
template <class... Ts>
void to_owner(relay_pointer self, answer_fn answer, Ts... xs) {
  auto& st = self->state;
  if (st.attached) {
    ask_owner(self, std::move(answer), std::move(xs)...);
    return;
  }
  if (st.queue.size() >= st.cfg.max_queued) {
    answer(make_error(errc::unavailable,
                      "the topic's owner is unreachable right now"));
    return;
  }
  st.queue.push_back(queued_request{
    answer, [=]() mutable { ask_owner(self, answer, std::move(xs)...); }});
}

// -- following the owner (cluster/relay_owner.cpp) ------------------------------

// Asks the directory where the owner is, unless attached or asking.
void ask_directory(relay_pointer self);

// Moves to the owner on `owner_node`, reached through `gateway`.
void attach(relay_pointer self, caf::actor gateway, std::string owner_node,
            const string_list& live);

// The owner died: answer what waited for it and look for the next one.
void owner_down(relay_pointer self);

} // namespace sockd::cluster::relay_detail
