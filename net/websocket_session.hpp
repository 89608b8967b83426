// One upgraded socket. It completes the handshake, spawns the connection
// actor and forwards it the socket's text frames (pongs as `alive`); it
// writes the actor's frames with one async_write in flight and a queue
// bounded in bytes behind it.
//
//   handshake --accept--> open --close(code)--> closing --read ends--> done
//       |                  |  \--queue over limit: close 1008 at once
//       \--fails-----------+--read error / peer close---------------> done
//
// `done` happens once: the actor gets `closed` and the admission slot is
// released. A close that hangs (a peer that stopped reading) is cut after
// a linger time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "actors/connection.hpp"
#include "actors/outbound.hpp"
#include "net/beast.hpp"
#include "net/frame_queue.hpp"
#include "net/session_registry.hpp"
#include "net/upgrade_gate.hpp"

namespace sockd::net {

struct server_state;

class websocket_session
  : public stoppable,
    public std::enable_shared_from_this<websocket_session> {
public:
  websocket_session(tcp::socket&& socket, std::shared_ptr<server_state> st,
                    upgrade_grant grant, std::string peer);
  ~websocket_session() override;

  /// Completes the upgrade of `req`.
  void run(request req);

  void stop(bool force) override;

  /// Queues a frame; thread-safe (posts to the strand).
  void send(frame_ptr frame);

  /// Closes after the queued frames (1008: at once); thread-safe.
  void close(uint16_t code, std::string reason);

private:
  void configure();
  void on_accept(beast::error_code ec);
  void do_read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void on_send(frame_ptr frame);
  void do_write();
  void on_write(beast::error_code ec, std::size_t bytes);
  void on_close_request(uint16_t code, std::string reason);
  void do_close(uint16_t code, const std::string& reason);
  void on_close(beast::error_code ec);
  void on_linger(beast::error_code ec);
  void cut();
  void finish();

  websocket::stream<tcp::socket> ws_;
  std::shared_ptr<server_state> state_;
  upgrade_grant grant_;
  std::string peer_;
  connection_actor conn_;
  beast::flat_buffer buffer_;
  frame_queue queue_;
  std::optional<asio::steady_timer> linger_;
  std::optional<std::pair<uint16_t, std::string>> close_after_drain_;
  uint64_t id_ = 0;
  bool open_ = false;     // handshake done
  bool writing_ = false;  // an async_write is in flight
  bool closing_ = false;  // close requested: further sends are ignored
  bool finished_ = false; // actor told, slot released
};

} // namespace sockd::net
