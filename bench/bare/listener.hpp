// Accepts connections, each on its own strand, and hands them to an
// http_session.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

#include "bare/http_session.hpp"

namespace bench::bare {

class listener : public std::enable_shared_from_this<listener> {
public:
  listener(boost::asio::io_context& ioc, boost::asio::ip::tcp::endpoint ep,
           hub& h, const server_config& cfg);

  void run();

private:
  void do_accept();
  void on_accept(boost::beast::error_code ec,
                 boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  hub& hub_;
  const server_config& cfg_;
};

} // namespace bench::bare
