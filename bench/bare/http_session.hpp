// Plain HTTP on one connection: `GET /ticket` answers any caller with a
// fresh ticket (the bare server checks nothing), `GET /sock` upgrades to a
// WebSocket session of the configured kind. Keep-alive is honoured.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bare/hub.hpp"

namespace bench::bare {

struct server_config {
  bool coalesce = true;
  size_t max_queued_bytes = 1 << 20;
};

class http_session : public std::enable_shared_from_this<http_session> {
public:
  http_session(boost::beast::tcp_stream&& stream, hub& h,
               const server_config& cfg);

  void run();

private:
  using request = boost::beast::http::request<boost::beast::http::string_body>;

  void do_read();
  void on_read(boost::beast::error_code ec, size_t n);
  void upgrade(request req);
  void on_write(bool keep_alive, boost::beast::error_code ec, size_t n);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<
    boost::beast::http::string_body>>
    parser_;
  std::shared_ptr<boost::beast::http::response<
    boost::beast::http::string_body>>
    response_;
  hub& hub_;
  const server_config& cfg_;
};

} // namespace bench::bare
