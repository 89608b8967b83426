// The caps on TCP connections before their upgrade (docs/security.md):
// `max_pending_connections` sockets of the node and `max_pending_per_address`
// sockets of one client address that are not upgraded yet, and so at most
// `max_connections + max_pending_connections` open sockets in all (upgraded
// ones are capped at `max_connections` by the upgrade gate, 503). The listener asks at accept; a refused socket is closed at
// once. What it grants is held as tokens that give their place back when
// dropped: `open_token` for the socket's whole life (http_session, then
// websocket_session), `pending_token` until the upgrade is granted.
#pragma once

#include <cstdint>
#include <mutex>
#include <unordered_map>

#include "net/beast.hpp"

namespace sockd::net {

class socket_limits;

/// One open socket, counted until dropped or released.
class open_token {
public:
  open_token() = default;
  explicit open_token(socket_limits* owner) : owner_(owner) {
  }
  open_token(open_token&& other) noexcept : owner_(other.owner_) {
    other.owner_ = nullptr;
  }
  open_token& operator=(open_token&& other) noexcept;
  ~open_token() {
    release();
  }

  void release();

  explicit operator bool() const {
    return owner_ != nullptr;
  }

private:
  socket_limits* owner_ = nullptr;
};

/// One socket of `address` not upgraded yet.
class pending_token {
public:
  pending_token() = default;
  pending_token(socket_limits* owner, asio::ip::address address)
    : owner_(owner), address_(address) {
  }
  pending_token(pending_token&& other) noexcept
    : owner_(other.owner_), address_(other.address_) {
    other.owner_ = nullptr;
  }
  pending_token& operator=(pending_token&& other) noexcept;
  ~pending_token() {
    release();
  }

  void release();

private:
  socket_limits* owner_ = nullptr;
  asio::ip::address address_;
};

class socket_limits {
public:
  socket_limits(int64_t max_open, int64_t max_pending,
                int max_pending_per_address);

  enum class verdict { ok, full, pending_full, address_full };

  /// Counts a new socket from `address`; on `ok` the tokens hold its
  /// places. Thread-safe.
  verdict admit(const asio::ip::address& address, open_token& open,
                pending_token& pending);

  int64_t open() const;
  int64_t pending() const;
  int pending(const asio::ip::address& address) const;

private:
  friend class open_token;
  friend class pending_token;
  void close_one();
  void upgraded(const asio::ip::address& address);

  mutable std::mutex mtx_;
  int64_t max_open_;
  int64_t max_pending_total_;
  int max_pending_;
  int64_t open_ = 0;
  int64_t pending_total_ = 0;
  std::unordered_map<asio::ip::address, int> pending_;
};

/// The address a client is counted by: an IPv4-mapped IPv6 address as the
/// IPv4 address it is.
asio::ip::address client_address(const asio::ip::address& address);

} // namespace sockd::net
