// websocket_session's lifecycle and close handshake: the upgrade, the
// connection actor it starts, closing on either side, and the end. The
// phases are drawn in net/websocket_session.hpp.
#include "net/websocket_session.hpp"

#include <algorithm>
#include <chrono>

#include <caf/send.hpp>

#include "net/fail.hpp"
#include "net/server_state.hpp"
#include "net/socket_outbound.hpp"
#include "support/log.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::net {

namespace {

// How long an orderly close may take before the socket is cut.
constexpr auto linger_time = std::chrono::seconds(5);

} // namespace

template <class Stream>
websocket_session<Stream>::websocket_session(Stream&& stream,
                                             std::shared_ptr<server_state> st,
                                             upgrade_grant grant,
                                             open_token open,
                                             std::string_view early)
  : io_(std::move(stream)),
    state_(std::move(st)),
    grant_(std::move(grant)),
    counted_(std::move(open)),
    reader_(static_cast<uint64_t>(state_->svc.opts.max_frame_bytes)),
    outbox_(static_cast<size_t>(state_->svc.opts.max_queued_bytes)) {
  // Parsed once the handshake is done.
  reader_.append(early.data(), early.size());
}

template <class Stream>
websocket_session<Stream>::~websocket_session() {
  finish();
}

template <class Stream>
void websocket_session<Stream>::run(
  request req, std::chrono::steady_clock::time_point deadline) {
  id_ = state_->sessions.add(weak_from_this());
  handshake_ = std::make_unique<websocket::stream<Stream&>>(io_.stream);
  auto& ws = *handshake_;
  websocket::stream_base::timeout timeouts;
  // What is left of handshake_timeout since accept (http_session).
  timeouts.handshake_timeout = std::max<std::chrono::steady_clock::duration>(
    deadline - std::chrono::steady_clock::now(), std::chrono::milliseconds(1));
  timeouts.idle_timeout = websocket::stream_base::none();
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.set_option(websocket::stream_base::decorator(
    [](websocket::response_type& res) {
      res.set(http::field::server, "sockd");
    }));
  ws.async_accept(req, beast::bind_front_handler(&websocket_session::on_accept,
                                                 shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_accept(beast::error_code ec) {
  // The handshake is Beast's last job here; its stream (and buffers) go.
  handshake_.reset();
  if (ec) {
    fail(ec, "websocket accept");
    finish();
    return;
  }
  if constexpr (!tls) {
    // The raw path: readiness waits, then non-blocking reads and sendmsg.
    beast::error_code ignored;
    socket().non_blocking(true, ignored);
  }
  phase_ = phase::open;
  metrics::sockd.connections.add();
  start_connection();
  if (state_->stopping)
    do_close(ws::close_code::going_away, "going away");
  // Bytes that came with the upgrade request, if any.
  if (handle_events())
    do_read();
}

template <class Stream>
void websocket_session<Stream>::start_connection() {
  auto& opts = state_->svc.opts;
  connection_config cfg;
  cfg.sub = grant_.sub;
  cfg.cid = grant_.cid;
  cfg.valid_until = grant_.valid_until;
  cfg.out =
    std::make_shared<socket_outbound<websocket_session>>(weak_from_this());
  cfg.directory = state_->svc.directory;
  cfg.db = state_->svc.db;
  cfg.messages_per_second = opts.messages_per_second;
  cfg.messages_burst = opts.messages_burst;
  cfg.max_topics = static_cast<size_t>(opts.max_topics_per_connection);
  cfg.limits.max_json_depth = opts.max_json_depth;
  cfg.limits.max_topic_bytes = static_cast<size_t>(opts.max_topic_bytes);
  cfg.keepalive = state_->svc.keepalive;
  cfg.access = state_->svc.access;
  cfg.ping_timeout = std::chrono::seconds(opts.ping_timeout);
  // The node's registry of sockets by user (POST /api/disconnect).
  member who{cfg.cid, cfg.sub, caf::actor_addr{}, cfg.out};
  conn_ = spawn_connection(*state_->svc.sys, std::move(cfg));
  who.conn = conn_.address();
  if (grant_.slot)
    grant_.slot->enroll(std::move(who));
}

// -- closing ------------------------------------------------------------------

template <class Stream>
void websocket_session<Stream>::close(uint16_t code, std::string reason) {
  asio::post(socket().get_executor(),
             [weak = weak_from_this(), code,
              reason = std::move(reason)]() mutable {
               if (auto self = weak.lock())
                 self->do_close(code, std::move(reason));
             });
}

template <class Stream>
void websocket_session<Stream>::stop(bool force) {
  asio::post(socket().get_executor(), [self = shared_from_this(), force] {
    if (force)
      self->cut();
    else
      self->do_close(ws::close_code::going_away, "going away");
  });
}

template <class Stream>
void websocket_session<Stream>::do_close(uint16_t code, std::string reason) {
  if (closing())
    return;
  if (phase_ == phase::handshake) {
    // Only a stopping server asks this early, and on_accept checks for it:
    // a client whose 101 is on its way still gets 1001, not a cut. A
    // handshake that never ends is cut by its timeout or a forced stop.
    if (!handshake_)
      cut();
    return;
  }
  phase_ = phase::closing;
  count_close(code);
  // Frames read from now on are dropped: a paused read goes on, to see
  // the peer's close.
  wake_reader();
  // Whatever the close waits for (a stalled write, the peer's answer), it
  // does not wait longer than this.
  start_linger();
  auto slow = code == ws::close_code::policy;
  outbox_.shut_data(slow);
  if (slow)
    batch_.drop_unstarted();
  queue_control(ws::opcode::close, ws::close_payload(code, reason));
}

// Each connection's close counts once, under the code it ended with.
template <class Stream>
void websocket_session<Stream>::count_close(uint16_t code) {
  if (close_counted_)
    return;
  close_counted_ = true;
  metrics::sockd.close(code);
}

template <class Stream>
void websocket_session<Stream>::on_peer_close(uint16_t code) {
  if (phase_ != phase::open) {
    on_peer_finished(); // it answers ours
    return;
  }
  // The peer leaves: its backlog is moot. Echo its code (RFC 6455 5.5.1).
  phase_ = phase::answering;
  start_linger();
  outbox_.shut_data(true);
  auto answer = code == ws::close_code::no_status ? ws::close_code::normal
                                                  : code;
  count_close(code == ws::close_code::no_status ? 1005 : code);
  queue_control(ws::opcode::close, ws::close_payload(answer, {}));
}

template <class Stream>
void websocket_session<Stream>::on_protocol_error(uint16_t code,
                                                  std::string what) {
  log_info("websocket protocol error: " + what,
           {{"connection", grant_.cid}, {"close", std::to_string(code)}});
  do_close(code, std::move(what));
  // Nothing the peer sends after this counts, its close frame included.
  on_peer_finished();
}

// No close frame is awaited from the peer any more.
template <class Stream>
void websocket_session<Stream>::on_peer_finished() {
  if (phase_ == phase::closing) {
    phase_ = phase::answering;
  } else if (phase_ == phase::close_sent) {
    phase_ = phase::shut;
    shutdown_send();
  }
}

template <class Stream>
void websocket_session<Stream>::on_close_written() {
  if (phase_ == phase::closing) {
    phase_ = phase::close_sent;
  } else if (phase_ == phase::answering) {
    phase_ = phase::shut;
    shutdown_send();
  }
}

template <class Stream>
void websocket_session<Stream>::on_slow_consumer() {
  metrics::sockd.slow_consumer_closes.inc();
  log_warn("slow consumer: queued over "
             + std::to_string(state_->svc.opts.max_queued_bytes) + " bytes",
           {{"connection", grant_.cid}, {"user", grant_.sub}, {"close", "1008"}});
  do_close(ws::close_code::policy, "slow consumer");
}

template <class Stream>
void websocket_session<Stream>::start_linger() {
  if (linger_)
    return;
  linger_ = std::make_unique<asio::steady_timer>(socket().get_executor());
  linger_->expires_after(linger_time);
  linger_->async_wait(beast::bind_front_handler(&websocket_session::on_linger,
                                                shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_linger(beast::error_code ec) {
  if (ec == asio::error::operation_aborted || phase_ == phase::done)
    return;
  cut();
}

template <class Stream>
void websocket_session<Stream>::shutdown_send() {
  beast::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_send, ignored);
}

template <class Stream>
void websocket_session<Stream>::cut() {
  if (!socket().is_open())
    return;
  beast::error_code ignored;
  socket().shutdown(tcp::socket::shutdown_both, ignored);
  socket().close(ignored);
  // A paused read has no wait on the socket to fail: it must see the cut
  // itself, or the session never finishes.
  wake_reader();
}

template <class Stream>
void websocket_session<Stream>::finish() {
  if (phase_ == phase::done)
    return;
  if (conn_) { // it was open: counted in on_accept
    metrics::sockd.connections.sub();
    count_close(1006); // no close frame went either way: cut
  }
  phase_ = phase::done;
  outbox_.shut();
  if (conn_)
    caf::anon_send(conn_, closed_atom::value);
  if (grant_.slot)
    grant_.slot->release();
  counted_.release();
  if (id_ != 0) {
    state_->sessions.remove(id_);
    id_ = 0;
  }
  if (linger_)
    linger_->cancel();
  cut();
}

// Both transports; websocket_session_read.cpp and _write.cpp instantiate
// the members they define.
template class websocket_session<tcp::socket>;
template class websocket_session<tls_stream>;

} // namespace sockd::net
