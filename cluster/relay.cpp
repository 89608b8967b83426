#include "cluster/relay.hpp"

#include <caf/actor_cast.hpp>

#include "actors/topic_history.hpp"
#include "cluster/relay_state.hpp"
#include "interfaces/refusal.hpp"
#include "protocol/frame.hpp"

namespace sockd::cluster {

namespace relay_detail {

void relay_state::send_to_members(const frame_ptr& frame, uint64_t epoch,
                                  uint64_t offset) {
  if (epoch != last_epoch) {
    last_epoch = epoch;
    epoch_spelled.clear();
  }
  last_offset = offset;
  if (positioned == 0) {
    send_to_members(frame);
    return;
  }
  if (epoch_spelled.empty())
    epoch_spelled = epoch_text(epoch);
  auto with_position = make_frame(
    protocol::encode_positioned(*frame, offset, epoch_spelled));
  for (auto& kvp : members)
    if (kvp.second.confirmed)
      kvp.second.info.out->send(kvp.second.info.recovery ? with_position
                                                         : frame);
}

void stop_when_idle(relay_pointer self) {
  auto& st = self->state;
  if (st.members.empty() && st.queue.empty() && st.in_flight.empty())
    self->quit();
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

} // namespace relay_detail

namespace {

using namespace relay_detail;

void remove_local(relay_pointer self, const std::string& cid) {
  auto& st = self->state;
  auto i = st.members.find(cid);
  if (i == st.members.end())
    return;
  self->demonitor(i->second.info.conn);
  st.cid_by_conn.erase(i->second.info.conn);
  if (i->second.info.recovery)
    --st.positioned;
  st.members.erase(i);
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
        if (who.recovery)
          ++st.positioned;
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
    [=](presence_atom) -> caf::result<remote_member_list> {
      // The owner knows every node's members; a relay between owners has
      // no one to ask.
      auto& st = self->state;
      if (!st.attached)
        return make_error(errc::unavailable,
                          "the topic's owner is unreachable right now");
      return self->delegate(st.owner, presence_atom::value);
    },
    [=](deliver_atom, std::string& frame) {
      self->state.send_to_members(make_frame(std::move(frame)));
    },
    [=](deliver_atom, std::string& frame, uint64_t epoch, uint64_t offset) {
      self->state.send_to_members(make_frame(std::move(frame)), epoch,
                                  offset);
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
        st.roster[x.cid] = {std::move(x.sub), std::move(x.node)};
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
