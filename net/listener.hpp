// Accepts TCP connections on the listen address and starts an http_session
// for each, on a strand of its own.
#pragma once

#include <memory>
#include <string>

#include "net/beast.hpp"

namespace sockd::net {

struct server_state;

class listener : public std::enable_shared_from_this<listener> {
public:
  explicit listener(std::shared_ptr<server_state> st);

  /// Opens, binds (reuse_address) and listens; false with `error` set on
  /// failure.
  bool open(const tcp::endpoint& endpoint, std::string& error);

  /// The bound address (the real port when port 0 was asked for).
  tcp::endpoint local_endpoint() const;

  void run();

  /// Stops accepting; thread-safe.
  void stop();

private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);
  void on_backoff(beast::error_code ec);

  std::shared_ptr<server_state> state_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  bool stopped_ = false;
};

/// Resolves `host:port` (an IP literal, `[v6]` or a name) to an endpoint.
bool resolve_listen(const std::string& host, uint16_t port,
                    tcp::endpoint& endpoint, std::string& error);

/// `127.0.0.1:8080` or `[::1]:8080`.
std::string endpoint_string(const tcp::endpoint& endpoint);

} // namespace sockd::net
