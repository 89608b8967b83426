#include "bare/naive_session.hpp"

#include <boost/asio/post.hpp>

namespace bench::bare {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;

naive_session::naive_session(hub& h, std::string connection_id,
                             beast::tcp_stream&& stream,
                             size_t max_queued_bytes)
  : session(h, std::move(connection_id)),
    ws_(std::move(stream)),
    max_queued_bytes_(max_queued_bytes) {
  // nothing else
}

void naive_session::run(
  beast::http::request<beast::http::string_body> req) {
  beast::get_lowest_layer(ws_).expires_never();
  ws_.set_option(
    websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.read_message_max(64 * 1024);
  auto self = std::static_pointer_cast<naive_session>(shared_from_this());
  ws_.async_accept(req, [self](beast::error_code ec) { self->on_accept(ec); });
}

void naive_session::on_accept(beast::error_code ec) {
  if (ec)
    return finish();
  do_read();
}

void naive_session::do_read() {
  auto self = std::static_pointer_cast<naive_session>(shared_from_this());
  ws_.async_read(buffer_, [self](beast::error_code ec, size_t n) {
    self->on_read(ec, n);
  });
}

void naive_session::on_read(beast::error_code ec, size_t) {
  if (ec)
    return finish();
  auto data = buffer_.cdata();
  on_text({static_cast<const char*>(data.data()), data.size()});
  buffer_.consume(buffer_.size());
  do_read();
}

void naive_session::send(const frame_ptr& frame) {
  std::lock_guard<std::mutex> guard{mutex_};
  if (closed_)
    return;
  if (queued_bytes_ + frame->size() > max_queued_bytes_) {
    closed_ = true;
    auto self = std::static_pointer_cast<naive_session>(shared_from_this());
    net::post(ws_.get_executor(), [self] {
      beast::get_lowest_layer(self->ws_).socket().close();
    });
    return;
  }
  queue_.push_back(frame);
  queued_bytes_ += frame->size();
  if (!writing_) {
    writing_ = true;
    auto self = std::static_pointer_cast<naive_session>(shared_from_this());
    net::post(ws_.get_executor(), [self] { self->do_write(); });
  }
}

void naive_session::do_write() {
  frame_ptr front;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    front = queue_.front();
  }
  auto self = std::static_pointer_cast<naive_session>(shared_from_this());
  ws_.async_write(net::buffer(*front),
                  [self, front](beast::error_code ec, size_t n) {
                    self->on_write(ec, n);
                  });
}

void naive_session::on_write(beast::error_code ec, size_t) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (ec) {
      closed_ = true;
      queue_.clear();
      queued_bytes_ = 0;
    }
    if (queue_.empty()) {
      writing_ = false;
      return;
    }
  }
  do_write();
}

void naive_session::finish() {
  if (finished_)
    return;
  finished_ = true;
  {
    std::lock_guard<std::mutex> guard{mutex_};
    closed_ = true;
  }
  leave_all();
}

} // namespace bench::bare
