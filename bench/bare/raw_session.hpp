// The coalescing session: Beast completes the upgrade, then the socket is
// driven directly. Broadcast frames arrive pre-framed; whatever queued while
// a write was in flight goes out in the next single write.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "bare/session.hpp"

namespace bench::bare {

class raw_session : public session {
public:
  /// `leftover` holds bytes the HTTP reader read past the upgrade request.
  raw_session(hub& h, std::string connection_id,
              boost::asio::ip::tcp::socket&& socket,
              boost::beast::flat_buffer&& leftover, size_t max_queued_bytes);

  void run(boost::beast::http::request<boost::beast::http::string_body> req);

  void send(const frame_ptr& frame) override;

private:
  using handshake_stream
    = boost::beast::websocket::stream<boost::asio::ip::tcp::socket&>;

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t n);
  bool consume_frames(); // false: the connection must end
  void send_control(std::string bytes);
  void do_write();
  void on_write(boost::beast::error_code ec, size_t n);
  void finish();

  boost::asio::ip::tcp::socket socket_;
  std::optional<handshake_stream> handshake_;
  boost::beast::flat_buffer buffer_;
  std::string message_; // a fragmented message being reassembled
  std::string out_;     // bytes of the write in flight
  size_t max_queued_bytes_;
  bool finished_ = false; // strand only

  std::mutex mutex_; // guards the fields below
  std::vector<frame_ptr> queue_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closed_ = false;
};

} // namespace bench::bare
