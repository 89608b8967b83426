// The base topic behaviour. A relay waits in `pending_` while a message
// before it in the topic is still being stored, so subscribers see the
// topic's messages in storage order; a failed store drops its message and
// answers `unavailable` to the sender.
#include "actors/topic.hpp"

#include <deque>
#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/errors.hpp"
#include "actors/topic_hooks.hpp"
#include "actors/topic_type.hpp"
#include "protocol/frame.hpp"

namespace sockd {

// -- default hooks --------------------------------------------------------------

std::string topic_hooks::refuse(const relay&) {
  return {};
}

delivery topic_hooks::route(const relay& msg) {
  return msg.target.empty() ? delivery::everyone : delivery::target_and_sender;
}

void topic_hooks::joined(topic_room&, const member&) {
  // nop
}

void topic_hooks::published(topic_room&, const relay&, const frame_ptr&) {
  // nop
}

void topic_hooks::left(topic_room&, const member&) {
  // nop
}

namespace {

struct joined_member {
  member info;
  uint64_t order; // join order, for participant lists
};

// A relay on its way out, waiting for earlier stores to commit.
struct outgoing {
  enum status { waiting, ready, failed };
  relay msg;
  frame_ptr frame;
  delivery route;
  status state;
  caf::response_promise promise;
};

struct topic_state : topic_room {
  topic_context ctx;
  topic_hooks_ptr hooks;
  std::unordered_map<std::string, joined_member> members_by_cid;
  std::unordered_map<caf::actor_addr, std::string> cid_by_conn;
  uint64_t next_order = 0;
  int pending_joins = 0;
  std::deque<outgoing> pending;

  const char* name = "topic";

  // -- topic_room -------------------------------------------------------------

  const std::string& topic() const override {
    return ctx.topic;
  }

  std::vector<const member*> members() const override {
    std::vector<const joined_member*> sorted;
    sorted.reserve(members_by_cid.size());
    for (auto& kvp : members_by_cid)
      sorted.push_back(&kvp.second);
    std::sort(sorted.begin(), sorted.end(),
              [](auto x, auto y) { return x->order < y->order; });
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
      m->out->send(std::move(frame));
  }

  void send_to_all(frame_ptr frame) override {
    for (auto& kvp : members_by_cid)
      kvp.second.info.out->send(frame);
  }

  // -- delivery ---------------------------------------------------------------

  void deliver(const outgoing& x) {
    switch (x.route) {
      case delivery::everyone:
        send_to_all(x.frame);
        break;
      case delivery::target_and_sender:
        send_to(x.msg.target, x.frame);
        if (x.msg.sender != x.msg.target)
          send_to(x.msg.sender, x.frame);
        break;
      case delivery::target_only:
        send_to(x.msg.target, x.frame);
        break;
      case delivery::drop:
        break;
    }
    hooks->published(*this, x.msg, x.frame);
  }

  // Delivers every relay at the front that no store holds back; a relay
  // whose store failed was answered already and is dropped.
  void flush() {
    while (!pending.empty() && pending.front().state != outgoing::waiting) {
      auto& x = pending.front();
      if (x.state == outgoing::ready) {
        deliver(x);
        x.promise.deliver(true);
      }
      pending.pop_front();
    }
  }

  void remove(const std::string& cid) {
    auto i = members_by_cid.find(cid);
    if (i == members_by_cid.end())
      return;
    auto gone = std::move(i->second.info);
    members_by_cid.erase(i);
    cid_by_conn.erase(gone.conn);
    send_to_all(make_frame(
      protocol::encode_left(ctx.topic, gone.sub + ":" + gone.cid)));
    hooks->left(*this, gone);
  }

  bool idle() const {
    return members_by_cid.empty() && pending_joins == 0 && pending.empty();
  }
};

using topic_pointer = topic_actor::stateful_pointer<topic_state>;

void stop_when_idle(topic_pointer self) {
  if (self->state.idle())
    self->quit();
}

// LOAD_SUBSCRIBERS: users online now merged with users who stored messages.
std::string participants_payload(const topic_state& st,
                                 const writer_list& writers) {
  using json = nlohmann::json;
  json result = json::object();
  auto entry = [&](const std::string& sub) -> json& {
    auto& e = result[sub];
    if (e.is_null())
      e = {{"scid", sub}, {"cids", json::array()}, {"name", ""},
           {"role", ""}, {"color", ""}, {"exists", true}, {"online", false}};
    return e;
  };
  auto add_cid = [](json& e, const std::string& cid) {
    auto& cids = e["cids"];
    if (std::find(cids.begin(), cids.end(), cid) == cids.end())
      cids.push_back(cid);
  };
  for (auto& w : writers) {
    auto& e = entry(w.sub);
    e["name"] = w.name;
    e["role"] = w.role;
    for (auto& cid : w.cids)
      add_cid(e, cid);
  }
  for (auto m : st.members()) {
    auto& e = entry(m->sub);
    e["online"] = true;
    add_cid(e, m->cid);
  }
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

topic_actor::behavior_type topic_behavior(topic_pointer self,
                                          topic_context ctx,
                                          topic_hooks_ptr hooks) {
  self->state.ctx = std::move(ctx);
  self->state.hooks = std::move(hooks);
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.cid_by_conn.find(msg.source);
    if (i == st.cid_by_conn.end())
      return;
    auto cid = i->second;
    st.remove(cid);
    stop_when_idle(self);
  });
  return {
    [=](join_atom, member who) -> caf::result<bool> {
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
              self->monitor(who.conn);
              st.cid_by_conn.emplace(who.conn, who.cid);
              auto& m = st.members_by_cid[who.cid];
              m.info = who;
              m.order = st.next_order++;
              who.out->send(make_frame(protocol::encode_control(
                protocol::action::subscribe, st.ctx.topic)));
              st.hooks->joined(st, m.info);
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
    },
    [=](leave_atom, const std::string& cid) -> caf::result<bool> {
      auto& st = self->state;
      auto i = st.members_by_cid.find(cid);
      if (i == st.members_by_cid.end())
        return make_error(errc::not_subscribed, "not subscribed");
      self->demonitor(i->second.info.conn);
      st.remove(cid);
      stop_when_idle(self);
      return true;
    },
    [=](publish_atom, relay& msg) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members_by_cid.count(msg.sender) == 0)
        return make_error(errc::not_subscribed, "not subscribed");
      if (auto reason = st.hooks->refuse(msg); !reason.empty())
        return make_error(errc::bad_frame, std::move(reason));
      auto route = st.hooks->route(msg);
      if (route != delivery::everyone && route != delivery::drop
          && st.members_by_cid.count(msg.target) == 0)
        return make_error(errc::bad_target,
                          "target is not a connection in this topic");
      auto stamp = protocol::iso_timestamp(std::chrono::system_clock::now());
      auto frame = make_frame(protocol::encode_relay(
        msg.action, st.ctx.topic, msg.sender, stamp, msg.payload, msg.store));
      if (!msg.store && st.pending.empty()) {
        st.deliver(outgoing{std::move(msg), std::move(frame), route,
                            outgoing::ready, {}});
        return true;
      }
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
                         stamp};
      st.pending.push_back(outgoing{std::move(msg), std::move(frame), route,
                                    outgoing::waiting, rp});
      auto* entry = &st.pending.back();
      // deque::push_back keeps references valid; pop_front only removes
      // entries already delivered, never one still waiting.
      self->request(st.ctx.db, st.ctx.db_timeout, store_atom::value,
                    std::move(row))
        .then(
          [=](int64_t) {
            entry->state = outgoing::ready;
            self->state.flush();
            stop_when_idle(self);
          },
          [=](caf::error&) {
            entry->promise.deliver(
              make_error(errc::unavailable, "message not stored"));
            entry->state = outgoing::failed;
            self->state.flush();
            stop_when_idle(self);
          });
      return rp;
    },
    [=](members_atom, const std::string& requester) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members_by_cid.count(requester) == 0)
        return make_error(errc::not_subscribed, "not subscribed");
      string_list online;
      for (auto m : st.members())
        if (std::find(online.begin(), online.end(), m->sub) == online.end())
          online.push_back(m->sub);
      auto rp = self->make_response_promise<bool>();
      self->request(st.ctx.db, st.ctx.db_timeout, writers_atom::value,
                    st.ctx.topic, std::move(online))
        .then(
          [=](writer_list& writers) mutable {
            auto& st = self->state;
            st.send_to_all(make_frame(protocol::encode_participants(
              st.ctx.topic, requester, participants_payload(st, writers))));
            rp.deliver(true);
          },
          [=](caf::error&) mutable {
            rp.deliver(make_error(errc::unavailable,
                                  "participants unavailable"));
          });
      return rp;
    },
  };
}

} // namespace

topic_actor spawn_topic(caf::actor_system& sys, topic_context ctx,
                        topic_hooks_ptr hooks) {
  return sys.spawn(topic_behavior, std::move(ctx), std::move(hooks));
}

topic_actor spawn_relay_topic(caf::actor_system& sys, topic_context ctx) {
  return spawn_topic(sys, std::move(ctx), std::make_shared<topic_hooks>());
}

} // namespace sockd
