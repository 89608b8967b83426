#include "bare/listener.hpp"

#include <cstdio>

#include <boost/asio/strand.hpp>

namespace bench::bare {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(net::io_context& ioc, tcp::endpoint ep, hub& h,
                   const server_config& cfg)
  : ioc_(ioc), acceptor_(net::make_strand(ioc)), hub_(h), cfg_(cfg) {
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::run() {
  do_accept();
}

void listener::do_accept() {
  auto self = shared_from_this();
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self](beast::error_code ec, tcp::socket socket) {
                           self->on_accept(ec, std::move(socket));
                         });
}

void listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    // Out of descriptors or similar: say so and keep accepting.
    if (ec == net::error::operation_aborted)
      return;
    std::fprintf(stderr, "bare_beast_server: accept: %s\n",
                 ec.message().c_str());
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay{true}, ignored);
    std::make_shared<http_session>(beast::tcp_stream{std::move(socket)}, hub_,
                                   cfg_)
      ->run();
  }
  do_accept();
}

} // namespace bench::bare
