#include "net/admin_listener.hpp"

#include <chrono>

#include "net/admin_session.hpp"
#include "net/http_reply.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

namespace {

/// Answers 503 and closes: the socket and the reply live until written.
void refuse_full(tcp::socket socket) {
  struct refusal {
    beast::tcp_stream stream;
    response res;
  };
  auto r = std::make_shared<refusal>(
    refusal{beast::tcp_stream{std::move(socket)},
            error_reply(reply_info{}, http::status::service_unavailable,
                        "server_full",
                        "too many connections to the admin address")});
  r->res.keep_alive(false);
  r->res.prepare_payload();
  r->stream.expires_after(std::chrono::seconds(5));
  http::async_write(r->stream, r->res, [r](beast::error_code, size_t) {
    beast::error_code ignored;
    r->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    r->stream.close();
  });
}

} // namespace

admin_listener::admin_listener(std::shared_ptr<server_state> st)
  : accept_loop(st->ioc, "admin accept"),
    state_(std::move(st)),
    open_(std::make_shared<std::atomic<size_t>>(0)) {
  // nop
}

void admin_listener::on_socket(tcp::socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto cap = static_cast<size_t>(state_->svc.opts.admin_max_connections);
  if (open_->load(std::memory_order_relaxed) >= cap) {
    refuse_full(std::move(socket));
    return;
  }
  std::make_shared<admin_session>(std::move(socket), state_, open_)->run();
}

} // namespace sockd::net
