#include "cluster/relay.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"
#include "support/log.hpp"

namespace sockd::cluster {

namespace {

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
  std::map<std::string, remote_member> roster; // every member, every node
  std::deque<queued_request> queue;
  std::map<uint64_t, answer_fn> in_flight;
  uint64_t next_request = 0;

  const char* name = "cluster_relay";

  remote_member as_remote(const member& m) const {
    return remote_member{m.cid, m.sub, cfg.node};
  }

  remote_member_list confirmed() const {
    remote_member_list result;
    for (auto& kvp : members)
      if (kvp.second.confirmed)
        result.push_back(as_remote(kvp.second.info));
    return result;
  }

  void send_to_members(const frame_ptr& frame) {
    for (auto& kvp : members)
      if (kvp.second.confirmed)
        kvp.second.info.out->send(frame);
  }
};

using relay_pointer = relay_actor::stateful_pointer<relay_state>;

void stop_when_idle(relay_pointer self) {
  auto& st = self->state;
  if (st.members.empty() && st.queue.empty() && st.in_flight.empty())
    self->quit();
}

void remove_local(relay_pointer self, const std::string& cid) {
  auto& st = self->state;
  auto i = st.members.find(cid);
  if (i == st.members.end())
    return;
  self->demonitor(i->second.info.conn);
  st.cid_by_conn.erase(i->second.info.conn);
  st.members.erase(i);
}

void finish(relay_pointer self, uint64_t id, caf::expected<bool> result) {
  auto& st = self->state;
  auto i = st.in_flight.find(id);
  if (i == st.in_flight.end())
    return; // answered already: the owner was lost meanwhile
  auto answer = std::move(i->second);
  st.in_flight.erase(i);
  answer(std::move(result));
  stop_when_idle(self);
}

template <class... Ts>
void ask_owner(relay_pointer self, answer_fn answer, Ts... xs) {
  auto& st = self->state;
  auto id = st.next_request++;
  st.in_flight.emplace(id, std::move(answer));
  self->request(st.owner, st.cfg.request_timeout, std::move(xs)...)
    .then([=](bool ok) { finish(self, id, ok); },
          [=](caf::error& err) { finish(self, id, std::move(err)); });
}

// An answer that hands the owner's answer on to the member's request.
answer_fn pass_on(caf::typed_response_promise<bool> rp) {
  return [rp](caf::expected<bool> x) mutable {
    if (x)
      rp.deliver(true);
    else
      rp.deliver(std::move(x.error()));
  };
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

void ask_directory(relay_pointer self);

// The owner died with requests outstanding: answer them now, not after
// their timeout (a join is retried by its connection).
void fail_in_flight(relay_pointer self) {
  auto in_flight = std::move(self->state.in_flight);
  self->state.in_flight.clear();
  for (auto& kvp : in_flight)
    kvp.second(caf::make_error(caf::sec::request_receiver_down));
}

void schedule_retry(relay_pointer self) {
  auto& st = self->state;
  if (st.attached || st.retry_scheduled)
    return;
  st.retry_scheduled = true;
  self->delayed_send(self, st.cfg.retry_interval, retry_atom::value);
}

// No owner for too long: let the clients reconnect rather than hang.
void give_up(relay_pointer self) {
  auto& st = self->state;
  log_warn("cluster: no owner reachable for " + st.cfg.topic
           + "; closing its sockets on this node");
  for (auto& kvp : st.members)
    kvp.second.info.out->close(1013, "cluster unavailable");
  auto queue = std::move(st.queue);
  st.queue.clear();
  for (auto& x : queue)
    x.answer(make_error(errc::unavailable, "cluster unavailable"));
  self->quit();
}

// Members of nodes that died with the owner never leave anywhere: tell
// this node's members, like the owner would have.
void notify_dead(relay_pointer self, const string_list& live) {
  auto& st = self->state;
  std::set<std::string> alive(live.begin(), live.end());
  for (auto i = st.roster.begin(); i != st.roster.end();) {
    auto& m = i->second;
    if (alive.count(m.node) > 0 || m.node == st.cfg.node) {
      ++i;
      continue;
    }
    st.send_to_members(make_frame(
      protocol::encode_left(st.cfg.topic, m.sub + ":" + m.cid)));
    i = st.roster.erase(i);
  }
}

void finish_attach(relay_pointer self, const remote_member_list& sent) {
  auto& st = self->state;
  st.attached = true;
  st.owner_lost = false;
  // Joins the old owner accepted while the move was under way.
  std::set<std::string> moved;
  for (auto& x : sent)
    moved.insert(x.cid);
  remote_member_list late;
  for (auto& x : st.confirmed())
    if (moved.count(x.cid) == 0)
      late.push_back(x);
  if (!late.empty())
    ask_owner(self, [](caf::expected<bool>) {}, join_atom::value,
              std::move(late));
  auto queue = std::move(st.queue);
  st.queue.clear();
  for (auto& x : queue)
    x.send();
}

void attach(relay_pointer self, caf::actor gateway, std::string owner_node,
            const string_list& live) {
  auto& st = self->state;
  if (st.attached && st.owner_node == owner_node)
    return;
  // The owner's node left the cluster: whether its down message came
  // first or not, nobody else will tell our members who left with it.
  if (!st.owner_node.empty()
      && std::find(live.begin(), live.end(), st.owner_node) == live.end()) {
    st.owner_lost = true;
    fail_in_flight(self);
  }
  if (st.owner) {
    // Leaving an owner that lives on: it drops our members silently.
    self->send(st.owner, detach_atom::value);
    self->demonitor(st.owner.address());
    st.owner = nullptr;
  }
  if (st.attached)
    st.detached_since = self->clock().now();
  st.attached = false;
  st.owner_node = std::move(owner_node);
  auto e = ++st.epoch;
  if (st.owner_lost)
    notify_dead(self, live);
  if (!gateway) {
    schedule_retry(self);
    return;
  }
  auto timeout = st.cfg.request_timeout;
  self->request(gateway, timeout, lookup_atom::value, st.cfg.topic)
    .then(
      [=](caf::actor& handle) {
        auto& st = self->state;
        if (e != st.epoch)
          return;
        if (!handle) {
          schedule_retry(self);
          return;
        }
        auto topic = caf::actor_cast<owner_topic_actor>(handle);
        st.owner = topic;
        self->monitor(topic);
        auto list = st.confirmed();
        if (list.empty()) {
          finish_attach(self, list);
          return;
        }
        self->request(topic, timeout, join_atom::value, list)
          .then(
            [=](bool) {
              if (e == self->state.epoch)
                finish_attach(self, list);
            },
            [=](caf::error&) {
              if (e == self->state.epoch)
                schedule_retry(self);
            });
      },
      [=](caf::error&) {
        if (e == self->state.epoch)
          schedule_retry(self);
      });
}

void ask_directory(relay_pointer self) {
  auto& st = self->state;
  if (st.attached || st.asking)
    return;
  if (self->clock().now() - st.detached_since > st.cfg.give_up_after) {
    give_up(self);
    return;
  }
  st.asking = true;
  self->request(st.cfg.directory, st.cfg.request_timeout, owner_atom::value,
                st.cfg.topic)
    .then(
      [=](caf::actor& gateway, std::string& owner, string_list& live) {
        self->state.asking = false;
        attach(self, std::move(gateway), std::move(owner), live);
      },
      [=](caf::error&) {
        self->state.asking = false;
        schedule_retry(self);
      });
}

void owner_down(relay_pointer self) {
  auto& st = self->state;
  st.owner = nullptr;
  if (st.attached)
    st.detached_since = self->clock().now();
  st.attached = false;
  st.owner_lost = true;
  ++st.epoch;
  fail_in_flight(self);
  if (st.members.empty() && st.queue.empty()) {
    self->quit();
    return;
  }
  ask_directory(self);
}

relay_actor::behavior_type relay_behavior(relay_pointer self,
                                          relay_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  st.detached_since = self->clock().now();
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    if (st.owner && msg.source == st.owner.address()) {
      owner_down(self);
      return;
    }
    auto i = st.cid_by_conn.find(msg.source);
    if (i == st.cid_by_conn.end())
      return;
    auto cid = i->second;
    remove_local(self, cid);
    // A dead connection leaves like an UNSUBSCRIBE.
    to_owner(self, [](caf::expected<bool>) {}, leave_atom::value, cid);
    stop_when_idle(self);
  });
  ask_directory(self);
  return {
    [=](join_atom, member who) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members.count(who.cid) == 0) {
        self->monitor(who.conn);
        st.cid_by_conn.emplace(who.conn, who.cid);
        st.members.emplace(who.cid, local_member{who, false});
      }
      auto rp = self->make_response_promise<bool>();
      auto cid = who.cid;
      to_owner(
        self,
        [=](caf::expected<bool> x) mutable {
          auto& st = self->state;
          auto i = st.members.find(cid);
          if (x) {
            if (i != st.members.end() && !i->second.confirmed) {
              i->second.confirmed = true;
              // Accepted by an owner we have since left: join the current
              // one too (while still attaching, finish_attach does).
              auto from = self->current_sender();
              if (st.attached && from && from->address() != st.owner.address())
                ask_owner(self, [](caf::expected<bool>) {}, join_atom::value,
                          remote_member_list{st.as_remote(i->second.info)});
            }
            rp.deliver(true);
            return;
          }
          if (i != st.members.end() && !i->second.confirmed)
            remove_local(self, cid);
          rp.deliver(std::move(x.error()));
        },
        join_atom::value, st.as_remote(who));
      return rp;
    },
    [=](leave_atom, const std::string& cid) -> caf::result<bool> {
      auto& st = self->state;
      if (st.members.count(cid) == 0)
        return make_error(errc::not_subscribed, "not subscribed");
      remove_local(self, cid);
      auto rp = self->make_response_promise<bool>();
      // The leave stands whatever the owner answers.
      to_owner(self, [=](caf::expected<bool>) mutable { rp.deliver(true); },
               leave_atom::value, cid);
      return rp;
    },
    [=](publish_atom, sockd::publication& msg) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      to_owner(self, pass_on(rp), publish_atom::value, std::move(msg));
      return rp;
    },
    [=](post_atom, sockd::publication& msg) {
      // Asked of the owner like a publish; its answer only matters as a
      // refusal, which goes to the sender's socket (topic.hpp).
      auto sender = msg.sender;
      auto action = msg.action;
      to_owner(
        self,
        [=](caf::expected<bool> x) {
          auto& st = self->state;
          auto i = st.members.find(sender);
          if (x || i == st.members.end())
            return;
          i->second.info.out->send(
            make_frame(protocol::encode_error(refusal_of(
              x.error(), action, st.cfg.topic, std::nullopt))));
        },
        publish_atom::value, std::move(msg));
    },
    [=](members_atom, const std::string& requester) -> caf::result<bool> {
      auto rp = self->make_response_promise<bool>();
      to_owner(self, pass_on(rp), members_atom::value, requester);
      return rp;
    },
    [=](deliver_atom, std::string& frame) {
      self->state.send_to_members(make_frame(std::move(frame)));
    },
    [=](deliver_atom, const std::string& cid, std::string& frame) {
      auto& st = self->state;
      if (auto i = st.members.find(cid); i != st.members.end())
        i->second.info.out->send(make_frame(std::move(frame)));
    },
    [=](deliver_atom, const std::string& cid, string_list& backlog) {
      auto& st = self->state;
      auto i = st.members.find(cid);
      if (i == st.members.end())
        return;
      std::vector<frame_ptr> frames;
      frames.reserve(backlog.size());
      for (auto& frame : backlog)
        frames.push_back(make_frame(std::move(frame)));
      i->second.info.out->send_backlog(std::move(frames));
    },
    [=](hangup_atom, const std::string& cid, uint16_t code,
        std::string& reason) {
      auto& st = self->state;
      if (auto i = st.members.find(cid); i != st.members.end())
        i->second.info.out->close(code, std::move(reason));
    },
    [=](roster_atom, remote_member_list& added, const string_list& removed,
        bool snapshot) {
      auto& st = self->state;
      if (snapshot)
        st.roster.clear();
      for (auto& x : added)
        st.roster[x.cid] = std::move(x);
      for (auto& cid : removed)
        st.roster.erase(cid);
    },
    [=](rehome_atom, caf::actor& gateway, std::string& owner,
        const string_list& live) {
      attach(self, std::move(gateway), std::move(owner), live);
    },
    [=](retry_atom) {
      self->state.retry_scheduled = false;
      ask_directory(self);
    },
  };
}

} // namespace

relay_actor spawn_relay(caf::actor_system& sys, relay_config cfg) {
  return sys.spawn(relay_behavior, std::move(cfg));
}

} // namespace sockd::cluster
