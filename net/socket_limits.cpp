#include "net/socket_limits.hpp"

#include <utility>

#include "support/sockd_metrics.hpp"

namespace sockd::net {

open_token& open_token::operator=(open_token&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void open_token::release() {
  if (auto owner = std::exchange(owner_, nullptr))
    owner->close_one();
}

pending_token& pending_token::operator=(pending_token&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    address_ = other.address_;
  }
  return *this;
}

void pending_token::release() {
  if (auto owner = std::exchange(owner_, nullptr))
    owner->upgraded(address_);
}

socket_limits::socket_limits(int64_t max_open, int64_t max_pending,
                             int max_pending_per_address)
  : max_open_(max_open),
    max_pending_total_(max_pending),
    max_pending_(max_pending_per_address) {
  // nop
}

socket_limits::verdict socket_limits::admit(const asio::ip::address& address,
                                            open_token& open,
                                            pending_token& pending) {
  auto addr = client_address(address);
  std::lock_guard<std::mutex> guard{mtx_};
  if (open_ >= max_open_)
    return verdict::full;
  if (pending_total_ >= max_pending_total_)
    return verdict::pending_full;
  auto& count = pending_[addr];
  if (count >= max_pending_) {
    // count > 0 here: the entry existed and stays.
    return verdict::address_full;
  }
  ++count;
  ++pending_total_;
  ++open_;
  metrics::sockd.open_sockets.add();
  open = open_token{this};
  pending = pending_token{this, addr};
  return verdict::ok;
}

int64_t socket_limits::open() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return open_;
}

int64_t socket_limits::pending() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pending_total_;
}

int socket_limits::pending(const asio::ip::address& address) const {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = pending_.find(client_address(address));
  return i == pending_.end() ? 0 : i->second;
}

void socket_limits::close_one() {
  std::lock_guard<std::mutex> guard{mtx_};
  --open_;
  metrics::sockd.open_sockets.sub();
}

void socket_limits::upgraded(const asio::ip::address& address) {
  std::lock_guard<std::mutex> guard{mtx_};
  --pending_total_;
  auto i = pending_.find(address);
  if (i != pending_.end() && --i->second <= 0)
    pending_.erase(i);
}

asio::ip::address client_address(const asio::ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped())
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  return address;
}

} // namespace sockd::net
