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

} // namespace sockd
