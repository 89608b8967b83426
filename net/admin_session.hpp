// One connection to the admin address (admin_listen): plain HTTP with
// keep-alive, requests answered in order through the admin router. No
// WebSocket, no TLS, no CORS; the public listener's caps do not apply (the
// address is the operator's, loopback by default), but a request still
// has header and body limits and an idle connection a timeout.
#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "net/beast.hpp"
#include "net/http_reply.hpp"
#include "net/session_registry.hpp"

namespace sockd::net {

struct server_state;

class admin_session : public stoppable,
                      public std::enable_shared_from_this<admin_session> {
public:
  /// Counts itself in `open` while it lives (admin_listener's cap).
  admin_session(tcp::socket&& socket, std::shared_ptr<server_state> st,
                std::shared_ptr<std::atomic<size_t>> open);
  ~admin_session() override;

  void run();
  void stop(bool force) override;

private:
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void do_write(response res);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void do_close();
  responder make_responder();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<server_state> state_;
  response res_;
  uint64_t id_ = 0;
  std::shared_ptr<std::atomic<size_t>> open_;
};

} // namespace sockd::net
