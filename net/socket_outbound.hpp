// The actors' handle on a socket (actors/outbound.hpp): a weak reference
// to the websocket_session, so a connection actor never keeps a dead socket
// alive. Calls post to the session's strand and return at once.
#pragma once

#include <memory>

#include "interfaces/outbound.hpp"

namespace sockd::net {

class websocket_session;

class socket_outbound final : public outbound {
public:
  explicit socket_outbound(std::weak_ptr<websocket_session> session);

  void send(frame_ptr frame) override;
  bool queue(frame_ptr frame) override;
  void flush() override;
  void send_backlog(std::vector<frame_ptr> frames) override;
  void close(uint16_t code, std::string reason) override;
  void frame_done(size_t capacity) override;

private:
  std::weak_ptr<websocket_session> session_;
};

} // namespace sockd::net
