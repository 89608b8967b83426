#include "net/socket_outbound.hpp"

#include <utility>

#include "net/websocket_session.hpp"

namespace sockd::net {

socket_outbound::socket_outbound(std::weak_ptr<websocket_session> session)
  : session_(std::move(session)) {
  // nop
}

void socket_outbound::send(frame_ptr frame) {
  if (auto session = session_.lock())
    session->send(std::move(frame));
}

bool socket_outbound::queue(frame_ptr frame) {
  if (auto session = session_.lock())
    return session->queue(std::move(frame));
  return false;
}

void socket_outbound::flush() {
  if (auto session = session_.lock())
    session->flush();
}

void socket_outbound::close(uint16_t code, std::string reason) {
  if (auto session = session_.lock())
    session->close(code, std::move(reason));
}

} // namespace sockd::net
