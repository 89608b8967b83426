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

void socket_outbound::send_backlog(std::vector<frame_ptr> frames) {
  if (auto session = session_.lock())
    session->send_backlog(std::move(frames));
}

void socket_outbound::frame_done(size_t capacity) {
  if (auto session = session_.lock())
    session->frame_done(capacity);
}

void socket_outbound::close(uint16_t code, std::string reason) {
  if (auto session = session_.lock())
    session->close(code, std::move(reason));
}

} // namespace sockd::net
