// How a relay finds its topic's owner and follows it: it asks the
// directory, looks the topic up at the owner node's gateway, re-joins its
// members there in one message, and starts over when the owner dies or the
// directory re-homes the topic (the state diagram of cluster/relay.hpp).
#include <algorithm>
#include <set>

#include <caf/actor_cast.hpp>

#include "cluster/relay_state.hpp"
#include "protocol/frame.hpp"
#include "support/log.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::cluster::relay_detail {

namespace {

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
  log_warn("cluster: no owner reachable; closing the topic's sockets on "
           "this node",
           {{"topic", st.cfg.topic}});
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
      protocol::encode_left(st.cfg.topic, m.sub + ":" + i->first)));
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

} // namespace

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
  // The topic's owner moved to another node: a handover, as this node's
  // relay of the topic sees it.
  if (!st.owner_node.empty() && st.owner_node != owner_node)
    metrics::sockd.topic_handovers.inc();
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
        // Sound: the gateway hands out only topics its node's directory
        // spawned, and every topic_factory returns owner_topic_actor
        // (actors/topic_type.hpp), so the actor behind `handle` answers the
        // whole owner interface. The handle crossed as a plain caf::actor
        // because BASP carries untyped handles, and the directory's own
        // answer is the narrower topic_actor the connections use; the cast
        // restores the type the factory's signature already checked.
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

} // namespace sockd::cluster::relay_detail
