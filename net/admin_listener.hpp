// Accepts TCP connections on admin_listen and starts an admin_session for
// each. Kept apart from net/listener.hpp: the public caps
// (max_connections, max_pending_per_address) and TLS are the public
// port's, and the admin address never upgrades to WebSocket.
#pragma once

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
};

} // namespace sockd::net
