#include "net/http_session.hpp"

#include <algorithm>
#include <chrono>

#include "net/fail.hpp"
#include "net/listener.hpp"
#include "net/query_string.hpp"
#include "net/router.hpp"
#include "net/server_state.hpp"
#include "net/tls_stream.hpp"
#include "net/websocket_session.hpp"

namespace sockd::net {

namespace {

constexpr auto read_timeout = std::chrono::seconds(30);
constexpr auto write_timeout = std::chrono::seconds(30);
constexpr uint32_t header_limit = 8 * 1024;
constexpr uint64_t body_limit = 64 * 1024;

std::string endpoint_text(const tcp::socket& socket) {
  beast::error_code ec;
  auto ep = socket.remote_endpoint(ec);
  return ec ? std::string{"?"} : endpoint_string(ep);
}

// A request the parser rejected, as opposed to a connection that ended.
bool malformed(const beast::error_code& ec) {
  auto& parser_errors =
    http::make_error_code(http::error::bad_target).category();
  return ec.category() == parser_errors && ec != http::error::end_of_stream
         && ec != http::error::partial_message;
}

} // namespace

template <class Stream>
http_session<Stream>::http_session(Stream&& stream,
                                   std::shared_ptr<server_state> st,
                                   open_token open, pending_token pending)
  : stream_(std::move(stream)),
    state_(std::move(st)),
    open_(std::move(open)),
    pending_(std::move(pending)),
    deadline_(std::chrono::steady_clock::now()
              + std::chrono::seconds(state_->svc.opts.handshake_timeout)) {
  peer_ = endpoint_text(tcp_layer().socket());
}

template <class Stream>
http_session<Stream>::~http_session() {
  if (id_ != 0)
    state_->sessions.remove(id_);
}

template <class Stream>
void http_session<Stream>::run() {
  id_ = state_->sessions.add(weak_from_this());
  // Start on the strand: the accepting thread is not ours.
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if constexpr (tls) {
      self->tcp_layer().expires_at(self->deadline_);
      self->stream_.async_handshake(
        ssl::stream_base::server,
        beast::bind_front_handler(&http_session::on_handshake, self));
    } else {
      self->do_read();
    }
  });
}

template <class Stream>
void http_session<Stream>::on_handshake(beast::error_code ec) {
  if (ec) {
    // Scanners, old clients and timeouts: common at an open port, and
    // nothing to act on, so not logged.
    do_close();
    return;
  }
  do_read();
}

template <class Stream>
void http_session<Stream>::stop(bool) {
  // Between requests or mid-request, an HTTP session just ends.
  asio::post(stream_.get_executor(),
             [self = shared_from_this()] { self->do_close(); });
}

template <class Stream>
void http_session<Stream>::do_read() {
  // Past the handshake deadline a connection gets no further request, so
  // an idle keep-alive connection is not held either.
  auto now = std::chrono::steady_clock::now();
  if (state_->stopping || now >= deadline_) {
    do_close();
    return;
  }
  parser_.emplace();
  parser_->header_limit(header_limit);
  parser_->body_limit(body_limit);
  tcp_layer().expires_at(std::min(deadline_, now + read_timeout));
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&http_session::on_read,
                                             shared_from_this()));
}

template <class Stream>
void http_session<Stream>::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    on_bad_request(ec);
    return;
  }
  auto req = parser_->release();
  parser_.reset();
  if (websocket::is_upgrade(req) && target_path(req.target()) == "/sock") {
    do_upgrade(std::move(req));
    return;
  }
  route(state_, std::move(req), make_responder());
}

template <class Stream>
void http_session<Stream>::on_bad_request(const beast::error_code& ec) {
  // A client that leaves (or idles past the timeout) just goes; a request
  // that breaks the limits or the grammar gets an answer, then the door.
  reply_info info;
  if (ec == http::error::header_limit)
    do_write(error_reply(info, http::status::request_header_fields_too_large,
                         "bad_request", "request headers too large"));
  else if (ec == http::error::body_limit)
    do_write(error_reply(info, http::status::payload_too_large,
                         "bad_request", "request body too large"));
  else if (malformed(ec))
    do_write(error_reply(info, http::status::bad_request, "bad_request",
                         "malformed request"));
  else {
    if (ec != beast::error::timeout && ec != http::error::partial_message
        && ec != ssl::error::stream_truncated)
      fail(ec, "http read");
    do_close();
  }
}

template <class Stream>
void http_session<Stream>::do_upgrade(request req) {
  auto self = shared_from_this();
  auto shared_req = std::make_shared<request>(std::move(req));
  auto ex = asio::prefer(stream_.get_executor(),
                         asio::execution::outstanding_work.tracked);
  grant_handler grant = [self, shared_req, ex](upgrade_grant g) {
    asio::post(ex, [self, shared_req, g = std::move(g)]() mutable {
      self->on_grant(std::move(g), shared_req);
    });
  };
  check_upgrade(state_, *shared_req, peer_, std::move(grant),
                make_responder());
}

template <class Stream>
void http_session<Stream>::on_grant(upgrade_grant grant,
                                    const std::shared_ptr<request>& req) {
  if (state_->stopping) {
    reply_info info;
    do_write(error_reply(info, http::status::service_unavailable,
                         "unavailable", "server is stopping"));
    return; // the grant's slot is released with it
  }
  if (std::chrono::steady_clock::now() >= deadline_) {
    do_close(); // the handshake took too long; the grant's slot goes too
    return;
  }
  pending_.release();
  tcp_layer().expires_never();
  // A client may not send frames before our 101, but whatever it did send
  // is the WebSocket session's to judge.
  auto early = beast::buffers_to_string(buffer_.data());
  if constexpr (tls) {
    auto ws = std::make_shared<websocket_session<Stream>>(
      std::move(stream_), state_, std::move(grant), std::move(open_), early);
    ws->run(std::move(*req), deadline_);
  } else {
    auto ws = std::make_shared<websocket_session<tcp::socket>>(
      stream_.release_socket(), state_, std::move(grant), std::move(open_),
      early);
    ws->run(std::move(*req), deadline_);
  }
}

template <class Stream>
responder http_session<Stream>::make_responder() {
  auto ex = asio::prefer(stream_.get_executor(),
                         asio::execution::outstanding_work.tracked);
  return [self = shared_from_this(), ex](response res) {
    asio::dispatch(ex, [self, res = std::move(res)]() mutable {
      self->do_write(std::move(res));
    });
  };
}

template <class Stream>
void http_session<Stream>::do_write(response res) {
  res_ = std::move(res);
  auto close = res_.need_eof();
  tcp_layer().expires_after(write_timeout);
  http::async_write(stream_, res_,
                    beast::bind_front_handler(&http_session::on_write,
                                              shared_from_this(), close));
}

template <class Stream>
void http_session<Stream>::on_write(bool close, beast::error_code ec,
                                    std::size_t) {
  res_ = {};
  if (ec) {
    fail(ec, "http write");
    do_close();
    return;
  }
  if (close) {
    do_close();
    return;
  }
  do_read();
}

template <class Stream>
void http_session<Stream>::do_close() {
  beast::error_code ec;
  // Over TLS too, the TCP send side only: an HTTP answer is delimited by
  // itself, and a close_notify would need the peer's answer.
  tcp_layer().socket().shutdown(tcp::socket::shutdown_send, ec);
  tcp_layer().close();
}

template class http_session<beast::tcp_stream>;
template class http_session<tls_stream>;

} // namespace sockd::net
