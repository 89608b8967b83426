#include "actors/remote_outbound.hpp"

#include <caf/send.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

remote_outbound::remote_outbound(caf::actor relay, std::string cid)
  : relay_(std::move(relay)), cid_(std::move(cid)) {
  // nop
}

void remote_outbound::send(frame_ptr frame) {
  caf::anon_send(relay_, deliver_atom::value, cid_, *frame);
}

void remote_outbound::send_backlog(std::vector<frame_ptr> frames) {
  string_list texts;
  texts.reserve(frames.size());
  for (auto& frame : frames)
    texts.push_back(*frame);
  caf::anon_send(relay_, deliver_atom::value, cid_, std::move(texts));
}

void remote_outbound::close(uint16_t code, std::string reason) {
  caf::anon_send(relay_, hangup_atom::value, cid_, code, std::move(reason));
}

member remote_member_of(const caf::actor& relay, const remote_member& who) {
  member result{who.cid, who.sub, relay.address(),
                std::make_shared<remote_outbound>(relay, who.cid)};
  if (who.positioned)
    result.recovery = std::make_shared<const recovery_request>(who.want);
  return result;
}

} // namespace sockd
