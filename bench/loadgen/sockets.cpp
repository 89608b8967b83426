#include "loadgen/sockets.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>

namespace bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// A short, stable name for an error, used as a key of the error counts.
std::string describe(const char* step, const beast::error_code& ec) {
  std::string what;
  if (ec == net::error::connection_refused)
    what = "refused";
  else if (ec == net::error::connection_reset)
    what = "reset";
  else if (ec == net::error::eof || ec == http::error::end_of_stream
           || ec == net::ssl::error::stream_truncated) // no close_notify
    what = "eof";
  else if (ec == net::error::timed_out)
    what = "timed_out";
  else if (ec == net::error::broken_pipe)
    what = "broken_pipe";
  else
    what = ec.message();
  return std::string{step} + ":" + what;
}

// Opens `socket` on one of 64 loopback source addresses (127.0.0.2-65)
// when the target is IPv4 loopback. With thousands of connections to one
// address and port, the kernel's search for a free ephemeral port
// (__inet_hash_connect) otherwise dominates the load generator's CPU;
// spread over 64 sources, each port space stays sparse.
void open_spread(tcp::socket& socket, const tcp::endpoint& target,
                 uint32_t index) {
  beast::error_code ec;
  if (!target.address().is_v4() || !target.address().is_loopback())
    return;
  socket.open(tcp::v4(), ec);
  if (ec)
    return;
  int one = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT,
               &one, sizeof(one));
  auto source = net::ip::make_address_v4((127u << 24) | (2 + index % 64));
  socket.bind({source, 0}, ec);
  if (ec) {
    // Fall back to the kernel's choice of source.
    beast::error_code ignored;
    socket.close(ignored);
  }
}

void drop(tcp::socket& socket) {
  if (!socket.is_open())
    return;
  beast::error_code ignored;
  // Linger 0: close with RST and leave no TIME_WAIT behind, so that
  // repeated runs do not exhaust the ephemeral ports.
  socket.set_option(net::socket_base::linger(true, 0), ignored);
  socket.close(ignored);
}

} // namespace bench
