// websocket_session's write side: frames queued in the outbox (from any
// thread) leave in gathered sendmsg calls, one write in flight at a time,
// one sendmsg per burst (docs/performance.md). Over TLS a burst is copied
// into one buffer and handed to the stream in one write: full records (one
// per 16 KiB of frames, each sent as it is sealed), not a record per frame.
#include "net/websocket_session.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "net/fail.hpp"
#include "net/tls_stream.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::net {

namespace {

// Per turn on the strand, at most this many gathered writes; then the
// session yields to the other sockets.
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

// A TLS socket keeps its burst buffer up to this size between bursts.
constexpr size_t tls_out_keep = 64 * 1024;

std::array<char, write_scratch_size>& write_scratch() {
  thread_local std::array<char, write_scratch_size> buffer;
  return buffer;
}

} // namespace

template <class Stream>
void websocket_session<Stream>::send(frame_ptr frame) {
  if (queue(std::move(frame)))
    flush();
}

template <class Stream>
bool websocket_session<Stream>::queue(frame_ptr frame) {
  if (!frame)
    return false;
  switch (outbox_.push(data_frame(std::move(frame)))) {
    case outbox::push_result::schedule:
      return true;
    case outbox::push_result::overflow:
      asio::post(socket().get_executor(),
                 beast::bind_front_handler(
                   &websocket_session::on_slow_consumer, shared_from_this()));
      return false;
    default:
      return false;
  }
}

template <class Stream>
void websocket_session<Stream>::send_backlog(std::vector<frame_ptr> frames) {
  if (outbox_.push_backlog(std::move(frames))
      == outbox::push_result::schedule)
    flush();
}

template <class Stream>
void websocket_session<Stream>::flush() {
  asio::post(socket().get_executor(),
             beast::bind_front_handler(&websocket_session::do_write,
                                       shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::queue_control(ws::opcode op,
                                              std::string payload) {
  // Nothing follows our close frame.
  if (phase_ == phase::done || (closing() && op != ws::opcode::close))
    return;
  auto res = outbox_.push_control(control_frame(op, std::move(payload)));
  if (res == outbox::push_result::schedule)
    do_write();
  else if (res == outbox::push_result::overflow)
    on_slow_consumer(); // a pong over max_queued_bytes
}

template <class Stream>
void websocket_session<Stream>::do_write() {
  if (writing_ || !socket().is_open())
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
  asio::post(socket().get_executor(),
             beast::bind_front_handler(&websocket_session::do_write,
                                       shared_from_this()));
}

template <class Stream>
bool websocket_session<Stream>::write_batch() {
  if constexpr (tls)
    return write_tls();
  std::array<iovec, max_iov> iov;
  auto& scratch = write_scratch();
  while (!batch_.written()) {
    msghdr msg{};
    msg.msg_iov = iov.data();
    msg.msg_iovlen = batch_.fill(iov.data(), iov.size(), scratch.data(),
                                 scratch.size(), copy_below);
    auto n = ::sendmsg(socket().native_handle(), &msg, MSG_NOSIGNAL);
    if (n >= 0) {
      metrics::sockd.outbound_bytes.inc(static_cast<uint64_t>(n));
      batch_.advance(static_cast<size_t>(n));
      continue;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      writing_ = true;
      socket().async_wait(
        tcp::socket::wait_write,
        beast::bind_front_handler(&websocket_session::on_write,
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

template <class Stream>
void websocket_session<Stream>::on_write(beast::error_code ec) {
  writing_ = false;
  if (ec || !socket().is_open()) {
    batch_.clear(0);
    outbox_.written();
    return; // cut: the read side ends the session
  }
  if (write_batch()) {
    on_batch_written();
    do_write();
  }
}

template <class Stream>
void websocket_session<Stream>::on_batch_written() {
  auto had_close = batch_.ends_with_close();
  // One add per batch: the frames written, control frames included.
  metrics::sockd.deliveries.inc(batch_.frames().size());
  batch_.clear(busy_capacity);
  outbox_.written();
  if (had_close)
    on_close_written();
}

template <class Stream>
bool websocket_session<Stream>::write_tls() {
  io_.out.clear();
  batch_.append_to(io_.out);
  // The bytes are the stream's now: a slow consumer's close (which drops
  // the frames not started) must not drop frames already in this write.
  batch_.advance(io_.out.size());
  metrics::sockd.outbound_bytes.inc(io_.out.size());
  writing_ = true;
  asio::async_write(io_.stream, asio::buffer(io_.out),
                    beast::bind_front_handler(&websocket_session::on_tls_write,
                                              shared_from_this()));
  return false;
}

template <class Stream>
void websocket_session<Stream>::on_tls_write(beast::error_code ec,
                                             std::size_t) {
  writing_ = false;
  if (io_.out.capacity() > tls_out_keep)
    std::string{}.swap(io_.out);
  if (ec || !socket().is_open()) {
    fail(ec, "websocket write (connection " + grant_.cid + ")");
    batch_.clear(0);
    outbox_.written();
    outbox_.shut();
    cut(); // the read side ends the session
    return;
  }
  on_batch_written();
  do_write();
}

// The members defined here (the class itself is instantiated in
// websocket_session.cpp): the common ones for both transports, the raw
// socket's and the TLS stream's each for its own.
#define SOCKD_WS_WRITE_MEMBERS(S)                                             \
  template void websocket_session<S>::send(frame_ptr);                        \
  template bool websocket_session<S>::queue(frame_ptr);                       \
  template void websocket_session<S>::send_backlog(std::vector<frame_ptr>);   \
  template void websocket_session<S>::flush();                                \
  template void websocket_session<S>::queue_control(ws::opcode, std::string); \
  template void websocket_session<S>::do_write();                             \
  template bool websocket_session<S>::write_batch();                          \
  template void websocket_session<S>::on_batch_written();

SOCKD_WS_WRITE_MEMBERS(tcp::socket)
SOCKD_WS_WRITE_MEMBERS(tls_stream)
template void websocket_session<tcp::socket>::on_write(beast::error_code);
template bool websocket_session<tls_stream>::write_tls();
template void websocket_session<tls_stream>::on_tls_write(beast::error_code,
                                                          std::size_t);

} // namespace sockd::net
