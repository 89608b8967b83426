#include "net/listener.hpp"

#include <chrono>

#include "net/fail.hpp"
#include "net/http_session.hpp"
#include "net/listen_tls.hpp"
#include "net/server_state.hpp"
#include "support/log.hpp"

namespace sockd::net {

listener::listener(std::shared_ptr<server_state> st)
  : accept_loop(st->ioc, "accept"), state_(std::move(st)) {
  // nop
}

void listener::on_socket(tcp::socket socket) {
  beast::error_code ignored;
  auto peer = socket.remote_endpoint(ignored);
  if (ignored) { // gone already (reset before we got to it)
    socket.close(ignored);
    return;
  }
  open_token open;
  pending_token pending;
  auto verdict = state_->limits.admit(peer.address(), open, pending);
  if (verdict != socket_limits::verdict::ok) {
    // No answer: an HTTP reply would cost what the cap is there to save.
    socket.close(ignored);
    refused(verdict);
    return;
  }
  socket.set_option(tcp::no_delay(true), ignored);
  if (state_->tls) {
    // The context current at accept: a reload changes later handshakes.
    auto ctx = state_->tls->current();
    std::make_shared<http_session<tls_stream>>(
      tls_stream{std::move(socket), *ctx}, state_, std::move(open),
      std::move(pending))
      ->run();
  } else {
    std::make_shared<plain_http_session>(beast::tcp_stream{std::move(socket)},
                                         state_, std::move(open),
                                         std::move(pending))
      ->run();
  }
}

void listener::refused(socket_limits::verdict why) {
  using verdict = socket_limits::verdict;
  ++(why == verdict::full            ? refused_full_
     : why == verdict::pending_full ? refused_pending_
                                    : refused_address_);
  auto now = std::chrono::steady_clock::now();
  if (now - refused_logged_ < std::chrono::seconds(1))
    return;
  refused_logged_ = now;
  auto& opts = state_->svc.opts;
  log_warn("closed at accept: " + std::to_string(refused_full_)
           + " over max_connections+max_pending_connections="
           + std::to_string(opts.max_connections + opts.max_pending_connections)
           + ", " + std::to_string(refused_pending_)
           + " over max_pending_connections="
           + std::to_string(opts.max_pending_connections)
           + ", " + std::to_string(refused_address_)
           + " over max_pending_per_address="
           + std::to_string(opts.max_pending_per_address));
  refused_full_ = 0;
  refused_pending_ = 0;
  refused_address_ = 0;
}

bool resolve_listen(const std::string& host, uint16_t port,
                    tcp::endpoint& endpoint, std::string& error) {
  auto name = host;
  if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
    name = name.substr(1, name.size() - 2);
  beast::error_code ec;
  auto addr = asio::ip::make_address(name, ec);
  if (!ec) {
    endpoint = tcp::endpoint{addr, port};
    return true;
  }
  // A host name: take its first address (start-up only, so blocking is
  // fine here).
  asio::io_context ioc;
  tcp::resolver resolver{ioc};
  auto results = resolver.resolve(name, std::to_string(port),
                                  tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    error = "cannot resolve listen host " + host + ": "
            + (ec ? ec.message() : std::string{"no address"});
    return false;
  }
  endpoint = results.begin()->endpoint();
  return true;
}

std::string endpoint_string(const tcp::endpoint& endpoint) {
  auto addr = endpoint.address();
  auto host = addr.to_string();
  if (addr.is_v6())
    host = "[" + host + "]";
  return host + ":" + std::to_string(endpoint.port());
}

} // namespace sockd::net
