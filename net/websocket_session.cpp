#include "net/websocket_session.hpp"

#include <chrono>

#include <caf/send.hpp>

#include "net/fail.hpp"
#include "net/server_state.hpp"
#include "net/socket_outbound.hpp"
#include "support/log.hpp"

namespace sockd::net {

namespace {

constexpr auto handshake_timeout = std::chrono::seconds(10);

// How long an orderly close may take before the socket is cut.
constexpr auto linger_time = std::chrono::seconds(5);

// RFC 6455: a close reason fits a 125-byte control frame with the code.
constexpr size_t max_reason = 123;

constexpr uint16_t close_unsupported = 1003;
constexpr uint16_t close_policy = 1008;
constexpr uint16_t close_going_away = 1001;

} // namespace

websocket_session::websocket_session(tcp::socket&& socket,
                                     std::shared_ptr<server_state> st,
                                     upgrade_grant grant, std::string peer)
  : ws_(std::move(socket)),
    state_(std::move(st)),
    grant_(std::move(grant)),
    peer_(std::move(peer)) {
  // nop
}

websocket_session::~websocket_session() {
  finish();
}

void websocket_session::run(request req) {
  id_ = state_->sessions.add(weak_from_this());
  configure();
  ws_.async_accept(req, beast::bind_front_handler(
                          &websocket_session::on_accept, shared_from_this()));
}

void websocket_session::configure() {
  websocket::stream_base::timeout timeouts;
  timeouts.handshake_timeout = handshake_timeout;
  // The connection actor runs the keepalive (PING frames, ping_timeout).
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws_.set_option(timeouts);
  websocket::permessage_deflate deflate;
  deflate.server_enable = false;
  deflate.client_enable = false;
  ws_.set_option(deflate);
  ws_.set_option(websocket::stream_base::decorator(
    [](websocket::response_type& res) {
      res.set(http::field::server, "sockd");
    }));
  auto max_frame = state_->svc.opts.max_frame_bytes;
  ws_.read_message_max(static_cast<std::size_t>(max_frame));
  ws_.auto_fragment(false);
  ws_.text(true);
  // Pongs (and pings) are signs of life for the keepalive.
  ws_.control_callback([this](websocket::frame_type kind, std::string_view) {
    if (kind != websocket::frame_type::close && conn_)
      caf::anon_send(conn_, alive_atom::value);
  });
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) {
    fail(ec, "websocket accept");
    finish();
    return;
  }
  open_ = true;
  auto& opts = state_->svc.opts;
  connection_config cfg;
  cfg.sub = grant_.sub;
  cfg.cid = grant_.cid;
  cfg.out = std::make_shared<socket_outbound>(weak_from_this());
  cfg.directory = state_->svc.directory;
  cfg.db = state_->svc.db;
  cfg.messages_per_second = opts.messages_per_second;
  cfg.messages_burst = opts.messages_burst;
  cfg.ping_interval = std::chrono::seconds(opts.ping_interval);
  cfg.ping_timeout = std::chrono::seconds(opts.ping_timeout);
  conn_ = spawn_connection(*state_->svc.sys, std::move(cfg));
  if (state_->stopping)
    on_close_request(close_going_away, "going away");
  do_read();
}

void websocket_session::do_read() {
  ws_.async_read(buffer_, beast::bind_front_handler(
                            &websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    fail(ec, "websocket read (connection " + grant_.cid + ")");
    finish();
    return;
  }
  // Frames that cross our close frame are dropped.
  if (!closing_ && ws_.got_text())
    caf::anon_send(conn_, frame_atom::value,
                   beast::buffers_to_string(buffer_.data()));
  else if (!closing_)
    on_close_request(close_unsupported, "binary frames are not supported");
  // Idle sockets keep no read buffer around.
  buffer_.clear();
  buffer_.shrink_to_fit();
  do_read();
}

void websocket_session::send(frame_ptr frame) {
  asio::post(ws_.get_executor(),
             [weak = weak_from_this(), frame = std::move(frame)]() mutable {
               if (auto self = weak.lock())
                 self->on_send(std::move(frame));
             });
}

void websocket_session::close(uint16_t code, std::string reason) {
  asio::post(ws_.get_executor(),
             [weak = weak_from_this(), code,
              reason = std::move(reason)]() mutable {
               if (auto self = weak.lock())
                 self->on_close_request(code, std::move(reason));
             });
}

void websocket_session::stop(bool force) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), force] {
    if (force)
      self->cut();
    else
      self->on_close_request(close_going_away, "going away");
  });
}

void websocket_session::on_send(frame_ptr frame) {
  if (closing_ || finished_ || !open_ || !frame)
    return;
  auto limit = static_cast<std::size_t>(state_->svc.opts.max_queued_bytes);
  // One frame always fits; more than `limit` bytes waiting means the peer
  // does not keep up, and it must not cost unbounded memory.
  if (!queue_.empty() && queue_.bytes() + frame->size() > limit) {
    log_warn("slow consumer: connection=" + grant_.cid + " user="
             + grant_.sub + " queued=" + std::to_string(queue_.bytes())
             + " bytes; closing 1008");
    on_close_request(close_policy, "slow consumer");
    return;
  }
  queue_.push(std::move(frame));
  if (!writing_)
    do_write();
}

void websocket_session::do_write() {
  writing_ = true;
  ws_.async_write(asio::buffer(*queue_.front()),
                  beast::bind_front_handler(&websocket_session::on_write,
                                            shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  if (ec) {
    fail(ec, "websocket write (connection " + grant_.cid + ")");
    queue_.drop(false);
    cut();
    return;
  }
  queue_.pop();
  if (!queue_.empty() && !finished_) {
    do_write();
    return;
  }
  if (close_after_drain_) {
    auto [code, reason] = std::move(*close_after_drain_);
    close_after_drain_.reset();
    do_close(code, reason);
  }
}

void websocket_session::on_close_request(uint16_t code, std::string reason) {
  if (closing_ || finished_)
    return;
  closing_ = true;
  if (!open_) {
    cut(); // no orderly close before the handshake is done
    return;
  }
  // Whatever the close waits for (a stalled write, the peer's answer), it
  // does not wait longer than this.
  linger_.emplace(ws_.get_executor());
  linger_->expires_after(linger_time);
  linger_->async_wait(beast::bind_front_handler(&websocket_session::on_linger,
                                                shared_from_this()));
  if (code == close_policy)
    queue_.drop(writing_); // the frame being written must outlive its write
  if (reason.size() > max_reason)
    reason.resize(max_reason);
  if (writing_ && code != close_policy)
    close_after_drain_.emplace(code, std::move(reason));
  else
    do_close(code, reason);
}

void websocket_session::do_close(uint16_t code, const std::string& reason) {
  // Not open: the peer's close (or a failure) is already under way and the
  // pending read ends the session.
  if (!ws_.is_open())
    return;
  websocket::close_reason why{code};
  why.reason = reason;
  ws_.async_close(why,
                  beast::bind_front_handler(&websocket_session::on_close,
                                            shared_from_this()));
}

void websocket_session::on_close(beast::error_code ec) {
  fail(ec, "websocket close (connection " + grant_.cid + ")");
}

void websocket_session::on_linger(beast::error_code ec) {
  if (ec == asio::error::operation_aborted || finished_)
    return;
  cut();
}

void websocket_session::cut() {
  beast::error_code ec;
  auto& socket = ws_.next_layer();
  socket.shutdown(tcp::socket::shutdown_both, ec);
  socket.close(ec);
}

void websocket_session::finish() {
  if (finished_)
    return;
  finished_ = true;
  closing_ = true;
  close_after_drain_.reset();
  if (conn_)
    caf::anon_send(conn_, closed_atom::value);
  if (grant_.slot)
    grant_.slot->release();
  if (id_ != 0) {
    state_->sessions.remove(id_);
    id_ = 0;
  }
  if (linger_)
    linger_->cancel();
  queue_.drop(writing_);
}

} // namespace sockd::net
