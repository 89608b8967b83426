// The TLS stream of the listen port, in one place with the Asio SSL headers
// (only the files that speak TLS include it): the HTTP phase reads through
// it with the timeouts of beast::tcp_stream, and the WebSocket session
// takes it over after the upgrade (asio::ssl::stream is movable).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/beast.hpp"

namespace sockd::net {

namespace ssl = asio::ssl;

using tls_stream = ssl::stream<beast::tcp_stream>;

} // namespace sockd::net
