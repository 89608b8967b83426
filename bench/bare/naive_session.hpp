// The classic Beast chat-server session: one websocket::stream, one
// async_write per message, a bounded queue behind it. No coalescing: every
// message is its own frame write and its own system call.
#pragma once

#include <cstddef>
#include <deque>
#include <mutex>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "bare/session.hpp"

namespace bench::bare {

class naive_session : public session {
public:
  naive_session(hub& h, std::string connection_id,
                boost::beast::tcp_stream&& stream, size_t max_queued_bytes);

  /// Completes the upgrade for `req`, then reads until the socket ends.
  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  void send(const frame_ptr& frame) override;

private:
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t n);
  void do_write();
  void on_write(boost::beast::error_code ec, size_t n);
  void finish();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  size_t max_queued_bytes_;
  bool finished_ = false; // strand only

  std::mutex mutex_; // guards the fields below
  std::deque<frame_ptr> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

} // namespace bench::bare
