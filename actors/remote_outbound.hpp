// A member behind a relay, as its owner topic holds it: frames and closes go
// to the relay (interfaces/topic.hpp: deliver, hangup), which owns the
// socket's real handle. A topic type written without the base topic turns a
// join(remote_member) into a member with remote_member_of and treats it like
// a local one.
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>

#include "interfaces/messages.hpp"
#include "interfaces/outbound.hpp"

namespace sockd {

class remote_outbound : public outbound {
public:
  remote_outbound(caf::actor relay, std::string cid);

  void send(frame_ptr frame) override;

  // One message for the whole backlog: the member's node feeds it to the
  // socket as it drains, so a board never closes a remote late joiner.
  void send_backlog(std::vector<frame_ptr> frames) override;

  void close(uint16_t code, std::string reason) override;

private:
  caf::actor relay_;
  std::string cid_;
};

/// The member a relay (`relay`, the sender of the join) stands in for;
/// its `conn` is the relay's address, so monitoring it watches the relay.
member remote_member_of(const caf::actor& relay, const remote_member& who);

} // namespace sockd
