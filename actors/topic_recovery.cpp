// The subscribe ack, and for a SUBSCRIBE with `since` the replay before it
// (docs/protocol.md, "Recovery after reconnect"). A plain member gets the ack
// exactly as before positions existed. A positioned one gets the topic's
// position in it; with `since` of this epoch whose every later broadcast is
// still held, those broadcasts come first, each positioned, then the ack
// with `recovered:true` and the last one's offset; otherwise no replay and
// `recovered:false` with the current position. The replay and its ack leave
// as a backlog (outbound::send_backlog): a full buffer never closes a
// healthy socket as a slow consumer, and live broadcasts queued later go
// out after it, from the next offset on.
#include "actors/topic_state.hpp"

#include <algorithm>

#include "protocol/frame.hpp"

namespace sockd {

void topic_state::acknowledge(const member& who) {
  if (!who.recovery) {
    who.out->send(make_frame(
      protocol::encode_control(protocol::action::subscribe, ctx.topic)));
    return;
  }
  auto& want = *who.recovery;
  if (!want.has_since) {
    who.out->send(make_frame(protocol::encode_subscribed(
      ctx.topic, history.epoch(), history.offset(), std::nullopt)));
    return;
  }
  std::optional<std::vector<topic_history::held>> missed;
  if (want.epoch == history.epoch() && want.offset >= 0)
    missed = history.after(static_cast<uint64_t>(want.offset),
                           self->clock().now());
  if (!missed) {
    who.out->send(make_frame(protocol::encode_subscribed(
      ctx.topic, history.epoch(), history.offset(), false)));
    return;
  }
  std::vector<frame_ptr> frames;
  frames.reserve(missed->size() + 1);
  for (auto& x : *missed)
    frames.push_back(make_frame(
      protocol::encode_positioned(*x.frame, x.offset, history.epoch())));
  frames.push_back(make_frame(protocol::encode_subscribed(
    ctx.topic, history.epoch(), history.offset(), true)));
  who.out->send_backlog(std::move(frames));
}

// -- across owners -------------------------------------------------------------
//
// A new owner starts a new epoch. Relays that move here report the last
// position they received of the previous owner's epoch (join of moved
// members, remote_member::want), and stored rows carry the position they
// were broadcast at (stored_message::epoch/offset). A `since` of that
// epoch is recovered when every offset after it up to the epoch's end is a
// stored row (an unstored relay is lost with its owner) and every relay of
// this epoch is still held: the rows come first, positioned with their
// epoch, then this epoch's relays, then the ack with this epoch.

namespace {

// Earlier epochs remembered; a topic moves rarely.
constexpr size_t max_earlier = 8;

// The most rows of an earlier epoch one SUBSCRIBE may ask for.
constexpr uint64_t max_earlier_rows = 10000;

// Rows asked for beyond the reported end: stored relays a relay had not
// received yet when the owner died.
constexpr int64_t earlier_slack = 64;

} // namespace

void topic_state::note_earlier(const remote_member& moved) {
  auto& at = moved.want;
  if (!at.has_since || at.offset <= 0 || at.epoch == history.epoch())
    return;
  auto offset = static_cast<uint64_t>(at.offset);
  auto i = earlier.find(at.epoch);
  if (i != earlier.end()) {
    i->second = std::max(i->second, offset);
    return;
  }
  if (earlier.size() >= max_earlier)
    earlier.erase(earlier.begin());
  earlier.emplace(at.epoch, offset);
}

uint64_t topic_state::earlier_end(const member& who) const {
  if (!who.recovery || !who.recovery->has_since)
    return 0;
  auto& want = *who.recovery;
  auto i = earlier.find(want.epoch);
  if (i == earlier.end() || want.offset < 0
      || static_cast<uint64_t>(want.offset) > i->second
      || i->second - static_cast<uint64_t>(want.offset) > max_earlier_rows)
    return 0;
  return i->second;
}

int64_t topic_state::earlier_limit(const member& who, uint64_t end) {
  return static_cast<int64_t>(end) - who.recovery->offset + earlier_slack;
}

void topic_state::acknowledge_across(const member& who, uint64_t end,
                                     const std::optional<positioned_rows>& rows) {
  auto& want = *who.recovery;
  auto not_recovered = [&] {
    who.out->send(make_frame(protocol::encode_subscribed(
      ctx.topic, history.epoch(), history.offset(), false)));
  };
  if (!rows || static_cast<int64_t>(rows->size()) >= earlier_limit(who, end)) {
    not_recovered();
    return;
  }
  std::vector<frame_ptr> frames;
  auto next = static_cast<uint64_t>(want.offset) + 1;
  for (auto& row : *rows) {
    if (row.offset < 0 || static_cast<uint64_t>(row.offset) != next) {
      not_recovered(); // a gap: an unstored relay, lost with its owner
      return;
    }
    auto frame = protocol::encode_recovered(row.frame, next, want.epoch);
    if (frame.empty()) {
      not_recovered();
      return;
    }
    frames.push_back(make_frame(std::move(frame)));
    ++next;
  }
  auto mine = history.after(0, self->clock().now());
  if (next <= end || !mine) {
    not_recovered();
    return;
  }
  for (auto& x : *mine)
    frames.push_back(make_frame(
      protocol::encode_positioned(*x.frame, x.offset, history.epoch())));
  frames.push_back(make_frame(protocol::encode_subscribed(
    ctx.topic, history.epoch(), history.offset(), true)));
  who.out->send_backlog(std::move(frames));
}

} // namespace sockd
