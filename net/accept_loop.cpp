#include "net/accept_loop.hpp"

#include <chrono>

#include "net/fail.hpp"
#include "net/listener.hpp"

namespace sockd::net {

namespace {

constexpr auto accept_backoff = std::chrono::milliseconds(100);

} // namespace

accept_loop::accept_loop(asio::io_context& ioc, const char* what)
  : ioc_(ioc),
    acceptor_(asio::make_strand(ioc)),
    backoff_(acceptor_.get_executor()),
    what_(what) {
  // nop
}

bool accept_loop::open(const tcp::endpoint& endpoint, std::string& error) {
  beast::error_code ec;
  auto step = [&](const char* what) {
    if (!ec)
      return true;
    error = std::string{what} + " " + endpoint_string(endpoint) + ": "
            + ec.message();
    return false;
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (!step("cannot open"))
    return false;
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!step("cannot set reuse_address on"))
    return false;
  acceptor_.bind(endpoint, ec);
  if (!step("cannot bind"))
    return false;
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  return step("cannot listen on");
}

tcp::endpoint accept_loop::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void accept_loop::run() {
  asio::dispatch(acceptor_.get_executor(),
                 [self = shared_from_this()] { self->do_accept(); });
}

void accept_loop::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void accept_loop::do_accept() {
  if (stopped_)
    return;
  acceptor_.async_accept(asio::make_strand(ioc_),
                         beast::bind_front_handler(&accept_loop::on_accept,
                                                   shared_from_this()));
}

void accept_loop::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || stopped_)
      return;
    fail(ec, what_);
    backoff_.expires_after(accept_backoff);
    backoff_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e)
        self->do_accept();
    });
    return;
  }
  on_socket(std::move(socket));
  do_accept();
}

} // namespace sockd::net
