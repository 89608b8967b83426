// One place that decides which socket errors are worth a log line.
#pragma once

#include <string_view>

#include "net/beast.hpp"

namespace sockd::net {

/// True for the errors every socket ends with sooner or later: cancelled
/// operations, an orderly WebSocket close, end of stream, a peer that
/// reset the connection or left while we wrote.
bool expected_error(const beast::error_code& ec);

/// Logs `ec` as a socket error of operation `what`, unless it is expected.
void fail(const beast::error_code& ec, std::string_view what);

} // namespace sockd::net
