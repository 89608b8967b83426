// The last-value topic, written against interfaces/topic.hpp alone: every
// message of the owner_topic_actor table has its handler here. A member is
// a `member` whichever node it is on: a remote one (join from a relay)
// becomes a member whose outbound forwards to its relay
// (actors/remote_outbound.hpp), so the rest of the code never asks where a
// member is. Kept simple, not fast: a broadcast sends one message per
// remote member (the base topic sends one per relay), and every change of
// membership sends each relay a whole roster.
#include "examples/last_value/last_value_topic.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/remote_outbound.hpp"
#include "interfaces/errors.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"

namespace last_value_example {

namespace {

using namespace sockd;

struct entry {
  member info;
  caf::actor relay; // the relay holding the socket; null for a local one
  std::string node; // the relay's node name
};

struct last_value_state {
  topic_context ctx;
  std::vector<entry> members; // in join order; few per topic in an example
  // Monitored actors (a connection, or a relay with all its members) and
  // how many members each stands for.
  std::map<caf::actor_addr, size_t> watched;
  frame_ptr last;        // the last broadcast, for late joiners
  int pending_joins = 0; // joins waiting for their allowance

  const char* name = "last_value_topic";

  entry* find(const std::string& cid) {
    auto i = std::find_if(members.begin(), members.end(),
                          [&](const entry& m) { return m.info.cid == cid; });
    return i == members.end() ? nullptr : &*i;
  }

  void send_to_all(const frame_ptr& frame) {
    for (auto& m : members)
      m.info.out->send(frame);
  }
};

using pointer = last_value_actor::stateful_pointer<last_value_state>;

void stop_when_empty(pointer self) {
  auto& st = self->state;
  if (st.members.empty() && st.pending_joins == 0)
    self->quit();
}

// Every relay learns who is in the topic on which node, so that if this
// node dies with some of them, the survivors can tell their members who
// left with it (the roster of interfaces/topic.hpp).
void send_roster(pointer self) {
  auto& st = self->state;
  remote_member_list all;
  std::map<caf::actor_addr, caf::actor> relays;
  for (auto& m : st.members) {
    all.push_back(remote_member{m.info.cid, m.info.sub, m.node});
    if (m.relay)
      relays.emplace(m.relay.address(), m.relay);
  }
  for (auto& kvp : relays)
    caf::anon_send(kvp.second, roster_atom::value, all, string_list{}, true);
}

void add(pointer self, member who, caf::actor relay, std::string node) {
  auto& st = self->state;
  if (st.watched[who.conn]++ == 0)
    self->monitor(who.conn);
  st.members.push_back(entry{std::move(who), std::move(relay),
                             std::move(node)});
}

// Removes a member; the others get action 4 unless it only moved away
// with its relay (`notify` false).
void remove(pointer self, const std::string& cid, bool notify) {
  auto& st = self->state;
  auto i = std::find_if(st.members.begin(), st.members.end(),
                        [&](const entry& m) { return m.info.cid == cid; });
  if (i == st.members.end())
    return;
  auto gone = std::move(i->info);
  st.members.erase(i);
  if (auto w = st.watched.find(gone.conn); w != st.watched.end()
                                           && --w->second == 0) {
    self->demonitor(gone.conn);
    st.watched.erase(w);
  }
  if (notify)
    st.send_to_all(make_frame(
      protocol::encode_left(st.ctx.topic, gone.sub + ":" + gone.cid)));
}

// Every member behind `conn` (one connection, or all of a relay's).
void remove_all_of(pointer self, const caf::actor_addr& conn, bool notify) {
  string_list cids;
  for (auto& m : self->state.members)
    if (m.info.conn == conn)
      cids.push_back(m.info.cid);
  for (auto& cid : cids)
    remove(self, cid, notify);
  if (!cids.empty())
    send_roster(self);
}

// The allowance said yes: the member is in, gets its ack, then the last
// value. A second join of a member is harmless: one membership, a second
// ack.
void admit(pointer self, member who, caf::actor relay, std::string node) {
  auto& st = self->state;
  auto ack = make_frame(
    protocol::encode_control(protocol::action::subscribe, st.ctx.topic));
  if (st.find(who.cid)) {
    who.out->send(ack);
    return;
  }
  auto out = who.out;
  bool remote = static_cast<bool>(relay);
  add(self, std::move(who), std::move(relay), std::move(node));
  out->send(ack);
  if (st.last)
    out->send(st.last);
  if (remote)
    send_roster(self);
}

// A join after the type's allowance ($1 sub, $2 handle, $3 topic), asked
// of the database like the base topic does (ctx.db, allow).
caf::result<bool> join(pointer self, member who, caf::actor relay,
                       std::string node) {
  auto& st = self->state;
  ++st.pending_joins;
  auto rp = self->make_response_promise<bool>();
  self->request(st.ctx.db, st.ctx.db_timeout, allow_atom::value, st.ctx.type,
                who.sub, st.ctx.handle, st.ctx.topic)
    .then(
      [=](bool allowed) mutable {
        --self->state.pending_joins;
        if (allowed) {
          admit(self, std::move(who), std::move(relay), std::move(node));
          rp.deliver(true);
        } else {
          rp.deliver(make_error(errc::forbidden, "not allowed to join "
                                                   + self->state.ctx.topic));
        }
        stop_when_empty(self);
      },
      [=](caf::error& err) mutable {
        --self->state.pending_joins;
        rp.deliver(make_error(errc::unavailable,
                              "allowance check failed: "
                                + self->system().render(err)));
        stop_when_empty(self);
      });
  return rp;
}

caf::error check(last_value_state& st, const publication& msg) {
  if (!st.find(msg.sender))
    return make_error(errc::not_subscribed, "not subscribed");
  if (msg.store)
    return make_error(errc::bad_frame, "a last/ topic stores nothing");
  if (!msg.target.empty() && !st.find(msg.target))
    return make_error(errc::bad_target,
                      "target is not a connection in this topic");
  return caf::none;
}

// A checked message, encoded once: to everyone (and kept), or to its
// target and its sender.
void deliver(last_value_state& st, const publication& msg) {
  auto stamp = protocol::iso_timestamp(std::chrono::system_clock::now());
  auto frame = make_frame(protocol::encode_relay(
    msg.action, st.ctx.topic, msg.sender, stamp, msg.payload, false));
  if (msg.target.empty()) {
    st.last = frame;
    st.send_to_all(frame);
    return;
  }
  st.find(msg.target)->info.out->send(frame);
  if (msg.sender != msg.target)
    st.find(msg.sender)->info.out->send(frame);
}

// LOAD_SUBSCRIBERS' payload (docs/protocol.md) from the members online.
std::string participants(const last_value_state& st) {
  using json = nlohmann::json;
  json result = json::object();
  for (auto& m : st.members) {
    auto& e = result[m.info.sub];
    if (e.is_null())
      e = {{"scid", m.info.sub}, {"cids", json::array()}, {"name", ""},
           {"role", ""}, {"color", ""}, {"exists", true}, {"online", true}};
    e["cids"].push_back(m.info.cid);
  }
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The relay that sent the current message (before any response promise,
// which takes the sender away), or null.
caf::actor sending_relay(pointer self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

last_value_actor::behavior_type last_value(pointer self, topic_context ctx) {
  self->state.ctx = std::move(ctx);
  self->delayed_send(caf::actor_cast<last_value_actor>(self), spawn_grace,
                     tick_atom::value);
  // A dead connection leaves; a dead relay (its node is gone) takes all its
  // members with it, each with its action 4.
  self->set_down_handler([=](caf::down_msg& msg) {
    remove_all_of(self, msg.source, true);
    stop_when_empty(self);
  });
  return {
    [=](join_atom, member& who) -> caf::result<bool> {
      return join(self, std::move(who), caf::actor{}, std::string{});
    },
    [=](join_atom, remote_member& who) -> caf::result<bool> {
      auto relay = sending_relay(self);
      if (!relay)
        return make_error(errc::internal, "a remote member needs its relay");
      auto m = remote_member_of(relay, who);
      return join(self, std::move(m), std::move(relay), std::move(who.node));
    },
    [=](join_atom, remote_member_list& moved) -> caf::result<bool> {
      // Members a relay moves here from their previous owner: they were
      // allowed and acknowledged there; nobody is told anything.
      auto relay = sending_relay(self);
      if (!relay)
        return make_error(errc::internal, "remote members need their relay");
      for (auto& who : moved)
        if (!self->state.find(who.cid))
          add(self, remote_member_of(relay, who), relay, who.node);
      send_roster(self);
      stop_when_empty(self);
      return true;
    },
    [=](detach_atom) {
      // The sending relay moved to another owner with all its members.
      if (auto relay = sending_relay(self))
        remove_all_of(self, relay.address(), false);
      stop_when_empty(self);
    },
    [=](leave_atom, const std::string& cid) -> caf::result<bool> {
      if (!self->state.find(cid))
        return make_error(errc::not_subscribed, "not subscribed");
      remove(self, cid, true);
      send_roster(self);
      stop_when_empty(self);
      return true;
    },
    [=](publish_atom, const publication& msg) -> caf::result<bool> {
      if (auto err = check(self->state, msg))
        return err;
      deliver(self->state, msg);
      return true;
    },
    [=](presence_atom) {
      remote_member_list result;
      for (auto& m : self->state.members)
        result.push_back(remote_member{m.info.cid, m.info.sub, m.node});
      return result;
    },
    [=](post_atom, const publication& msg) {
      auto& st = self->state;
      if (auto err = check(st, msg)) {
        // Nobody waits for an answer: the sender's socket gets the refusal.
        if (auto m = st.find(msg.sender))
          m->info.out->send(make_frame(protocol::encode_error(refusal_of(
            err, msg.action, st.ctx.topic, std::nullopt))));
        return;
      }
      deliver(st, msg);
    },
    [=](members_atom, const std::string& requester) -> caf::result<bool> {
      auto& st = self->state;
      auto m = st.find(requester);
      if (!m)
        return make_error(errc::not_subscribed, "not subscribed");
      m->info.out->send(make_frame(protocol::encode_participants(
        st.ctx.topic, requester, participants(st))));
      return true;
    },
    [=](tick_atom) { stop_when_empty(self); },
  };
}

} // namespace

owner_topic_actor spawn_last_value_topic(caf::actor_system& sys,
                                         topic_context ctx) {
  return sys.spawn(last_value, std::move(ctx));
}

} // namespace last_value_example
