#include "net/websocket_session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>

#include <boost/asio/bind_allocator.hpp>
#include <caf/send.hpp>

#include "net/exact_allocator.hpp"
#include "net/fail.hpp"
#include "net/server_state.hpp"
#include "net/socket_outbound.hpp"
#include "support/log.hpp"

namespace sockd::net {

namespace {

// How long an orderly close may take before the socket is cut.
constexpr auto linger_time = std::chrono::seconds(5);

// A ping or pong tells the connection actor the client lives; a flood of
// them sends it at most one such message per this interval.
constexpr auto alive_interval = std::chrono::milliseconds(100);

// What CAF adds around a frame's text on its way to the connection actor:
// the mailbox element, the atom and the std::string itself (an estimate
// from above; 0.17's mailbox_element_vals<atom, string> is under 100).
constexpr size_t message_overhead = 128;

// Reads go through one buffer per I/O thread: an idle socket holds none.
constexpr size_t read_chunk = 16 * 1024;

// Per turn on the strand, at most this many reads and this many gathered
// writes; then the session yields to the other sockets.
constexpr int max_reads_per_turn = 8;
constexpr int max_writes_per_turn = 8;

// iovecs per sendmsg (Linux takes up to 1024).
constexpr size_t max_iov = 256;

// Headers and payloads shorter than this are copied into one contiguous
// run per sendmsg (the kernel pays per iovec); larger payloads are sent
// from the shared frame itself. See docs/performance.md.
constexpr size_t copy_below = 512;

// Where those copies go: per I/O thread, needed only during the sendmsg.
constexpr size_t write_scratch_size = 64 * 1024;

// A busy socket reuses its batch vector up to this many frames; an idle one
// keeps none.
constexpr size_t busy_capacity = 1024;

std::array<char, read_chunk>& read_buffer() {
  thread_local std::array<char, read_chunk> buffer;
  return buffer;
}

std::array<char, write_scratch_size>& write_scratch() {
  thread_local std::array<char, write_scratch_size> buffer;
  return buffer;
}

bool would_block(const beast::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

} // namespace

websocket_session::websocket_session(tcp::socket&& socket,
                                     std::shared_ptr<server_state> st,
                                     upgrade_grant grant, open_token open,
                                     std::string_view early)
  : socket_(std::move(socket)),
    state_(std::move(st)),
    grant_(std::move(grant)),
    counted_(std::move(open)),
    reader_(static_cast<uint64_t>(state_->svc.opts.max_frame_bytes)),
    outbox_(static_cast<size_t>(state_->svc.opts.max_queued_bytes)) {
  // Parsed once the handshake is done.
  reader_.append(early.data(), early.size());
}

websocket_session::~websocket_session() {
  finish();
}

void websocket_session::run(request req,
                            std::chrono::steady_clock::time_point deadline) {
  id_ = state_->sessions.add(weak_from_this());
  handshake_ = std::make_unique<websocket::stream<tcp::socket&>>(socket_);
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

void websocket_session::on_accept(beast::error_code ec) {
  // The handshake is Beast's last job here; its stream (and buffers) go.
  handshake_.reset();
  if (ec) {
    fail(ec, "websocket accept");
    finish();
    return;
  }
  beast::error_code ignored;
  socket_.non_blocking(true, ignored);
  open_ = true;
  start_connection();
  if (state_->stopping)
    on_close_request(ws::close_code::going_away, "going away");
  // Bytes that came with the upgrade request, if any.
  if (handle_events())
    do_read();
}

void websocket_session::start_connection() {
  auto& opts = state_->svc.opts;
  connection_config cfg;
  cfg.sub = grant_.sub;
  cfg.cid = grant_.cid;
  cfg.out = std::make_shared<socket_outbound>(weak_from_this());
  cfg.directory = state_->svc.directory;
  cfg.db = state_->svc.db;
  cfg.messages_per_second = opts.messages_per_second;
  cfg.messages_burst = opts.messages_burst;
  cfg.max_topics = static_cast<size_t>(opts.max_topics_per_connection);
  cfg.limits.max_json_depth = opts.max_json_depth;
  cfg.limits.max_topic_bytes = static_cast<size_t>(opts.max_topic_bytes);
  cfg.keepalive = state_->svc.keepalive;
  cfg.ping_timeout = std::chrono::seconds(opts.ping_timeout);
  conn_ = spawn_connection(*state_->svc.sys, std::move(cfg));
}

// -- reading ------------------------------------------------------------------

void websocket_session::do_read() {
  if (!socket_.is_open()) {
    finish();
    return;
  }
  // Waiting for readability needs no buffer: idle sockets hold none. The
  // wait is allocated at its own size (net/exact_allocator.hpp).
  socket_.async_wait(tcp::socket::wait_read,
                     asio::bind_allocator(
                       exact_allocator<void>{},
                       beast::bind_front_handler(
                         &websocket_session::on_readable, shared_from_this())));
}

void websocket_session::on_readable(beast::error_code ec) {
  if (ec || finished_) {
    fail(ec, "websocket read (connection " + grant_.cid + ")");
    finish();
    return;
  }
  auto& buf = read_buffer();
  for (int i = 0; i < max_reads_per_turn; ++i) {
    if (!socket_.is_open()) { // cut while handling the last bytes
      finish();
      return;
    }
    auto n = socket_.read_some(asio::buffer(buf), ec);
    if (would_block(ec)) {
      do_read();
      return;
    }
    if (ec) {
      fail(ec, "websocket read (connection " + grant_.cid + ")");
      finish();
      return;
    }
    reader_.append(buf.data(), n);
    if (!handle_events())
      return; // paused: resume_reading() goes on
  }
  // More may be waiting; the other sockets get their turn first.
  asio::post(socket_.get_executor(),
             beast::bind_front_handler(&websocket_session::on_readable,
                                       shared_from_this(),
                                       beast::error_code{}));
}

bool websocket_session::handle_events() {
  using kind = ws::reader::kind;
  for (;;) {
    // Frames in flight past the bound: no more reading or parsing until
    // the actor handled some (what is read stays in the reader).
    if (!closing_ && inbound_full() && pause_reading())
      return false;
    auto ev = reader_.next();
    switch (ev.what) {
      case kind::none:
        return true;
      case kind::text:
        // Frames that cross our close frame are dropped.
        if (!closing_) {
          inbound_bytes_ += inbound_cost(ev.payload.capacity());
          inbound_frames_ += 1;
          caf::anon_send(conn_, frame_atom::value, std::move(ev.payload));
        }
        break;
      case kind::binary:
        on_close_request(ws::close_code::unsupported,
                         "binary frames are not supported");
        break;
      case kind::ping:
        queue_control(ws::opcode::pong, std::move(ev.payload));
        send_alive();
        break;
      case kind::pong:
        // A sign of life for the keepalive.
        send_alive();
        break;
      case kind::close:
        on_peer_close(ev.code);
        return true;
      case kind::error:
        log_info("websocket protocol error: " + ev.payload + " connection="
                 + grant_.cid + "; closing " + std::to_string(ev.code));
        failed_ = true;
        on_close_request(ev.code, std::move(ev.payload));
        if (close_sent_)
          shutdown_send();
        return true;
    }
  }
}

size_t websocket_session::inbound_cost(size_t capacity) {
  return capacity + message_overhead;
}

bool websocket_session::inbound_full() const {
  auto& opts = state_->svc.opts;
  return inbound_frames_.load()
           >= static_cast<uint32_t>(opts.max_inbound_frames)
         || inbound_bytes_.load()
              >= static_cast<size_t>(opts.max_inbound_bytes);
}

bool websocket_session::pause_reading() {
  // frame_done() clears the flag (and resumes) once every frame in flight
  // is handled; checking again after setting it closes the race with it. No
  // wait on the socket holds the session meanwhile: it holds itself.
  paused_self_ = shared_from_this();
  read_paused_.store(true);
  if (inbound_full())
    return true;
  // Caught up meanwhile: whoever clears the flag goes on reading.
  if (!read_paused_.exchange(false))
    return true;
  paused_self_.reset();
  return false;
}

void websocket_session::frame_done(size_t capacity) {
  inbound_bytes_ -= inbound_cost(capacity);
  // A paused read resumes once the actor handled every frame in flight,
  // not merely one: its mailbox runs empty, so it leaves the scheduler to
  // the other actors before the next batch arrives (a flooding client must
  // not keep one CAF worker to itself).
  if (inbound_frames_.fetch_sub(1) != 1 || !read_paused_.load())
    return;
  if (read_paused_.exchange(false))
    asio::post(socket_.get_executor(),
               beast::bind_front_handler(&websocket_session::resume_reading,
                                         shared_from_this()));
}

void websocket_session::resume_reading() {
  paused_self_.reset(); // the handler holds the session now
  if (finished_)
    return;
  if (handle_events())
    do_read(); // a socket cut meanwhile finishes there
}

void websocket_session::send_alive() {
  auto now = std::chrono::steady_clock::now();
  if (now - alive_sent_ < alive_interval)
    return;
  alive_sent_ = now;
  caf::anon_send(conn_, alive_atom::value);
}

void websocket_session::on_peer_close(uint16_t code) {
  close_received_ = true;
  if (closing_) {
    // Ours is queued or out already; the handshake is complete once it is.
    if (close_sent_)
      shutdown_send();
    return;
  }
  // The peer leaves: its backlog is moot. Echo its code (RFC 6455 5.5.1).
  closing_ = true;
  start_linger();
  outbox_.shut_data(true);
  auto answer = code == ws::close_code::no_status ? ws::close_code::normal
                                                  : code;
  queue_control(ws::opcode::close, ws::close_payload(answer, {}));
}

// -- writing ------------------------------------------------------------------

void websocket_session::send(frame_ptr frame) {
  if (queue(std::move(frame)))
    flush();
}

bool websocket_session::queue(frame_ptr frame) {
  if (!frame)
    return false;
  switch (outbox_.push(data_frame(std::move(frame)))) {
    case outbox::push_result::schedule:
      return true;
    case outbox::push_result::overflow:
      asio::post(socket_.get_executor(),
                 beast::bind_front_handler(
                   &websocket_session::on_slow_consumer, shared_from_this()));
      return false;
    default:
      return false;
  }
}

void websocket_session::send_backlog(std::vector<frame_ptr> frames) {
  if (outbox_.push_backlog(std::move(frames))
      == outbox::push_result::schedule)
    flush();
}

void websocket_session::flush() {
  asio::post(socket_.get_executor(),
             beast::bind_front_handler(&websocket_session::do_write,
                                       shared_from_this()));
}

void websocket_session::queue_control(ws::opcode op, std::string payload) {
  // Nothing follows our close frame.
  if (finished_ || (closing_ && op != ws::opcode::close))
    return;
  auto res = outbox_.push_control(control_frame(op, std::move(payload)));
  if (res == outbox::push_result::schedule)
    do_write();
  else if (res == outbox::push_result::overflow)
    on_slow_consumer(); // a pong over max_queued_bytes
}

void websocket_session::do_write() {
  if (writing_ || !socket_.is_open())
    return;
  for (int i = 0; i < max_writes_per_turn; ++i) {
    if (batch_.empty() && !outbox_.take(batch_)) {
      batch_.clear(outbox::idle_capacity);
      return; // idle: the next push schedules a flush
    }
    if (!write_batch())
      return;
    on_batch_written();
  }
  // Still armed: pushes do not post, so this turn's successor must.
  asio::post(socket_.get_executor(),
             beast::bind_front_handler(&websocket_session::do_write,
                                       shared_from_this()));
}

bool websocket_session::write_batch() {
  std::array<iovec, max_iov> iov;
  auto& scratch = write_scratch();
  while (!batch_.written()) {
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = batch_.fill(iov.data(), iov.size(), scratch.data(),
                                 scratch.size(), copy_below);
    auto n = ::sendmsg(socket_.native_handle(), &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      batch_.advance(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writing_ = true;
      socket_.async_wait(
        tcp::socket::wait_write,
        beast::bind_front_handler(&websocket_session::on_writable,
                                  shared_from_this()));
      return false;
    }
    beast::error_code ec{errno, boost::system::system_category()};
    fail(ec, "websocket write (connection " + grant_.cid + ")");
    batch_.clear(0);
    outbox_.written();
    outbox_.shut();
    cut(); // the read side ends the session
    return false;
  }
  return true;
}

void websocket_session::on_writable(beast::error_code ec) {
  writing_ = false;
  if (ec || !socket_.is_open()) {
    batch_.clear(0);
    outbox_.written();
    return; // cut: the read side ends the session
  }
  if (write_batch()) {
    on_batch_written();
    do_write();
  }
}

void websocket_session::on_batch_written() {
  auto had_close = batch_.ends_with_close();
  batch_.clear(busy_capacity);
  outbox_.written();
  if (!had_close)
    return;
  close_sent_ = true;
  if (close_received_ || failed_)
    shutdown_send();
}

// -- closing ------------------------------------------------------------------

void websocket_session::on_slow_consumer() {
  log_warn("slow consumer: connection=" + grant_.cid + " user=" + grant_.sub
           + " queued over " + std::to_string(state_->svc.opts.max_queued_bytes)
           + " bytes; closing 1008");
  on_close_request(ws::close_code::policy, "slow consumer");
}

void websocket_session::close(uint16_t code, std::string reason) {
  asio::post(socket_.get_executor(),
             [weak = weak_from_this(), code,
              reason = std::move(reason)]() mutable {
               if (auto self = weak.lock())
                 self->on_close_request(code, std::move(reason));
             });
}

void websocket_session::stop(bool force) {
  asio::post(socket_.get_executor(), [self = shared_from_this(), force] {
    if (force)
      self->cut();
    else
      self->on_close_request(ws::close_code::going_away, "going away");
  });
}

void websocket_session::on_close_request(uint16_t code, std::string reason) {
  if (closing_ || finished_)
    return;
  if (!open_) {
    // Only a stopping server asks this early, and on_accept checks for it:
    // a client whose 101 is on its way still gets 1001, not a cut. A
    // handshake that never ends is cut by its timeout or a forced stop.
    if (!handshake_)
      cut();
    return;
  }
  closing_ = true;
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

void websocket_session::start_linger() {
  if (linger_)
    return;
  linger_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
  linger_->expires_after(linger_time);
  linger_->async_wait(beast::bind_front_handler(&websocket_session::on_linger,
                                                shared_from_this()));
}

void websocket_session::on_linger(beast::error_code ec) {
  if (ec == asio::error::operation_aborted || finished_)
    return;
  cut();
}

void websocket_session::shutdown_send() {
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void websocket_session::cut() {
  if (!socket_.is_open())
    return;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  // A paused read has no wait on the socket to fail: it must see the cut
  // itself, or the session never finishes.
  wake_reader();
}

void websocket_session::wake_reader() {
  // Paused means paused_self_ holds the session, so this is never the
  // destructor's call.
  if (read_paused_.exchange(false))
    asio::post(socket_.get_executor(),
               beast::bind_front_handler(&websocket_session::resume_reading,
                                         shared_from_this()));
}

void websocket_session::finish() {
  if (finished_)
    return;
  finished_ = true;
  closing_ = true;
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

} // namespace sockd::net
