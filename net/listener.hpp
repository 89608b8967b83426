// Accepts TCP connections on the listen address and starts an http_session
// for each, on a strand of its own. A connection over `max_connections`
// open sockets, or over `max_pending_per_address` sockets of its address
// not yet upgraded, is closed at once (net/socket_limits.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "net/accept_loop.hpp"
#include "net/beast.hpp"
#include "net/socket_limits.hpp"

namespace sockd::net {

struct server_state;

class listener : public accept_loop {
public:
  explicit listener(std::shared_ptr<server_state> st);

private:
  void on_socket(tcp::socket socket) override;
  void refused(socket_limits::verdict why);

  std::shared_ptr<server_state> state_;
  // Sockets closed at accept since the last log line (one a second).
  uint64_t refused_full_ = 0;
  uint64_t refused_address_ = 0;
  uint64_t refused_pending_ = 0;
  std::chrono::steady_clock::time_point refused_logged_{};
};

/// Resolves `host:port` (an IP literal, `[v6]` or a name) to an endpoint.
bool resolve_listen(const std::string& host, uint16_t port,
                    tcp::endpoint& endpoint, std::string& error);

/// `127.0.0.1:8080` or `[::1]:8080`.
std::string endpoint_string(const tcp::endpoint& endpoint);

} // namespace sockd::net
