// A client once upgraded: reading and decoding WebSocket frames, handing
// their events to the observer, queueing and writing its own frames, and
// failing or aborting. Getting there: client.cpp.
#include "loadgen/client.hpp"

#include <boost/asio/write.hpp>

#include "common/ws_frame.hpp"
#include "loadgen/sockets.hpp"

namespace bench {

namespace beast = boost::beast;
namespace net = boost::asio;

namespace {

// The largest server message the load generator accepts.
constexpr size_t max_message_bytes = 1 << 20;

constexpr size_t read_chunk = 16 * 1024;

} // namespace

uint32_t client::next_mask() {
  // xorshift32: masks only need to vary, not to be secret, in a benchmark.
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 17;
  rng_ ^= rng_ << 5;
  return rng_ == 0 ? 1 : rng_;
}

void client::publish(uint64_t seq, int64_t sent_ns) {
  if (state_ != state::ready)
    return;
  if (target_.kind == wire_kind::sockd)
    queue_message(sockd_wire::publish(topic_, seq, sent_ns));
  else
    queue_message(nats_wire::publish(topic_, seq, sent_ns));
}

void client::do_read() {
  auto self = shared_from_this();
  with_stream([&](auto& stream) {
    stream.async_read_some(in_.prepare(read_chunk),
                           [self](beast::error_code ec, size_t n) {
                             self->on_read(ec, n);
                           });
  });
}

void client::on_read(beast::error_code ec, size_t n) {
  if (state_ == state::failed)
    return;
  if (ec)
    return fail(describe(state_ == state::ready ? "read" : "subscribe_read",
                         ec));
  in_.commit(n);
  if (consume_frames())
    do_read();
}

bool client::consume_frames() {
  while (state_ != state::failed) {
    auto data = in_.data();
    ws::frame f;
    size_t used = 0;
    auto st = ws::decode_frame(static_cast<char*>(data.data()), data.size(),
                               max_message_bytes, false, f, used);
    if (st == ws::decode_status::incomplete)
      return true;
    if (st != ws::decode_status::ok) {
      fail(st == ws::decode_status::too_big ? "frame_too_big" : "bad_frame");
      return false;
    }
    bool alive = true;
    switch (f.op) {
      case ws::opcode::text:
      case ws::opcode::binary:
      case ws::opcode::continuation:
        if (fragments_.size() + f.payload.size() > max_message_bytes) {
          fail("message_too_big");
          return false;
        }
        if (f.fin && fragments_.empty()) {
          alive = on_message(f.payload);
        } else {
          fragments_.append(f.payload.data(), f.payload.size());
          if (f.fin) {
            auto whole = std::move(fragments_);
            fragments_.clear();
            alive = on_message(whole);
          }
        }
        break;
      case ws::opcode::ping: {
        std::string pong_frame;
        ws::append_frame(pong_frame, ws::opcode::pong, f.payload, next_mask());
        pending_ += pong_frame;
        flush();
        break;
      }
      case ws::opcode::pong:
        break;
      case ws::opcode::close: {
        unsigned code = 1005;
        if (f.payload.size() >= 2)
          code = (static_cast<unsigned char>(f.payload[0]) << 8)
                 | static_cast<unsigned char>(f.payload[1]);
        fail("closed_by_server:" + std::to_string(code));
        return false;
      }
    }
    if (!alive || state_ == state::failed)
      return false;
    in_.consume(used);
  }
  return false;
}

bool client::on_message(std::string_view payload) {
  if (target_.kind == wire_kind::sockd)
    return on_event(sockd_wire::classify(payload));
  nats_.append(payload);
  wire_event ev;
  bool bad = false;
  while (nats_.next(ev, bad))
    if (!on_event(ev))
      return false;
  if (bad) {
    fail("nats_parse");
    return false;
  }
  return true;
}

bool client::on_event(const wire_event& ev) {
  switch (ev.kind) {
    case wire_event::subscribed:
      if (state_ == state::subscribing) {
        state_ = state::ready;
        observer_.on_ready(*this);
      }
      break;
    case wire_event::delivery:
      observer_.on_delivery(*this, ev.seq, ev.sent_ns);
      break;
    case wire_event::ping:
      queue_message(target_.kind == wire_kind::sockd ? sockd_wire::pong()
                                                     : nats_wire::pong());
      break;
    case wire_event::error:
      if (state_ == state::subscribing) {
        fail("subscribe_error:" + std::string{ev.detail});
        return false;
      }
      ++error_frames;
      break;
    case wire_event::other:
      break;
  }
  return state_ != state::failed;
}

void client::queue_message(std::string_view payload) {
  // NATS takes its protocol in binary frames; sockd wants text.
  auto op = target_.kind == wire_kind::sockd ? ws::opcode::text
                                             : ws::opcode::binary;
  ws::append_frame(pending_, op, payload, next_mask());
  flush();
}

void client::flush() {
  if (write_in_flight_ || pending_.empty() || state_ == state::failed)
    return;
  writing_.swap(pending_);
  pending_.clear();
  write_in_flight_ = true;
  auto self = shared_from_this();
  // Over TLS the whole batch is one SSL_write per 16 KiB record, like the
  // servers' gathered writes.
  with_stream([&](auto& stream) {
    net::async_write(stream, net::buffer(writing_),
                     [self](beast::error_code ec, size_t) {
                       self->on_write(ec);
                     });
  });
}

void client::on_write(beast::error_code ec) {
  write_in_flight_ = false;
  if (state_ == state::failed)
    return;
  if (ec)
    return fail(describe("write", ec));
  flush();
}

void client::fail(std::string reason) {
  if (state_ == state::failed)
    return;
  was_ready_ = state_ == state::ready;
  state_ = state::failed;
  close_sockets();
  observer_.on_failed(*this, reason);
}

void client::abort() {
  if (state_ == state::failed)
    return;
  state_ = state::failed;
  close_sockets();
}

void client::close_sockets() {
  if (ticket_socket_)
    drop(*ticket_socket_);
  drop(socket_);
}

} // namespace bench
