// Accepts TCP connections on admin_listen and starts an admin_session for
// each, on a strand of its own. Kept apart from net/listener.hpp: the
// public caps (max_connections, max_pending_per_address) and TLS are the
// public port's, and the admin address never upgrades to WebSocket.
#pragma once

#include <memory>
#include <string>

#include "net/beast.hpp"

namespace sockd::net {

struct server_state;

class admin_listener : public std::enable_shared_from_this<admin_listener> {
public:
  explicit admin_listener(std::shared_ptr<server_state> st);

  /// Opens, binds and listens; false with `error` naming admin_listen.
  bool open(const tcp::endpoint& endpoint, std::string& error);

  tcp::endpoint local_endpoint() const;

  void run();

  /// Stops accepting; thread-safe.
  void stop();

private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  std::shared_ptr<server_state> state_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  bool stopped_ = false;
};

} // namespace sockd::net
