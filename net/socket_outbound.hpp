// The actors' handle on a socket (actors/outbound.hpp): a weak reference
// to the websocket_session, so a connection actor never keeps a dead socket
// alive. Calls post to the session's strand and return at once. A template
// over the session's transport (plain or TLS), so the call that is virtual
// anyway (outbound) is the only indirection on the way to the socket.
#pragma once

#include <memory>
#include <utility>

#include "interfaces/outbound.hpp"

namespace sockd::net {

template <class Session>
class socket_outbound final : public outbound {
public:
  explicit socket_outbound(std::weak_ptr<Session> session)
    : session_(std::move(session)) {
    // nop
  }

  void send(frame_ptr frame) override {
    if (auto session = session_.lock())
      session->send(std::move(frame));
  }

  bool queue(frame_ptr frame) override {
    if (auto session = session_.lock())
      return session->queue(std::move(frame));
    return false;
  }

  void flush() override {
    if (auto session = session_.lock())
      session->flush();
  }

  void send_backlog(std::vector<frame_ptr> frames) override {
    if (auto session = session_.lock())
      session->send_backlog(std::move(frames));
  }

  void close(uint16_t code, std::string reason) override {
    if (auto session = session_.lock())
      session->close(code, std::move(reason));
  }

  void frame_done(size_t capacity) override {
    if (auto session = session_.lock())
      session->frame_done(capacity);
  }

private:
  std::weak_ptr<Session> session_;
};

} // namespace sockd::net
