#include "net/admin_listener.hpp"

#include "net/admin_session.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

admin_listener::admin_listener(std::shared_ptr<server_state> st)
  : accept_loop(st->ioc, "admin accept"), state_(std::move(st)) {
  // nop
}

void admin_listener::on_socket(tcp::socket socket) {
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::make_shared<admin_session>(std::move(socket), state_)->run();
}

} // namespace sockd::net
