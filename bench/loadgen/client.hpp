// One simulated browser tab: fetch a ticket over its own HTTP connection
// (sockd and the bare server), open the WebSocket, subscribe to one topic,
// then publish and receive. Everything runs on the load generator's single
// io thread, so nothing here is locked. With target_config::tls both
// connections are TLS (https, wss) over the same TCP sockets.
//
//   idle -> ticket -> upgrade -> subscribing -> ready
//     any step can go to failed (error, refusal, timeout, abort)
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "loadgen/wire.hpp"

namespace bench {

using steady = std::chrono::steady_clock;

/// Nanoseconds on the monotonic clock, the unit of every latency.
inline int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           steady::now().time_since_epoch())
    .count();
}

/// Kept-alive HTTP connections for /ticket, shared by the clients of one
/// load generator (plain mode only): a browser fetches its ticket over the
/// connection it already holds to the API. A client takes an idle one, or
/// opens a new one when none is idle, and gives it back after the answer.
struct ticket_pool {
  std::vector<boost::asio::ip::tcp::socket> idle;
  uint64_t opened = 0; // connections opened for tickets
  uint64_t reused = 0; // tickets fetched over a kept-alive connection
};

struct target_config {
  wire_kind kind = wire_kind::sockd;
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host;            // Host header
  std::string ws_path = "/sock";
  bool ticket = true;          // fetch a ticket first (sockd, bare)
  /// Not null: speak TLS (https for the ticket, wss) with this context.
  boost::asio::ssl::context* tls = nullptr;
  /// Not null (plain mode): fetch tickets over kept-alive connections.
  ticket_pool* tickets = nullptr;
};

class client;

/// Receives a client's events; implemented by the scenarios.
class client_observer {
public:
  virtual ~client_observer() = default;
  virtual void on_ready(client& c) = 0;
  virtual void on_failed(client& c, const std::string& reason) = 0;
  virtual void on_delivery(client& c, uint64_t seq, int64_t sent_ns) = 0;
};

class client : public std::enable_shared_from_this<client> {
public:
  enum class state { idle, ticket, upgrade, subscribing, ready, failed };

  client(boost::asio::io_context& ioc, const target_config& target,
         client_observer& observer, uint32_t index, std::string topic,
         std::string token);

  /// Starts connecting; the observer hears on_ready or on_failed.
  void start(std::chrono::milliseconds timeout);

  /// Queues a benchmark message to the client's topic; ready clients only.
  void publish(uint64_t seq, int64_t sent_ns);

  /// Fails the client with `reason` if its connect deadline has passed.
  void check_deadline(steady::time_point now);

  /// Drops the connection at once (RST, like a lost network), silently.
  void abort();

  state current() const { return state_; }
  uint32_t index() const { return index_; }
  const std::string& topic() const { return topic_; }
  steady::time_point started() const { return started_; }

  // Per-scenario bookkeeping, owned by the scenario.
  uint64_t last_seq = 0;
  uint64_t unique = 0;
  uint64_t error_frames = 0; // ERROR frames after the subscription

  /// "TLSv1.3 TLS_AES_256_GCM_SHA384" once handshaken; empty in plain mode.
  std::string tls_summary() const;

  /// Whether the client was subscribed when it failed.
  bool was_ready() const { return was_ready_; }

private:
  using http_response
    = boost::beast::http::response<boost::beast::http::string_body>;
  using tls_stream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

  // Runs f on the WebSocket's stream: TLS over socket_, or socket_ itself.
  // One branch per read or write call, none per frame: the plain path
  // stays what it was (no virtual stream).
  template <class F>
  void with_stream(F&& f) {
    if (tls_)
      f(*tls_);
    else
      f(socket_);
  }

  template <class F>
  void with_ticket_stream(F&& f) {
    if (ticket_tls_)
      f(*ticket_tls_);
    else
      f(*ticket_socket_);
  }

  void fetch_ticket();
  void connect_ticket();
  void on_ticket_connect(boost::beast::error_code ec);
  void send_ticket_request();
  void on_ticket_read(boost::beast::error_code ec);
  void open_socket();
  void on_connect(boost::beast::error_code ec);
  void send_upgrade();
  void on_upgrade_read(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, size_t n);
  bool consume_frames(); // false: the client failed
  bool on_message(std::string_view payload);
  bool on_event(const wire_event& ev);
  void queue_message(std::string_view payload);
  void flush();
  void on_write(boost::beast::error_code ec);
  void fail(std::string reason);
  void close_sockets();
  uint32_t next_mask();

  boost::asio::io_context& ioc_;
  const target_config& target_;
  client_observer& observer_;
  uint32_t index_;
  std::string topic_;
  std::string token_;
  state state_ = state::idle;
  steady::time_point started_;
  steady::time_point deadline_;
  uint32_t rng_;

  std::optional<boost::asio::ip::tcp::socket> ticket_socket_;
  boost::asio::ip::tcp::socket socket_;
  std::optional<tls_stream> ticket_tls_; // over *ticket_socket_
  std::optional<tls_stream> tls_;        // over socket_
  boost::beast::flat_buffer http_buffer_;
  std::optional<boost::beast::http::request<boost::beast::http::empty_body>>
    request_;
  std::optional<boost::beast::http::response_parser<
    boost::beast::http::string_body>>
    parser_;
  std::string ticket_;
  bool ticket_reused_ = false; // over a kept-alive connection
  std::string ws_key_;

  boost::beast::flat_buffer in_;
  std::string fragments_;
  nats_wire::parser nats_;
  std::string pending_; // frames waiting for the write in flight
  std::string writing_; // frames of the write in flight
  bool write_in_flight_ = false;
  bool was_ready_ = false;
};

} // namespace bench
