// One accepted TCP connection while it speaks plain HTTP: reads requests
// (8 KiB of headers, 64 KiB of body), answers them through the router in
// order, and hands the socket to a websocket_session when a /sock upgrade
// passes the gate. The whole HTTP phase has `handshake_timeout` from
// accept: a request (or an upgrade) not complete by then, or an idle
// keep-alive connection, is closed without an answer. Until the upgrade is
// granted the socket counts as pending for its address; it counts as open
// until it closes (net/socket_limits.hpp).
//
// A template over its stream: beast::tcp_stream (plain HTTP) or the TLS
// stream of the listen port (net/tls_stream.hpp), whose handshake comes
// first and counts against the same deadline. The WebSocket session takes
// the socket (plain) or the whole TLS stream (TLS) over.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "net/beast.hpp"
#include "net/http_reply.hpp"
#include "net/session_registry.hpp"
#include "net/socket_limits.hpp"
#include "net/upgrade_gate.hpp"

namespace sockd::net {

struct server_state;

template <class Stream>
class http_session : public stoppable,
                     public std::enable_shared_from_this<http_session<Stream>> {
public:
  using std::enable_shared_from_this<http_session>::shared_from_this;
  using std::enable_shared_from_this<http_session>::weak_from_this;

  http_session(Stream&& stream, std::shared_ptr<server_state> st,
               open_token open, pending_token pending);
  ~http_session() override;

  void run();
  void stop(bool force) override;

private:
  static constexpr bool tls = !std::is_same_v<Stream, beast::tcp_stream>;

  // The TCP layer: timeouts, shutdown, close.
  beast::tcp_stream& tcp_layer() {
    return beast::get_lowest_layer(stream_);
  }

  void on_handshake(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_bad_request(const beast::error_code& ec);
  void do_upgrade(request req);
  void on_grant(upgrade_grant grant, const std::shared_ptr<request>& req);
  void do_write(response res);
  void on_write(bool close, beast::error_code ec, std::size_t bytes);
  void do_close();

  /// A responder that posts the answer back to this session's strand and
  /// keeps the io_context running until it does.
  responder make_responder();

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<server_state> state_;
  response res_;
  std::string peer_;
  open_token open_;
  pending_token pending_;
  std::chrono::steady_clock::time_point deadline_; // accept + handshake
  uint64_t id_ = 0;
};

using plain_http_session = http_session<beast::tcp_stream>;

} // namespace sockd::net
