// The base topic behaviour. A relay waits in `pending` while a message
// before it in the topic is still being stored, so subscribers see the
// topic's messages in storage order; a failed store drops its message and
// answers `unavailable` to the sender.
//
// In a cluster the topic is the owner of its topic (interfaces/topic.hpp):
// members may sit behind relays on other nodes. Such a member's `out`
// forwards to its relay (actors/remote_outbound.hpp), a broadcast goes to
// each relay once, and the topic monitors the relay instead of the
// connection.
//
// The state and delivery are in actors/topic_state.{hpp,cpp}, the members in
// actors/topic_members.{hpp,cpp}, the participant list in
// actors/topic_participants.cpp, joining in actors/topic_join.cpp,
// positions and replay in actors/topic_recovery.cpp; this file holds one
// handler per message.
#include "actors/topic.hpp"

#include <chrono>
#include <optional>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/topic_state.hpp"
#include "interfaces/errors.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd {

// -- default hooks ------------------------------------------------------------

std::string topic_hooks::refuse(const publication&) {
  return {};
}

delivery topic_hooks::route(const publication& msg) {
  return msg.target.empty() ? delivery::everyone : delivery::target_and_sender;
}

void topic_hooks::joined(topic_room&, const member&) {
  // nop
}

void topic_hooks::published(topic_room&, const publication&, const frame_ptr&) {
  // nop
}

void topic_hooks::left(topic_room&, const member&) {
  // nop
}

namespace {

// Relays held in one topic behind stores the database has not answered.
constexpr size_t max_pending_relays = 4096;

// Held relays are bounded: past the bound, a relay is refused before it is
// held (and a store before the database sees it, so "not stored" is true).
caf::error held_back() {
  return make_error(errc::unavailable,
                    "message not stored or relayed: too many messages"
                    " waiting for the database in this topic");
}

// What the sender of a stored relay is told when the database did not
// store it. The worker's errors are definite (its message says "not
// stored", or "outcome unknown" when the connection broke during COMMIT);
// an error of CAF's own (the worker gone) leaves the outcome unknown.
caf::error store_refusal(const caf::error& err) {
  if (err.category() == errc_category)
    return err;
  return make_error(errc::unavailable,
                    "message store outcome unknown: the database worker"
                    " stopped");
}

// -- leaving ------------------------------------------------------------------

// The sender's members move to another owner: they leave without a notice.
void detach(topic_pointer self) {
  auto& st = self->state;
  auto sender = self->current_sender();
  for (auto& cid : st.membership.cids_of(sender ? sender->address()
                                                : caf::actor_addr{}))
    st.remove(cid, true);
  stop_when_idle(self);
}

caf::result<bool> leave(topic_pointer self, const std::string& cid) {
  auto& st = self->state;
  if (!st.membership.contains(cid))
    return make_error(errc::not_subscribed, "not subscribed");
  st.remove(cid);
  stop_when_idle(self);
  return true;
}

// A dead connection leaves; a dead relay (its node is gone) takes all its
// members with it, each with its action 4 notice.
void on_down(topic_pointer self, const caf::down_msg& msg) {
  auto& st = self->state;
  for (auto& cid : st.membership.cids_of(msg.source))
    st.remove(cid);
  stop_when_idle(self);
}

// -- publishing ---------------------------------------------------------------

// The offset a relay takes when it enters the topic's order: only relays
// to everyone have one (topic_state::deliver).
uint64_t reserve_offset(topic_state& st, delivery route) {
  return route == delivery::everyone ? st.history.reserve() : 0;
}

// The relay frame of `msg`, stamped `stamp`.
frame_ptr relay_frame(const topic_state& st, const publication& msg,
                      const std::string& stamp, bool store) {
  return make_frame(protocol::encode_relay(msg.action, st.ctx.topic,
                                           msg.sender, stamp, msg.payload,
                                           store));
}

std::string now_stamp() {
  return protocol::iso_timestamp(std::chrono::system_clock::now());
}

// Nobody waits for a post's answer: the sender's socket gets the refusal
// (a sender that is no member has no socket here to tell).
void refuse_post(topic_state& st, const publication& msg,
                 const caf::error& err) {
  st.send_to(msg.sender, make_frame(protocol::encode_error(refusal_of(
                           err, msg.action, st.ctx.topic, std::nullopt))));
}

void post(topic_pointer self, publication& msg) {
  auto& st = self->state;
  auto route = delivery::drop;
  if (auto err = st.check(msg, route)) {
    refuse_post(st, msg, err);
    return;
  }
  auto frame = relay_frame(st, msg, now_stamp(), false);
  if (st.pending.size() >= max_pending_relays) {
    refuse_post(st, msg, held_back());
    return;
  }
  outgoing x{std::move(msg), std::move(frame), route, outgoing::ready, {}};
  x.offset = reserve_offset(st, route);
  if (st.pending.empty())
    st.deliver(x);
  else
    st.pending.push_back(std::move(x)); // behind an uncommitted store
}

// Holds `x` until the database stored its row, and every relay behind it
// with it.
void store_then_deliver(topic_pointer self, outgoing x,
                        const std::string& stamp) {
  auto& st = self->state;
  auto& msg = x.msg;
  stored_message row{st.ctx.topic, msg.sub, msg.sender,
                     protocol::encode_stored(msg.action, st.ctx.topic,
                                             msg.sender, stamp, msg.payload),
                     stamp, msg.id};
  if (x.offset != 0) {
    row.epoch = st.history.epoch();
    row.offset = static_cast<int64_t>(x.offset);
  }
  st.pending.push_back(std::move(x));
  auto* entry = &st.pending.back();
  // list::push_back keeps references valid; pop_front only removes entries
  // already delivered, never one still waiting.
  // No timeout: the answer is the worker's, so it matches the table (a
  // timeout here could say "not stored" of a row committed later). The
  // worker's own bounds (statement_timeout, connect_timeout) end the wait
  // unless the database is frozen; relays behind this one in the topic
  // wait with it, keeping broadcast order equal to storage order.
  self->request(st.ctx.db, caf::infinite, store_atom::value, std::move(row))
    .then(
      [=](int64_t seq) {
        if (seq > 0) {
          metrics::sockd.stored_messages.inc();
          entry->state = outgoing::ready;
        } else {
          // A retry of a row already stored (and broadcast then):
          // acknowledged, not broadcast again.
          entry->promise.deliver(true);
          entry->state = outgoing::failed;
        }
        self->state.release_ready();
        stop_when_idle(self);
      },
      [=](caf::error& err) {
        entry->promise.deliver(store_refusal(err));
        entry->state = outgoing::failed;
        self->state.release_ready();
        stop_when_idle(self);
      });
}

caf::result<bool> publish(topic_pointer self, publication& msg) {
  auto& st = self->state;
  auto route = delivery::drop;
  if (auto err = st.check(msg, route))
    return err;
  auto stamp = now_stamp();
  auto frame = relay_frame(st, msg, stamp, msg.store);
  if (!msg.store && st.pending.empty()) {
    st.deliver(outgoing{std::move(msg), std::move(frame), route,
                        outgoing::ready, {}, reserve_offset(st, route)});
    return true;
  }
  if (st.pending.size() >= max_pending_relays)
    return held_back();
  auto rp = self->make_response_promise<bool>();
  auto state = msg.store ? outgoing::waiting : outgoing::ready;
  outgoing x{std::move(msg), std::move(frame), route, state, rp,
             reserve_offset(st, route)};
  if (state == outgoing::ready)
    st.pending.push_back(std::move(x));
  else
    store_then_deliver(self, std::move(x), stamp);
  return rp;
}

// Every member, in join order; a member of this node has no node name.
remote_member_list presence(topic_pointer self) {
  remote_member_list result;
  for (auto m : self->state.membership.sorted())
    result.push_back(remote_member{m->info.cid, m->info.sub, m->node});
  return result;
}

// -- behaviour ----------------------------------------------------------------

base_topic_actor::behavior_type topic_behavior(topic_pointer self,
                                                topic_context ctx,
                                                topic_hooks_ptr hooks) {
  // A fresh epoch per spawn: positions of an earlier topic of this name
  // (stopped, restarted, another owner) never match this history.
  self->state.history = topic_history{ctx.history, new_epoch_bits()};
  self->state.ctx = std::move(ctx);
  self->state.hooks = std::move(hooks);
  self->state.self = self;
  // Live topics by type: the gauge is looked up once per topic (a lock),
  // never per frame.
  auto& live = metrics::topics_of_type(self->state.ctx.type);
  live.add();
  self->attach_functor([&live](const caf::error&) { live.sub(); });
  // A topic looked up whose join never comes (its connection died in
  // between) has nothing else that would stop it.
  self->delayed_send(caf::actor_cast<base_topic_actor>(self), spawn_grace,
                     members_atom::value);
  self->set_down_handler(
    [=](caf::down_msg& msg) { on_down(self, msg); });
  return {
    [=](join_atom, member& who) { return join_local(self, who); },
    [=](join_atom, remote_member& who) { return join_remote(self, who); },
    [=](join_atom, remote_member_list& moved) {
      return join_moved(self, moved);
    },
    [=](detach_atom) { detach(self); },
    [=](leave_atom, const std::string& cid) { return leave(self, cid); },
    [=](post_atom, publication& msg) { post(self, msg); },
    [=](publish_atom, publication& msg) { return publish(self, msg); },
    [=](flush_sockets_atom) { self->state.flush_sockets(); },
    [=](members_atom, const std::string& requester) {
      return request_list(self, requester);
    },
    [=](members_atom) { list_timer(self); },
    [=](presence_atom) { return presence(self); },
  };
}

} // namespace

owner_topic_actor spawn_topic(caf::actor_system& sys, topic_context ctx,
                              topic_hooks_ptr hooks) {
  return sys.spawn(topic_behavior, std::move(ctx), std::move(hooks));
}

owner_topic_actor spawn_relay_topic(caf::actor_system& sys,
                                    topic_context ctx) {
  return spawn_topic(sys, std::move(ctx), std::make_shared<topic_hooks>());
}

} // namespace sockd
