#include "net/fail.hpp"

#include <string>

#include "support/log.hpp"

namespace sockd::net {

bool expected_error(const beast::error_code& ec) {
  return ec == asio::error::operation_aborted
         || ec == websocket::error::closed || ec == http::error::end_of_stream
         || ec == asio::error::eof || ec == asio::error::connection_reset
         || ec == asio::error::broken_pipe;
}

void fail(const beast::error_code& ec, std::string_view what) {
  if (!ec || expected_error(ec))
    return;
  std::string line = "socket error: ";
  line += what;
  line += ": ";
  line += ec.message();
  log_warn(line);
}

} // namespace sockd::net
