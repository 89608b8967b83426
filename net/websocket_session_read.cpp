// websocket_session's read side: bytes from the socket through the frame
// reader (net/ws_reader.hpp) to the connection actor, bounded by the
// frames and bytes in flight to it (inbound flow control). Plain sockets
// wait for readiness and read without blocking; TLS reads through the
// stream (it buffers what the socket no longer signals). Either way a paused
// session reads nothing, so TCP backpressure holds the client.
#include "net/websocket_session.hpp"

#include <array>
#include <chrono>

#include <boost/asio/bind_allocator.hpp>
#include <caf/send.hpp>

#include "net/exact_allocator.hpp"
#include "net/fail.hpp"
#include "net/server_state.hpp"
#include "net/tls_stream.hpp"

namespace sockd::net {

namespace {

// A ping or pong tells the connection actor the client lives; a flood of
// them sends it at most one such message per this interval.
constexpr auto alive_interval = std::chrono::milliseconds(100);

// What CAF adds around a frame's text on its way to the connection actor:
// the mailbox element, the atom and the std::string itself (an estimate
// from above; 0.17's mailbox_element_vals<atom, string> is under 100).
constexpr size_t message_overhead = 128;

// Reads go through one buffer per I/O thread: an idle socket holds none.
constexpr size_t read_chunk = 16 * 1024;

// Per turn on the strand, at most this many reads; then the session yields
// to the other sockets.
constexpr int max_reads_per_turn = 8;

std::array<char, read_chunk>& read_buffer() {
  thread_local std::array<char, read_chunk> buffer;
  return buffer;
}

bool would_block(const beast::error_code& ec) {
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

// A TLS peer that closes without close_notify has still ended the stream
// (its WebSocket close frame, if any, came before).
beast::error_code tls_read_end(beast::error_code ec) {
  return ec == ssl::error::stream_truncated ? asio::error::eof : ec;
}

} // namespace

template <class Stream>
void websocket_session<Stream>::do_read() {
  if (!socket().is_open()) {
    finish();
    return;
  }
  if constexpr (tls) {
    // Not a readiness wait: the stream may hold a record already read.
    io_.stream.async_read_some(
      asio::buffer(*io_.in),
      beast::bind_front_handler(&websocket_session::on_tls_read,
                                shared_from_this()));
    return;
  }
  // Waiting for readability needs no buffer: idle sockets hold none. The
  // wait is allocated at its own size (net/exact_allocator.hpp).
  socket().async_wait(tcp::socket::wait_read,
                     asio::bind_allocator(
                       exact_allocator<void>{},
                       beast::bind_front_handler(&websocket_session::on_read,
                                                 shared_from_this())));
}

template <class Stream>
void websocket_session<Stream>::on_read(beast::error_code ec) {
  if (ec || phase_ == phase::done) {
    fail(ec, "websocket read (connection " + grant_.cid + ")");
    finish();
    return;
  }
  auto& buf = read_buffer();
  for (int i = 0; i < max_reads_per_turn; ++i) {
    if (!socket().is_open()) { // cut while handling the last bytes
      finish();
      return;
    }
    auto n = socket().read_some(asio::buffer(buf), ec);
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
      return; // paused: on_resume() goes on
  }
  // More may be waiting; the other sockets get their turn first.
  asio::post(socket().get_executor(),
             beast::bind_front_handler(&websocket_session::on_read,
                                       shared_from_this(),
                                       beast::error_code{}));
}

template <class Stream>
void websocket_session<Stream>::on_tls_read(beast::error_code ec,
                                            std::size_t bytes) {
  if (ec || phase_ == phase::done) {
    fail(tls_read_end(ec), "websocket read (connection " + grant_.cid + ")");
    finish();
    return;
  }
  reader_.append(io_.in->data(), bytes);
  if (handle_events())
    do_read(); // else paused: on_resume() goes on
}

template <class Stream>
bool websocket_session<Stream>::handle_events() {
  using kind = ws::reader::kind;
  for (;;) {
    // Frames in flight past the bound: no more reading or parsing until
    // the actor handled some (what is read stays in the reader).
    if (!closing() && inbound_full() && pause_reading())
      return false;
    auto ev = reader_.next();
    switch (ev.what) {
      case kind::none:
        return true;
      case kind::text:
        // Frames that cross our close frame are dropped.
        if (!closing()) {
          inbound_bytes_ += inbound_cost(ev.payload.capacity());
          inbound_frames_ += 1;
          caf::anon_send(conn_, frame_atom::value, std::move(ev.payload));
        }
        break;
      case kind::binary:
        do_close(ws::close_code::unsupported,
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
        on_protocol_error(ev.code, std::move(ev.payload));
        return true;
    }
  }
}

template <class Stream>
size_t websocket_session<Stream>::inbound_cost(size_t capacity) {
  return capacity + message_overhead;
}

template <class Stream>
bool websocket_session<Stream>::inbound_full() const {
  auto& opts = state_->svc.opts;
  return inbound_frames_.load()
           >= static_cast<uint32_t>(opts.max_inbound_frames)
         || inbound_bytes_.load()
              >= static_cast<size_t>(opts.max_inbound_bytes);
}

template <class Stream>
bool websocket_session<Stream>::pause_reading() {
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

template <class Stream>
void websocket_session<Stream>::frame_done(size_t capacity) {
  inbound_bytes_ -= inbound_cost(capacity);
  // A paused read resumes once the actor handled every frame in flight,
  // not merely one: its mailbox runs empty, so it leaves the scheduler to
  // the other actors before the next batch arrives (a flooding client must
  // not keep one CAF worker to itself).
  if (inbound_frames_.fetch_sub(1) != 1 || !read_paused_.load())
    return;
  if (read_paused_.exchange(false))
    asio::post(socket().get_executor(),
               beast::bind_front_handler(&websocket_session::on_resume,
                                         shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::on_resume() {
  paused_self_.reset(); // the handler holds the session now
  if (phase_ == phase::done)
    return;
  if (handle_events())
    do_read(); // a socket cut meanwhile finishes there
}

template <class Stream>
void websocket_session<Stream>::wake_reader() {
  // Paused means paused_self_ holds the session, so this is never the
  // destructor's call.
  if (read_paused_.exchange(false))
    asio::post(socket().get_executor(),
               beast::bind_front_handler(&websocket_session::on_resume,
                                         shared_from_this()));
}

template <class Stream>
void websocket_session<Stream>::send_alive() {
  auto now = std::chrono::steady_clock::now();
  if (now - alive_sent_ < alive_interval)
    return;
  alive_sent_ = now;
  caf::anon_send(conn_, alive_atom::value);
}

// The members defined here (the class itself is instantiated in
// websocket_session.cpp): the common ones for both transports, the raw
// socket's and the TLS stream's each for its own.
#define SOCKD_WS_READ_MEMBERS(S)                                              \
  template void websocket_session<S>::do_read();                              \
  template bool websocket_session<S>::handle_events();                        \
  template size_t websocket_session<S>::inbound_cost(size_t);                 \
  template bool websocket_session<S>::inbound_full() const;                   \
  template bool websocket_session<S>::pause_reading();                        \
  template void websocket_session<S>::frame_done(size_t);                     \
  template void websocket_session<S>::on_resume();                            \
  template void websocket_session<S>::wake_reader();                          \
  template void websocket_session<S>::send_alive();

SOCKD_WS_READ_MEMBERS(tcp::socket)
SOCKD_WS_READ_MEMBERS(tls_stream)
template void websocket_session<tcp::socket>::on_read(beast::error_code);
template void websocket_session<tls_stream>::on_tls_read(beast::error_code,
                                                         std::size_t);

} // namespace sockd::net
