#include "net/admin_listener.hpp"

#include <chrono>

#include "net/admin_session.hpp"
#include "net/fail.hpp"
#include "net/listener.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

namespace {

// After an accept error (e.g. out of file descriptors), wait a little
// instead of spinning.
constexpr auto accept_backoff = std::chrono::milliseconds(100);

} // namespace

admin_listener::admin_listener(std::shared_ptr<server_state> st)
  : state_(std::move(st)),
    acceptor_(asio::make_strand(state_->ioc)),
    backoff_(acceptor_.get_executor()) {
  // nop
}

bool admin_listener::open(const tcp::endpoint& endpoint, std::string& error) {
  beast::error_code ec;
  auto step = [&](const char* what) {
    if (!ec)
      return true;
    error = std::string{"admin_listen: "} + what + " "
            + endpoint_string(endpoint) + ": " + ec.message();
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

tcp::endpoint admin_listener::local_endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void admin_listener::run() {
  asio::dispatch(acceptor_.get_executor(),
                 [self = shared_from_this()] { self->do_accept(); });
}

void admin_listener::stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    self->stopped_ = true;
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void admin_listener::do_accept() {
  if (stopped_)
    return;
  acceptor_.async_accept(asio::make_strand(state_->ioc),
                         beast::bind_front_handler(&admin_listener::on_accept,
                                                   shared_from_this()));
}

void admin_listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec) {
    if (ec == asio::error::operation_aborted || stopped_)
      return;
    fail(ec, "admin accept");
    backoff_.expires_after(accept_backoff);
    backoff_.async_wait([self = shared_from_this()](beast::error_code e) {
      if (!e)
        self->do_accept();
    });
    return;
  }
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<admin_session>(std::move(socket), state_)->run();
  do_accept();
}

} // namespace sockd::net
