// The base topic behaviour. A relay waits in `pending_` while a message
// before it in the topic is still being stored, so subscribers see the
// topic's messages in storage order; a failed store drops its message and
// answers `unavailable` to the sender.
//
// In a cluster the topic is the owner of its topic (interfaces/topic.hpp):
// members may sit behind relays on other nodes. Such a member's `out`
// forwards to its relay (actors/remote_outbound.hpp), a broadcast goes to
// each relay once, and the topic monitors the relay instead of the
// connection.
#include "actors/topic.hpp"

#include <algorithm>
#include <list>
#include <unordered_map>
#include <unordered_set>

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/fanout_stats.hpp"
#include "actors/remote_outbound.hpp"
#include "actors/topic_hooks.hpp"
#include "actors/topic_type.hpp"
#include "interfaces/errors.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"

namespace sockd {

// -- default hooks --------------------------------------------------------------

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

struct joined_member {
  member info;
  uint64_t order; // join order, for participant lists
  caf::actor relay; // the relay holding the socket; null for a local member
  std::string node; // the relay's node name
};

// A LOAD_SUBSCRIBERS waiting for the next participant list.
struct list_request {
  std::string requester;
  caf::typed_response_promise<bool> promise;
};

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

// A relay on its way out, waiting for earlier stores to commit.
struct outgoing {
  enum status { waiting, ready, failed };
  publication msg;
  frame_ptr frame;
  delivery route;
  status state;
  caf::response_promise promise;
};

struct topic_state : topic_room {
  topic_context ctx;
  topic_hooks_ptr hooks;
  std::unordered_map<std::string, joined_member> members_by_cid;
  // Monitored actors and the members they stand for. A connection actor is
  // exactly one member (a plain entry: no set per idle member); a relay
  // holds many, joining and leaving one by one, so it gets a set.
  std::unordered_map<caf::actor_addr, std::string> cid_of_conn;
  std::unordered_map<caf::actor_addr, std::unordered_set<std::string>>
    cids_of_relay;
  std::unordered_map<caf::actor_addr, caf::actor> relays;
  caf::local_actor* self = nullptr;
  uint64_t next_order = 0;
  int pending_joins = 0;
  // A list, not a deque: references stay valid, and an idle topic holds no
  // block for it (a deque allocates ~600 bytes up front).
  std::list<outgoing> pending;

  // Sockets this topic queued frames on whose write is not started yet.
  // A `flush` the topic sends itself lands behind everything already in
  // its mailbox, so a burst of broadcasts goes out in one write per socket
  // (docs/performance.md). Whatever ends the topic, the writes start.
  std::vector<outbound_ptr> unflushed;
  bool flush_due = false;

  // LOAD_SUBSCRIBERS, coalesced: at most one list (and one database query)
  // per participants_window; the requests meanwhile wait for the next one.
  std::vector<list_request> list_waiting;
  bool list_running = false;     // the query of a list is out
  bool list_timer_armed = false; // a `members` to itself is on its way
  bool listed = false;           // a list was started before
  caf::actor_clock::time_point last_list; // when the last one started
  // Bumped by every join and leave. A list goes to every member when the
  // membership or the list itself changed since the last list sent to
  // all; otherwise every member has it already and only the requesters
  // get it (a flood of requests reaches nobody but the flooder).
  uint64_t membership_version = 0;
  uint64_t broadcast_version = 0;
  bool broadcast_once = false;
  std::string broadcast_payload;

  const char* name = "topic";

  ~topic_state() override {
    flush_sockets();
  }

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

  void flush_sockets() {
    flush_due = false;
    auto sockets = std::move(unflushed);
    unflushed.clear();
    for (auto& out : sockets)
      out->flush();
  }

  // -- topic_room -------------------------------------------------------------

  const std::string& topic() const override {
    return ctx.topic;
  }

  std::vector<const member*> members() const override {
    auto sorted = sorted_members();
    std::vector<const member*> result;
    result.reserve(sorted.size());
    for (auto x : sorted)
      result.push_back(&x->info);
    return result;
  }

  const member* find(const std::string& cid) const override {
    auto i = members_by_cid.find(cid);
    return i == members_by_cid.end() ? nullptr : &i->second.info;
  }

  void send_to(const std::string& cid, frame_ptr frame) override {
    if (auto m = find(cid))
      queue_to(m->out, std::move(frame));
  }

  void send_backlog_to(const std::string& cid,
                       std::vector<frame_ptr> frames) override {
    // Behind what this topic queued on the socket (its flush starts the
    // write, or the backlog does when the socket was idle), ahead of what
    // it queues later.
    if (auto m = find(cid))
      m->out->send_backlog(std::move(frames));
  }

  void send_to_all(frame_ptr frame) override {
    for (auto& kvp : members_by_cid)
      if (!kvp.second.relay)
        queue_to(kvp.second.info.out, frame);
    // One message per relay, however many members it holds.
    for (auto& kvp : relays)
      caf::anon_send(kvp.second, deliver_atom::value, *frame);
  }

  // -- members ----------------------------------------------------------------

  bool on_other_node(const caf::actor& relay) const {
    return relay && relay.node() != self->node();
  }

  bool on_other_node(const std::string& cid) const {
    auto i = members_by_cid.find(cid);
    return i != members_by_cid.end() && on_other_node(i->second.relay);
  }

  joined_member& add(member who, caf::actor relay, std::string node) {
    if (relay) {
      auto& cids = cids_of_relay[who.conn]; // who.conn is the relay
      if (cids.empty())
        self->monitor(who.conn);
      cids.insert(who.cid);
      relays.emplace(relay.address(), relay);
    } else if (cid_of_conn.emplace(who.conn, who.cid).second) {
      self->monitor(who.conn);
    }
    ++membership_version;
    auto& m = members_by_cid[who.cid];
    m.info = std::move(who);
    m.order = next_order++;
    m.relay = std::move(relay);
    m.node = std::move(node);
    return m;
  }

  // The cids a monitored actor stands for, in join order.
  std::vector<std::string> cids_of(const caf::actor_addr& conn) const {
    std::vector<std::string> result;
    if (auto i = cid_of_conn.find(conn); i != cid_of_conn.end()) {
      result.push_back(i->second);
      return result;
    }
    auto i = cids_of_relay.find(conn);
    if (i == cids_of_relay.end())
      return result;
    result.assign(i->second.begin(), i->second.end());
    std::sort(result.begin(), result.end(), [this](auto& x, auto& y) {
      return members_by_cid.at(x).order < members_by_cid.at(y).order;
    });
    return result;
  }

  // Tells the relays who joined and left, so that they know the members of
  // other nodes; a relay new to the topic gets the whole list instead.
  void announce(const remote_member_list& added, const string_list& removed,
                const caf::actor& fresh = {}) {
    if (relays.empty())
      return;
    for (auto& kvp : relays) {
      if (fresh && kvp.second == fresh) {
        remote_member_list all;
        for (auto m : sorted_members())
          all.push_back(remote_member{m->info.cid, m->info.sub, m->node});
        caf::anon_send(kvp.second, roster_atom::value, std::move(all),
                       string_list{}, true);
      } else if (!added.empty() || !removed.empty()) {
        caf::anon_send(kvp.second, roster_atom::value, added, removed, false);
      }
    }
  }

  std::vector<const joined_member*> sorted_members() const {
    std::vector<const joined_member*> sorted;
    sorted.reserve(members_by_cid.size());
    for (auto& kvp : members_by_cid)
      sorted.push_back(&kvp.second);
    std::sort(sorted.begin(), sorted.end(),
              [](auto x, auto y) { return x->order < y->order; });
    return sorted;
  }

  // -- delivery ---------------------------------------------------------------

  // Whether a member may publish `msg`, and to whom it goes.
  caf::error check(const publication& msg, delivery& route) {
    if (members_by_cid.count(msg.sender) == 0)
      return make_error(errc::not_subscribed, "not subscribed");
    if (auto reason = hooks->refuse(msg); !reason.empty())
      return make_error(errc::bad_frame, std::move(reason));
    route = hooks->route(msg);
    if (route != delivery::everyone && route != delivery::drop
        && members_by_cid.count(msg.target) == 0)
      return make_error(errc::bad_target,
                        "target is not a connection in this topic");
    return caf::none;
  }

  void deliver(const outgoing& x) {
    size_t cross_node = 0;
    switch (x.route) {
      case delivery::everyone:
        send_to_all(x.frame);
        for (auto& kvp : relays)
          cross_node += on_other_node(kvp.second) ? 1 : 0;
        break;
      case delivery::target_and_sender:
        send_to(x.msg.target, x.frame);
        cross_node += on_other_node(x.msg.target) ? 1 : 0;
        if (x.msg.sender != x.msg.target) {
          send_to(x.msg.sender, x.frame);
          cross_node += on_other_node(x.msg.sender) ? 1 : 0;
        }
        break;
      case delivery::target_only:
        send_to(x.msg.target, x.frame);
        cross_node += on_other_node(x.msg.target) ? 1 : 0;
        break;
      case delivery::drop:
        break;
    }
    if (!relays.empty())
      record_fanout(cross_node);
    hooks->published(*this, x.msg, x.frame);
  }

  // Delivers every relay at the front that no store holds back; a relay
  // whose store failed was answered already and is dropped.
  void release_ready() {
    while (!pending.empty() && pending.front().state != outgoing::waiting) {
      auto& x = pending.front();
      if (x.state == outgoing::ready) {
        deliver(x);
        x.promise.deliver(true);
      }
      pending.pop_front();
    }
  }

  // A member leaves; the others get action 4 unless it only `moved` to
  // another owner with its relay.
  void remove(const std::string& cid, bool moved = false) {
    auto i = members_by_cid.find(cid);
    if (i == members_by_cid.end())
      return;
    auto gone = std::move(i->second.info);
    members_by_cid.erase(i);
    ++membership_version;
    if (auto j = cid_of_conn.find(gone.conn); j != cid_of_conn.end()) {
      if (j->second == cid) {
        self->demonitor(gone.conn);
        cid_of_conn.erase(j);
      }
    } else if (auto k = cids_of_relay.find(gone.conn);
               k != cids_of_relay.end()) {
      k->second.erase(cid);
      if (k->second.empty()) {
        self->demonitor(gone.conn);
        cids_of_relay.erase(k);
        relays.erase(gone.conn);
      }
    }
    if (!moved)
      send_to_all(make_frame(
        protocol::encode_left(ctx.topic, gone.sub + ":" + gone.cid)));
    hooks->left(*this, gone);
    if (!moved)
      announce({}, string_list{cid});
  }

  bool idle() const {
    return members_by_cid.empty() && pending_joins == 0 && pending.empty()
           && list_waiting.empty() && !list_running;
  }
};

using topic_pointer = base_topic_actor::stateful_pointer<topic_state>;

void stop_when_idle(topic_pointer self) {
  if (self->state.idle())
    self->quit();
}

// LOAD_SUBSCRIBERS: users online now merged with users who stored messages.
// O(N log N) in members and writers: no scan per entry.
std::string participants_payload(const topic_state& st,
                                 const writer_list& writers) {
  using json = nlohmann::json;
  json result = json::object();
  std::unordered_map<std::string, std::unordered_set<std::string>> seen;
  auto entry = [&](const std::string& sub) -> json& {
    auto& e = result[sub];
    if (e.is_null())
      e = {{"scid", sub}, {"cids", json::array()}, {"name", ""},
           {"role", ""}, {"color", ""}, {"exists", true}, {"online", false}};
    return e;
  };
  auto add_cid = [&seen](json& e, const std::string& sub,
                         const std::string& cid) {
    if (seen[sub].insert(cid).second)
      e["cids"].push_back(cid);
  };
  for (auto& w : writers) {
    auto& e = entry(w.sub);
    e["name"] = w.name;
    e["role"] = w.role;
    for (auto& cid : w.cids)
      add_cid(e, w.sub, cid);
  }
  for (auto m : st.members()) {
    auto& e = entry(m->sub);
    e["online"] = true;
    add_cid(e, m->sub, m->cid);
  }
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Sends a finished list: to every member when the membership or the list
// changed since the last list sent to all, else to the requesters only.
// Each requester gets it with its own connection id as `sender` (clients,
// Awayto's among them, know the answer to their own request by that); the
// other members get it with the first requester's.
void send_list(topic_state& st, const std::vector<list_request>& batch,
               std::string payload) {
  auto& first = batch.front().requester;
  std::unordered_set<std::string> requesters;
  for (auto& r : batch)
    requesters.insert(r.requester);
  if (!st.broadcast_once || st.broadcast_version != st.membership_version
      || st.broadcast_payload != payload) {
    auto frame = make_frame(
      protocol::encode_participants(st.ctx.topic, first, payload));
    for (auto& kvp : st.members_by_cid)
      if (!kvp.second.relay
          && (kvp.first == first || requesters.count(kvp.first) == 0))
        st.queue_to(kvp.second.info.out, frame);
    // One message per relay: a later requester behind one gets this list
    // and then its own copy (the same list twice).
    for (auto& kvp : st.relays)
      caf::anon_send(kvp.second, deliver_atom::value, *frame);
    st.broadcast_once = true;
    st.broadcast_version = st.membership_version;
    st.broadcast_payload = payload;
    requesters.erase(first); // answered by that frame
  }
  for (auto& cid : requesters)
    st.send_to(cid, make_frame(protocol::encode_participants(st.ctx.topic, cid,
                                                             payload)));
}

void start_list(topic_pointer self);

// Starts the next list now if the window since the last one is over, else
// when it is; nothing while a list's query is out (its answer calls again).
void schedule_list(topic_pointer self) {
  auto& st = self->state;
  if (st.list_running || st.list_timer_armed || st.list_waiting.empty())
    return;
  auto now = self->clock().now();
  if (!st.listed || now - st.last_list >= participants_window) {
    start_list(self);
    return;
  }
  st.list_timer_armed = true;
  self->delayed_send(caf::actor_cast<base_topic_actor>(self),
                     participants_window - (now - st.last_list),
                     members_atom::value);
}

// One database query answers every request waiting now.
void start_list(topic_pointer self) {
  auto& st = self->state;
  st.list_running = true;
  st.listed = true;
  st.last_list = self->clock().now();
  auto batch =
    std::make_shared<std::vector<list_request>>(std::move(st.list_waiting));
  st.list_waiting.clear();
  string_list online;
  std::unordered_set<std::string> seen;
  for (auto m : st.members())
    if (seen.insert(m->sub).second)
      online.push_back(m->sub);
  self->request(st.ctx.db, st.ctx.db_timeout, writers_atom::value,
                st.ctx.topic, std::move(online))
    .then(
      [=](writer_list& writers) {
        auto& st = self->state;
        st.list_running = false;
        send_list(st, *batch, participants_payload(st, writers));
        for (auto& r : *batch)
          r.promise.deliver(true);
        schedule_list(self);
        stop_when_idle(self);
      },
      [=](caf::error&) {
        auto& st = self->state;
        st.list_running = false;
        for (auto& r : *batch)
          r.promise.deliver(
            make_error(errc::unavailable, "participants unavailable"));
        schedule_list(self);
        stop_when_idle(self);
      });
}

// A member joins after the type's allowance; `relay` is null for a local
// connection, else the relay holding the member's socket on `node`.
caf::result<bool> join(topic_pointer self, member who, caf::actor relay,
                       std::string node) {
  auto& st = self->state;
  if (st.members_by_cid.count(who.cid) > 0) {
    // Subscribing twice is harmless: one membership, a second ack.
    who.out->send(make_frame(
      protocol::encode_control(protocol::action::subscribe, st.ctx.topic)));
    return true;
  }
  ++st.pending_joins;
  auto rp = self->make_response_promise<bool>();
  auto& c = st.ctx;
  self->request(c.db, c.db_timeout, allow_atom::value, c.type, who.sub,
                c.handle, c.topic)
    .then(
      [=](bool allowed) mutable {
        auto& st = self->state;
        --st.pending_joins;
        if (!allowed) {
          rp.deliver(make_error(errc::forbidden,
                                "not allowed to join " + st.ctx.topic));
        } else if (st.members_by_cid.count(who.cid) > 0) {
          who.out->send(make_frame(protocol::encode_control(
            protocol::action::subscribe, st.ctx.topic)));
          rp.deliver(true);
        } else {
          bool fresh = relay && st.relays.count(relay.address()) == 0;
          auto& m = st.add(who, relay, node);
          who.out->send(make_frame(protocol::encode_control(
            protocol::action::subscribe, st.ctx.topic)));
          st.hooks->joined(st, m.info);
          if (relay)
            st.announce({remote_member{who.cid, who.sub, node}}, {},
                        fresh ? relay : caf::actor{});
          rp.deliver(true);
        }
        stop_when_idle(self);
      },
      [=](caf::error& err) mutable {
        --self->state.pending_joins;
        rp.deliver(make_error(errc::unavailable,
                              "allowance check failed: "
                                + self->system().render(err)));
        stop_when_idle(self);
      });
  return rp;
}

// The relay that sent the current message, or null.
caf::actor sending_relay(topic_pointer self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

base_topic_actor::behavior_type topic_behavior(topic_pointer self,
                                                topic_context ctx,
                                                topic_hooks_ptr hooks) {
  self->state.ctx = std::move(ctx);
  self->state.hooks = std::move(hooks);
  self->state.self = self;
  // A topic looked up whose join never comes (its connection died in
  // between) has nothing else that would stop it.
  self->delayed_send(caf::actor_cast<base_topic_actor>(self), spawn_grace,
                     members_atom::value);
  // A dead connection leaves; a dead relay (its node is gone) takes all its
  // members with it, each with its action 4 notice.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    for (auto& cid : st.cids_of(msg.source))
      st.remove(cid);
    stop_when_idle(self);
  });
  return {
    [=](join_atom, member who) -> caf::result<bool> {
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
      auto relay = sending_relay(self);
      if (!relay)
        return make_error(errc::internal, "remote members need their relay");
      auto& st = self->state;
      bool fresh = st.relays.count(relay.address()) == 0;
      remote_member_list added;
      for (auto& who : moved) {
        if (st.members_by_cid.count(who.cid) > 0)
          continue;
        st.add(remote_member_of(relay, who), relay, who.node);
        added.push_back(std::move(who));
      }
      if (!added.empty())
        st.announce(added, {}, fresh ? relay : caf::actor{});
      stop_when_idle(self);
      return true;
    },
    [=](detach_atom) {
      auto& st = self->state;
      for (auto& cid : st.cids_of(self->current_sender()
                                    ? self->current_sender()->address()
                                    : caf::actor_addr{}))
        st.remove(cid, true);
      stop_when_idle(self);
    },
    [=](leave_atom, const std::string& cid) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members_by_cid.count(cid) == 0)
        return make_error(errc::not_subscribed, "not subscribed");
      st.remove(cid);
      stop_when_idle(self);
      return true;
    },
    [=](post_atom, publication& msg) {
      auto& st = self->state;
      auto route = delivery::drop;
      if (auto err = st.check(msg, route)) {
        // Nobody waits for an answer: the sender's socket gets the refusal
        // (a sender that is no member has no socket here to tell).
        st.send_to(msg.sender,
                   make_frame(protocol::encode_error(refusal_of(
                     err, msg.action, st.ctx.topic, std::nullopt))));
        return;
      }
      auto stamp = protocol::iso_timestamp(std::chrono::system_clock::now());
      auto frame = make_frame(protocol::encode_relay(
        msg.action, st.ctx.topic, msg.sender, stamp, msg.payload, false));
      if (st.pending.size() >= max_pending_relays) {
        st.send_to(msg.sender,
                   make_frame(protocol::encode_error(refusal_of(
                     held_back(), msg.action, st.ctx.topic, std::nullopt))));
        return;
      }
      outgoing x{std::move(msg), std::move(frame), route, outgoing::ready, {}};
      if (st.pending.empty())
        st.deliver(x);
      else
        st.pending.push_back(std::move(x)); // behind an uncommitted store
    },
    [=](publish_atom, publication& msg) -> caf::result<bool> {
      auto& st = self->state;
      auto route = delivery::drop;
      if (auto err = st.check(msg, route))
        return err;
      auto stamp = protocol::iso_timestamp(std::chrono::system_clock::now());
      auto frame = make_frame(protocol::encode_relay(
        msg.action, st.ctx.topic, msg.sender, stamp, msg.payload, msg.store));
      if (!msg.store && st.pending.empty()) {
        st.deliver(outgoing{std::move(msg), std::move(frame), route,
                            outgoing::ready, {}});
        return true;
      }
      if (st.pending.size() >= max_pending_relays)
        return held_back();
      auto rp = self->make_response_promise<bool>();
      if (!msg.store) {
        st.pending.push_back(outgoing{std::move(msg), std::move(frame), route,
                                      outgoing::ready, rp});
        return rp;
      }
      stored_message row{st.ctx.topic, msg.sub, msg.sender,
                         protocol::encode_stored(msg.action, st.ctx.topic,
                                                 msg.sender, stamp,
                                                 msg.payload),
                         stamp, msg.id};
      st.pending.push_back(outgoing{std::move(msg), std::move(frame), route,
                                    outgoing::waiting, rp});
      auto* entry = &st.pending.back();
      // list::push_back keeps references valid; pop_front only removes
      // entries already delivered, never one still waiting.
      // No timeout: the answer is the worker's, so it matches the table (a
      // timeout here could say "not stored" of a row committed later). The
      // worker's own bounds (statement_timeout, connect_timeout) end the
      // wait unless the database is frozen; relays behind this one in the
      // topic wait with it, keeping broadcast order equal to storage order.
      self->request(st.ctx.db, caf::infinite, store_atom::value,
                    std::move(row))
        .then(
          [=](int64_t seq) {
            if (seq > 0) {
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
      return rp;
    },
    [=](flush_sockets_atom) { self->state.flush_sockets(); },
    [=](members_atom, const std::string& requester) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members_by_cid.count(requester) == 0)
        return make_error(errc::not_subscribed, "not subscribed");
      auto rp = self->make_response_promise<bool>();
      st.list_waiting.push_back(list_request{requester, rp});
      schedule_list(self);
      return rp;
    },
    [=](members_atom) {
      // The window of the last list is over (or the spawn grace is).
      auto& st = self->state;
      if (st.list_timer_armed
          && self->clock().now() - st.last_list >= participants_window)
        st.list_timer_armed = false;
      schedule_list(self);
      stop_when_idle(self);
    },
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
