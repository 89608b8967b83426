// The base topic's room (what a hook sees and sends through), its members
// joining and leaving, and delivery. A broadcast's frame is encoded once and
// shared by every recipient; each local socket gets it queued (queue_to) and
// each relay gets one message, however many members it holds.
#include "actors/topic_state.hpp"

#include "actors/fanout_stats.hpp"
#include "support/sockd_metrics.hpp"
#include "interfaces/errors.hpp"
#include "protocol/frame.hpp"

namespace sockd {

topic_state::~topic_state() {
  flush_sockets();
}

void topic_state::flush_sockets() {
  flush_due = false;
  auto sockets = std::move(unflushed);
  unflushed.clear();
  for (auto& out : sockets)
    out->flush();
}

// -- topic_room ---------------------------------------------------------------

std::vector<const member*> topic_state::members() const {
  auto sorted = membership.sorted();
  std::vector<const member*> result;
  result.reserve(sorted.size());
  for (auto x : sorted)
    result.push_back(&x->info);
  return result;
}

void topic_state::send_to(const std::string& cid, frame_ptr frame) {
  if (auto m = find(cid))
    queue_to(m->out, std::move(frame));
}

void topic_state::send_backlog_to(const std::string& cid,
                                  std::vector<frame_ptr> frames) {
  // Behind what this topic queued on the socket (its flush starts the
  // write, or the backlog does when the socket was idle), ahead of what it
  // queues later.
  if (auto m = find(cid))
    m->out->send_backlog(std::move(frames));
}

void topic_state::send_to_all(frame_ptr frame) {
  for (auto& kvp : membership.by_cid())
    if (!kvp.second.relay)
      queue_to(kvp.second.info.out, frame);
  // One message per relay, however many members it holds.
  for (auto& kvp : membership.relays())
    caf::anon_send(kvp.second, deliver_atom::value, *frame);
}

void topic_state::broadcast(const frame_ptr& frame, uint64_t offset) {
  if (positioned == 0) {
    for (auto& kvp : membership.by_cid())
      if (!kvp.second.relay)
        queue_to(kvp.second.info.out, frame);
  } else {
    auto with_position = make_frame(
      protocol::encode_positioned(*frame, offset, history.epoch()));
    for (auto& kvp : membership.by_cid())
      if (!kvp.second.relay)
        queue_to(kvp.second.info.out,
                 kvp.second.info.recovery ? with_position : frame);
  }
  // The position travels as two numbers: no allocation per relay.
  for (auto& kvp : membership.relays())
    caf::anon_send(kvp.second, deliver_atom::value, *frame,
                   history.epoch_bits(), offset);
}

// -- members ------------------------------------------------------------------

const joined_member& topic_state::add(member who, caf::actor relay,
                                      std::string node) {
  if (who.recovery && !relay)
    ++positioned;
  auto result = membership.add(std::move(who), std::move(relay),
                               std::move(node));
  if (result.watch)
    self->monitor(result.entry.info.conn);
  return result.entry;
}

void topic_state::remove(const std::string& cid, bool moved) {
  auto was = membership.find(cid);
  bool local = was && !was->relay;
  auto out = membership.remove(cid);
  if (!out)
    return;
  auto& gone = out->gone;
  if (gone.recovery && local)
    --positioned;
  if (out->unwatch)
    self->demonitor(gone.conn);
  if (!moved)
    send_to_all(make_frame(
      protocol::encode_left(ctx.topic, gone.sub + ":" + gone.cid)));
  hooks->left(*this, gone);
  if (!moved)
    announce({}, string_list{cid});
}

void topic_state::announce(const remote_member_list& added,
                           const string_list& removed,
                           const caf::actor& fresh) {
  auto& relays = membership.relays();
  if (relays.empty())
    return;
  for (auto& kvp : relays) {
    if (fresh && kvp.second == fresh) {
      remote_member_list all;
      for (auto m : membership.sorted())
        all.push_back(remote_member{m->info.cid, m->info.sub, m->node});
      caf::anon_send(kvp.second, roster_atom::value, std::move(all),
                     string_list{}, true);
    } else if (!added.empty() || !removed.empty()) {
      caf::anon_send(kvp.second, roster_atom::value, added, removed, false);
    }
  }
}

// -- delivery -----------------------------------------------------------------

caf::error topic_state::check(const publication& msg, delivery& route) {
  // The backend API publishes as "server" (no connection id is): it
  // needs no membership, and names no target (net/admin_api.cpp).
  if (msg.sender != server_sender && !membership.contains(msg.sender))
    return make_error(errc::not_subscribed, "not subscribed");
  if (auto reason = hooks->refuse(msg); !reason.empty())
    return make_error(errc::bad_frame, std::move(reason));
  route = hooks->route(msg);
  if (route != delivery::everyone && route != delivery::drop
      && !membership.contains(msg.target))
    return make_error(errc::bad_target,
                      "target is not a connection in this topic");
  return caf::none;
}

void topic_state::deliver(const outgoing& x) {
  metrics::sockd.relayed.inc();
  size_t cross_node = 0;
  switch (x.route) {
    case delivery::everyone: {
      // Only broadcasts to everyone get a position: a targeted relay is not
      // everyone's to replay.
      auto now = self->clock().now();
      broadcast(x.frame, x.offset != 0 ? history.record(x.offset, x.frame, now)
                                       : history.record(x.frame, now));
      for (auto& kvp : membership.relays())
        cross_node += on_other_node(kvp.second) ? 1 : 0;
      break;
    }
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
  if (!membership.relays().empty())
    record_fanout(cross_node);
  hooks->published(*this, x.msg, x.frame);
}

void topic_state::release_ready() {
  while (!pending.empty() && pending.front().state != outgoing::waiting) {
    auto& x = pending.front();
    if (x.state == outgoing::ready) {
      deliver(x);
      x.promise.deliver(true);
    } else if (x.offset != 0) {
      // Its offset was taken (and written with a row that may exist, for
      // a retry): a gap in the positions, never another relay's.
      history.skip(x.offset, self->clock().now());
    }
    pending.pop_front();
  }
}

} // namespace sockd
