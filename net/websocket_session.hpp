// One upgraded socket. Beast completes the handshake; from then on the
// session frames the socket itself (net/ws_frame.hpp), so that every frame
// queued while the socket was busy leaves in ONE gathered sendmsg, and a
// busy topic costs one post to the strand per burst, not one per frame.
// Reading is raw too (net/ws_reader.hpp): Beast must not answer pings
// through a write path of its own. There is exactly one writer, the
// outbox; pongs and the close frame queue there behind the data.
//
// The lifecycle is one state (`phase`), changed on the strand only:
//
//   handshake --accepted--> open --do_close(code)---------> closing
//                            |                             |       |
//                            |         peer close or error |       | ours
//                            |                             v       v written
//                            +--peer close or error---> answering  close_sent
//                                                          |       |
//                                          ours written -> |       | <- peer
//                                                          v       v  close or
//                                                             shut    error
//   any phase --accept fails, or reading ends (error, EOF, cut)--> done
//
// From `closing` on, no data is queued or read: our close frame goes out
// after the data queued before it (1008 drops that backlog). `shut`: both
// close frames have crossed (or the peer broke the protocol and ours is
// out), the send side is shut and the read side waits for the peer's EOF.
// `done` happens once: the actor gets `closed`, the admission slot is
// released, the socket is closed. A close that hangs (a peer that stopped
// reading) is cut after a linger time. Besides the phase, two facts are
// independent of it: a write waits for the socket (`writing_`), and reading
// is paused for the connection actor (`read_paused_`).
//
// Sources by job: websocket_session.cpp (the lifecycle and the close
// handshake), websocket_session_read.cpp (reading, inbound flow control),
// websocket_session_write.cpp (the outbox's writes). The class is a
// template over its transport (net/ws_transport.hpp), instantiated for the
// plain socket and for TLS; the sources instantiate what they define.
//
// Over TLS the same phases hold; reads and writes go through the TLS
// stream's asynchronous operations (one read and one write in flight, as
// asio's ssl::stream allows), a burst still leaves in one write, and the
// send side is shut at TCP level after the close frame (the WebSocket
// close handshake already ends the stream, so no close_notify is awaited).
//
// Inbound is bounded too: text frames in flight to the connection actor
// (sent, not yet handled: outbound::frame_done) are counted in frames and
// bytes; past `max_inbound_frames` or `max_inbound_bytes` the session stops
// reading (TCP backpressure holds the client) until the actor has handled
// them all.
// Pings are answered by one pending pong at most (net/outbox.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "actors/connection.hpp"
#include "interfaces/outbound.hpp"
#include "net/beast.hpp"
#include "net/frame_batch.hpp"
#include "net/outbox.hpp"
#include "net/session_registry.hpp"
#include "net/socket_limits.hpp"
#include "net/upgrade_gate.hpp"
#include "net/ws_reader.hpp"
#include "net/ws_transport.hpp"

namespace sockd::net {

struct server_state;

template <class Stream>
class websocket_session
  : public stoppable,
    public std::enable_shared_from_this<websocket_session<Stream>> {
public:
  using std::enable_shared_from_this<websocket_session>::shared_from_this;
  using std::enable_shared_from_this<websocket_session>::weak_from_this;

  /// `early` holds bytes the HTTP reader read past the upgrade request.
  websocket_session(Stream&& stream, std::shared_ptr<server_state> st,
                    upgrade_grant grant, open_token open,
                    std::string_view early);
  ~websocket_session() override;

  /// Completes the upgrade of `req`, or closes the socket at `deadline`.
  void run(request req, std::chrono::steady_clock::time_point deadline);

  void stop(bool force) override;

  /// Queues a text frame; thread-safe. Posts to the strand only when the
  /// socket had nothing queued.
  void send(frame_ptr frame);

  /// Queues a text frame without scheduling the write; thread-safe. True:
  /// the socket was idle and the caller must call flush() (outbound.hpp).
  bool queue(frame_ptr frame);

  /// Schedules the write of what queue() left; thread-safe.
  void flush();

  /// Queues frames that leave as the socket drains (outbound.hpp);
  /// thread-safe.
  void send_backlog(std::vector<frame_ptr> frames);

  /// The connection actor handled a frame whose text held `capacity`
  /// bytes; thread-safe.
  void frame_done(size_t capacity);

  /// Closes after the queued frames (1008: at once); thread-safe.
  void close(uint16_t code, std::string reason);

  /// What a text frame of `capacity` bytes costs while in flight to the
  /// connection actor: its text and the CAF message around it.
  static size_t inbound_cost(size_t capacity);

private:
  static constexpr bool tls = ws_transport<Stream>::tls;

  tcp::socket& socket() {
    return io_.socket();
  }

  enum class phase : uint8_t {
    handshake,  // Beast's accept under way
    open,       // frames flow both ways
    closing,    // our close is queued, the peer's awaited
    answering,  // our close is queued, nothing more awaited from the peer
    close_sent, // our close is written, the peer's awaited
    shut,       // both done: send side shut, reading until EOF
    done,       // actor told, slot released, socket closed
  };

  // From `closing` on: no more data in either direction.
  bool closing() const {
    return phase_ >= phase::closing;
  }

  // lifecycle and close handshake (websocket_session.cpp)
  void on_accept(beast::error_code ec);
  void start_connection();
  void do_close(uint16_t code, std::string reason);
  void on_peer_close(uint16_t code);
  void on_protocol_error(uint16_t code, std::string what);
  void on_peer_finished();
  void on_close_written();
  void on_slow_consumer();
  void count_close(uint16_t code);
  void start_linger();
  void on_linger(beast::error_code ec);
  void shutdown_send();
  void cut();
  void finish();

  // reading (websocket_session_read.cpp)
  void do_read();
  void on_read(beast::error_code ec);
  bool handle_events(); // false: paused, the read chain ends here
  bool inbound_full() const;
  bool pause_reading(); // true: paused
  void on_resume();
  void wake_reader();
  void send_alive();
  void on_tls_read(beast::error_code ec, std::size_t bytes);

  // writing (websocket_session_write.cpp)
  void queue_control(ws::opcode op, std::string payload);
  void do_write();
  bool write_batch(); // false: blocked or failed
  void on_write(beast::error_code ec);
  void on_batch_written();
  bool write_tls(); // false: the write is under way
  void on_tls_write(beast::error_code ec, std::size_t bytes);

  // Members are few and small: 18,000 idle sockets should cost little.
  ws_transport<Stream> io_;
  std::unique_ptr<websocket::stream<Stream&>> handshake_;
  std::shared_ptr<server_state> state_;
  upgrade_grant grant_;
  open_token counted_; // against max_connections until finish()
  connection_actor conn_;
  ws::reader reader_;
  outbox outbox_;     // thread-safe: frames waiting for the next write
  frame_batch batch_; // the write under way
  std::unique_ptr<asio::steady_timer> linger_; // only while closing
  uint64_t id_ = 0;
  bool close_counted_ = false; // in sockd_closes_total
  // Frames in flight to the connection actor (strand adds, actor removes).
  std::atomic<uint32_t> inbound_frames_{0};
  std::atomic<size_t> inbound_bytes_{0};
  std::atomic<bool> read_paused_{false}; // the read chain waits for them
  std::shared_ptr<websocket_session> paused_self_; // strand only
  std::chrono::steady_clock::time_point alive_sent_{};
  phase phase_ = phase::handshake;
  bool writing_ = false; // a write waits for the socket to take more
};

using plain_websocket_session = websocket_session<tcp::socket>;
using tls_websocket_session = websocket_session<tls_stream>;

} // namespace sockd::net
