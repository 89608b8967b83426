// The load generator's socket plumbing: many loopback sources so the kernel's
// ephemeral port search stays cheap, a close that leaves no TIME_WAIT, and
// a short stable name for each socket error (the key of the error counts).
#pragma once

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>

namespace bench {

/// Opens `socket` on one of 64 loopback source addresses when `target` is
/// IPv4 loopback; otherwise leaves it for connect to open.
void open_spread(boost::asio::ip::tcp::socket& socket,
                 const boost::asio::ip::tcp::endpoint& target, uint32_t index);

/// Closes `socket` at once with RST (linger 0), if it is open.
void drop(boost::asio::ip::tcp::socket& socket);

/// "<step>:<what>", e.g. "connect:refused".
std::string describe(const char* step, const boost::beast::error_code& ec);

} // namespace bench
