// Joining the base topic (actors/topic.cpp's handlers call these): the
// allowance, then the member and its ack; members of other nodes through
// their relay; members that moved here with their relay. A SUBSCRIBE with
// `since` of the previous owner's epoch waits for its stored rows
// (actors/topic_recovery.cpp).
#include <optional>

#include <caf/actor_cast.hpp>

#include "actors/remote_outbound.hpp"
#include "actors/topic_state.hpp"
#include "interfaces/errors.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd {

namespace {

// The relay that sent the current message, or null.
caf::actor sending_relay(topic_pointer self) {
  return caf::actor_cast<caf::actor>(self->current_sender());
}

// -- joining ------------------------------------------------------------------

// Sends `who` its ack: `end` is the end of the earlier epoch its `since`
// names (0: none), `rows` what the database holds of it.
void acknowledge(topic_state& st, const member& who, uint64_t end,
                 const std::optional<positioned_rows>& rows) {
  if (end == 0)
    st.acknowledge(who);
  else
    st.acknowledge_across(who, end, rows);
}

// `who` joins, unless it did meanwhile (then it only gets a second ack).
void admit_now(topic_pointer self, member who, caf::actor relay,
               std::string node, uint64_t end,
               const std::optional<positioned_rows>& rows) {
  auto& st = self->state;
  if (st.membership.contains(who.cid)) {
    acknowledge(st, who, end, rows);
    return;
  }
  bool fresh = relay && !st.membership.has_relay(relay.address());
  auto& m = st.add(std::move(who), relay, std::move(node));
  acknowledge(st, m.info, end, rows);
  st.hooks->joined(st, m.info);
  if (relay)
    st.announce({remote_member{m.info.cid, m.info.sub, m.node}}, {},
                fresh ? relay : caf::actor{});
}

// The allowance is in. A `since` of the previous owner's epoch needs its
// stored rows first: the member joins once they are read, so that nothing
// broadcast meanwhile reaches it before its replay (topic_recovery.cpp).
void admit(topic_pointer self, member who, caf::actor relay,
           std::string node) {
  auto& st = self->state;
  auto end = st.earlier_end(who);
  if (end == 0 || static_cast<uint64_t>(who.recovery->offset) == end) {
    admit_now(self, std::move(who), std::move(relay), std::move(node), end,
              positioned_rows{});
    return;
  }
  ++st.pending_joins;
  auto& c = st.ctx;
  auto limit = topic_state::earlier_limit(who, end);
  auto epoch = who.recovery->epoch;
  auto after = who.recovery->offset;
  self->request(c.db, c.db_timeout, positions_atom::value, c.topic, epoch,
                after, limit)
    .then(
      [=](positioned_rows& rows) mutable {
        --self->state.pending_joins;
        admit_now(self, std::move(who), std::move(relay), std::move(node),
                  end, std::move(rows));
        stop_when_idle(self);
      },
      [=](caf::error&) mutable {
        --self->state.pending_joins;
        admit_now(self, std::move(who), std::move(relay), std::move(node),
                  end, std::nullopt);
        stop_when_idle(self);
      });
}

// A member joins after the type's allowance; `relay` is null for a local
// connection, else the relay holding the member's socket on `node`.
caf::result<bool> join(topic_pointer self, member who, caf::actor relay,
                       std::string node) {
  auto& st = self->state;
  if (st.membership.contains(who.cid)) {
    // Subscribing twice is harmless: one membership, a second ack.
    st.acknowledge(who);
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
        if (allowed) {
          metrics::sockd.subscribe(metrics::subscribe_result::allowed);
          admit(self, std::move(who), std::move(relay), std::move(node));
          rp.deliver(true);
        } else {
          metrics::sockd.subscribe(metrics::subscribe_result::forbidden);
          rp.deliver(
            make_error(errc::forbidden, "not allowed to join " + st.ctx.topic));
        }
        stop_when_idle(self);
      },
      [=](caf::error& err) mutable {
        --self->state.pending_joins;
        metrics::sockd.subscribe(metrics::subscribe_result::unavailable);
        rp.deliver(make_error(errc::unavailable,
                              "allowance check failed: "
                                + self->system().render(err)));
        stop_when_idle(self);
      });
  return rp;
}

} // namespace

caf::result<bool> join_local(topic_pointer self, member& who) {
  return join(self, std::move(who), caf::actor{}, std::string{});
}

// A member of another node, joining through the relay that sent this.
caf::result<bool> join_remote(topic_pointer self, remote_member& who) {
  auto relay = sending_relay(self);
  if (!relay)
    return make_error(errc::internal, "a remote member needs its relay");
  auto m = remote_member_of(relay, who);
  return join(self, std::move(m), std::move(relay), std::move(who.node));
}

// Members that moved here with their relay (a new owner after a node
// change): allowed and acked before, so they join without either.
caf::result<bool> join_moved(topic_pointer self, remote_member_list& moved) {
  auto relay = sending_relay(self);
  if (!relay)
    return make_error(errc::internal, "remote members need their relay");
  auto& st = self->state;
  bool fresh = !st.membership.has_relay(relay.address());
  remote_member_list added;
  for (auto& who : moved) {
    st.note_earlier(who);
    if (st.membership.contains(who.cid))
      continue;
    st.add(remote_member_of(relay, who), relay, who.node);
    added.push_back(std::move(who));
  }
  if (!added.empty())
    st.announce(added, {}, fresh ? relay : caf::actor{});
  stop_when_idle(self);
  return true;
}

} // namespace sockd
