// What every listening socket of the server does: open, bind and listen,
// then accept for as long as it runs, each connection on a strand of its
// own, waiting a little after an accept error (out of file descriptors)
// instead of spinning. What to do with a connection is the subclass's:
// net/listener.hpp (the public port) and net/admin_listener.hpp.
#pragma once

#include <memory>
#include <string>

#include "net/beast.hpp"

namespace sockd::net {

class accept_loop : public std::enable_shared_from_this<accept_loop> {
public:
  virtual ~accept_loop() = default;

  accept_loop(const accept_loop&) = delete;
  accept_loop& operator=(const accept_loop&) = delete;

  /// Opens, binds (reuse_address) and listens; false with `error`
  /// ("cannot bind 127.0.0.1:8080: Address already in use") on failure.
  bool open(const tcp::endpoint& endpoint, std::string& error);

  /// The bound address (the real port when port 0 was asked for).
  tcp::endpoint local_endpoint() const;

  void run();

  /// Stops accepting; thread-safe.
  void stop();

protected:
  /// `what` names the loop in the log ("accept", "admin accept").
  accept_loop(asio::io_context& ioc, const char* what);

  /// A connection, on its own strand; called on the loop's strand.
  virtual void on_socket(tcp::socket socket) = 0;

private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  asio::io_context& ioc_;
  tcp::acceptor acceptor_;
  asio::steady_timer backoff_;
  const char* what_;
  bool stopped_ = false;
};

} // namespace sockd::net
