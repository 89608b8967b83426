#include "bare/raw_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "common/ws_frame.hpp"

namespace bench::bare {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// sockd's default max_frame_bytes.
constexpr size_t max_message_bytes = 64 * 1024;

} // namespace

raw_session::raw_session(hub& h, std::string connection_id,
                         tcp::socket&& socket, beast::flat_buffer&& leftover,
                         size_t max_queued_bytes)
  : session(h, std::move(connection_id)),
    socket_(std::move(socket)),
    buffer_(std::move(leftover)),
    max_queued_bytes_(max_queued_bytes) {
  // nothing else
}

void raw_session::run(beast::http::request<beast::http::string_body> req) {
  handshake_.emplace(socket_);
  auto self = std::static_pointer_cast<raw_session>(shared_from_this());
  handshake_->async_accept(req, [self](beast::error_code ec) {
    self->on_accept(ec);
  });
}

void raw_session::on_accept(beast::error_code ec) {
  handshake_.reset();
  if (ec)
    return finish();
  socket_.set_option(tcp::no_delay{true});
  if (!consume_frames())
    return finish();
  do_read();
}

void raw_session::do_read() {
  auto self = std::static_pointer_cast<raw_session>(shared_from_this());
  // Small reads keep idle sockets small; a larger frame grows the buffer.
  socket_.async_read_some(buffer_.prepare(4 * 1024),
                          [self](beast::error_code ec, size_t n) {
                            self->on_read(ec, n);
                          });
}

void raw_session::on_read(beast::error_code ec, size_t n) {
  if (ec)
    return finish();
  buffer_.commit(n);
  if (!consume_frames())
    return finish();
  do_read();
}

bool raw_session::consume_frames() {
  for (;;) {
    auto data = buffer_.data();
    ws::frame f;
    size_t used = 0;
    auto st = ws::decode_frame(static_cast<char*>(data.data()), data.size(),
                               max_message_bytes, true, f, used);
    if (st == ws::decode_status::incomplete)
      return true;
    if (st != ws::decode_status::ok) {
      std::string bytes;
      ws::append_close(bytes, st == ws::decode_status::too_big ? 1009 : 1002,
                       "");
      send_control(std::move(bytes));
      return false;
    }
    switch (f.op) {
      case ws::opcode::text:
      case ws::opcode::binary:
      case ws::opcode::continuation:
        if (message_.size() + f.payload.size() > max_message_bytes)
          return false;
        if (f.fin && message_.empty()) {
          on_text(f.payload);
        } else {
          message_.append(f.payload.data(), f.payload.size());
          if (f.fin) {
            on_text(message_);
            message_.clear();
          }
        }
        break;
      case ws::opcode::ping: {
        std::string bytes;
        ws::append_frame(bytes, ws::opcode::pong, f.payload);
        send_control(std::move(bytes));
        break;
      }
      case ws::opcode::pong:
        break;
      case ws::opcode::close: {
        std::string bytes;
        ws::append_close(bytes, 1000, "");
        send_control(std::move(bytes));
        buffer_.consume(used);
        return false;
      }
    }
    buffer_.consume(used);
  }
}

void raw_session::send_control(std::string bytes) {
  auto frame = std::make_shared<const std::string>(std::move(bytes));
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_)
    return;
  queue_.push_back(std::move(frame));
  if (!writing_) {
    writing_ = true;
    auto self = std::static_pointer_cast<raw_session>(shared_from_this());
    net::post(socket_.get_executor(), [self] { self->do_write(); });
  }
}

void raw_session::send(const frame_ptr& frame) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_)
    return;
  if (queued_bytes_ + frame->size() > max_queued_bytes_) {
    // Slow consumer: close rather than grow.
    closed_ = true;
    auto self = std::static_pointer_cast<raw_session>(shared_from_this());
    net::post(socket_.get_executor(), [self] {
      beast::error_code ignored;
      self->socket_.close(ignored);
    });
    return;
  }
  queue_.push_back(frame);
  queued_bytes_ += frame->size();
  if (!writing_) {
    writing_ = true;
    auto self = std::static_pointer_cast<raw_session>(shared_from_this());
    net::post(socket_.get_executor(), [self] { self->do_write(); });
  }
}

void raw_session::do_write() {
  out_.clear();
  {
    std::lock_guard<std::mutex> guard{mutex_};
    for (auto& frame : queue_)
      out_ += *frame;
    queue_.clear();
    queued_bytes_ = 0;
  }
  auto self = std::static_pointer_cast<raw_session>(shared_from_this());
  net::async_write(socket_, net::buffer(out_),
                   [self](beast::error_code ec, size_t n) {
                     self->on_write(ec, n);
                   });
}

void raw_session::on_write(beast::error_code ec, size_t) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (ec) {
      closed_ = true;
      queue_.clear();
    }
    if (queue_.empty()) {
      writing_ = false;
      if (finished_ && !ec) {
        beast::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_send, ignored);
      }
      return;
    }
  }
  do_write();
}

void raw_session::finish() {
  if (finished_)
    return;
  finished_ = true;
  bool idle = false;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
    idle = !writing_;
  }
  leave_all();
  if (idle) {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
  }
}

} // namespace bench::bare
