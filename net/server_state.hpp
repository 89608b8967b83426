// What every session of a server shares: the services, the io_context and
// the registry of live sessions. Sessions hold it by shared_ptr, so the
// io_context outlives every socket, whichever thread drops the last one.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "net/beast.hpp"
#include "net/server.hpp"
#include "net/session_registry.hpp"
#include "net/socket_limits.hpp"

namespace sockd::net {

class listen_tls;

struct server_state {
  server_state(server_services services, int io_threads);

  server_services svc;
  std::string web_dir;    // the demo page files (dev mode)
  std::string client_dir; // the browser client, served at /client/ (dev)
  asio::io_context ioc;
  session_registry sessions;
  socket_limits limits; // max_connections, max_pending_per_address
  std::atomic<bool> stopping{false};
  // With tls_cert and tls_key: the listen port's TLS context (set before
  // the listener runs); null: plain HTTP.
  std::shared_ptr<listen_tls> tls;
};

} // namespace sockd::net
