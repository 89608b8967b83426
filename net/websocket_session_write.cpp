// websocket_session's write side: frames queued in the outbox (from any
// thread) leave in gathered sendmsg calls, one write in flight at a time,
// one sendmsg per burst (docs/performance.md).
#include "net/websocket_session.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>

#include "net/fail.hpp"

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

std::array<char, write_scratch_size>& write_scratch() {
  thread_local std::array<char, write_scratch_size> buffer;
  return buffer;
}

} // namespace

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
  if (phase_ == phase::done || (closing() && op != ws::opcode::close))
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

void websocket_session::on_write(beast::error_code ec) {
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
  if (had_close)
    on_close_written();
}

} // namespace sockd::net
