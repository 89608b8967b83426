#include "net/admin_session.hpp"

#include <chrono>

#include "net/admin_router.hpp"
#include "net/fail.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

namespace {

// An idle keep-alive connection (a Prometheus between scrapes holds one)
// is closed after this long; the scraper reconnects.
constexpr auto idle_timeout = std::chrono::seconds(60);
constexpr auto write_timeout = std::chrono::seconds(30);
constexpr uint32_t header_limit = 8 * 1024;
constexpr uint64_t body_limit = 64 * 1024;

} // namespace

admin_session::admin_session(tcp::socket&& socket,
                             std::shared_ptr<server_state> st,
                             std::shared_ptr<std::atomic<size_t>> open)
  : stream_(std::move(socket)), state_(std::move(st)), open_(std::move(open)) {
  open_->fetch_add(1, std::memory_order_relaxed);
}

admin_session::~admin_session() {
  open_->fetch_sub(1, std::memory_order_relaxed);
  if (id_ != 0)
    state_->sessions.remove(id_);
}

void admin_session::run() {
  id_ = state_->sessions.add(weak_from_this());
  asio::dispatch(stream_.get_executor(),
                 [self = shared_from_this()] { self->do_read(); });
}

void admin_session::stop(bool) {
  asio::post(stream_.get_executor(),
             [self = shared_from_this()] { self->do_close(); });
}

void admin_session::do_read() {
  if (state_->stopping) {
    do_close();
    return;
  }
  parser_.emplace();
  parser_->header_limit(header_limit);
  parser_->body_limit(body_limit);
  stream_.expires_after(idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&admin_session::on_read,
                                             shared_from_this()));
}

void admin_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    reply_info info;
    if (ec == http::error::header_limit)
      do_write(error_reply(info, http::status::request_header_fields_too_large,
                           "bad_request", "request headers too large"));
    else if (ec == http::error::body_limit)
      do_write(error_reply(info, http::status::payload_too_large,
                           "bad_request", "request body too large"));
    else if (ec.category() == http::make_error_code(http::error::bad_target)
                                .category()
             && ec != http::error::end_of_stream
             && ec != http::error::partial_message)
      do_write(error_reply(info, http::status::bad_request, "bad_request",
                           "malformed request"));
    else
      do_close(); // the client left or idled out
    return;
  }
  auto req = parser_->release();
  parser_.reset();
  admin_route(state_, std::move(req), make_responder());
}

responder admin_session::make_responder() {
  auto ex = asio::prefer(stream_.get_executor(),
                         asio::execution::outstanding_work.tracked);
  return [self = shared_from_this(), ex](response res) {
    asio::dispatch(ex, [self, res = std::move(res)]() mutable {
      self->do_write(std::move(res));
    });
  };
}

void admin_session::do_write(response res) {
  res_ = std::move(res);
  auto close = res_.need_eof();
  stream_.expires_after(write_timeout);
  http::async_write(stream_, res_,
                    beast::bind_front_handler(&admin_session::on_write,
                                              shared_from_this(), close));
}

void admin_session::on_write(bool close, beast::error_code ec, std::size_t) {
  res_ = {};
  if (ec) {
    fail(ec, "admin http write");
    do_close();
    return;
  }
  if (close) {
    do_close();
    return;
  }
  do_read();
}

void admin_session::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.close();
}

} // namespace sockd::net
