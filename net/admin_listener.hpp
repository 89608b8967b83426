// Accepts TCP connections on admin_listen and starts an admin_session for
// each, at most admin_max_connections at a time: one more is answered
// 503 `server_full` and closed, so a client that reaches the admin address
// cannot hold an unbounded number of sockets there. Kept apart from
// net/listener.hpp: the public caps (max_connections,
// max_pending_per_address) and TLS are the public port's, and the admin
// address never upgrades to WebSocket.
#pragma once

#include <atomic>
#include <memory>

#include "net/accept_loop.hpp"

namespace sockd::net {

struct server_state;

class admin_listener : public accept_loop {
public:
  explicit admin_listener(std::shared_ptr<server_state> st);

private:
  void on_socket(tcp::socket socket) override;

  std::shared_ptr<server_state> state_;
  // Admin sessions alive; each holds a share and gives its count back
  // when it ends (net/admin_session.hpp).
  std::shared_ptr<std::atomic<size_t>> open_;
};

} // namespace sockd::net
