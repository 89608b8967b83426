// sockd's HTTP and WebSocket front: tickets, health, the dev pages and the
// /sock upgrade. The API is free of Beast types; the I/O threads, the
// listener and the sessions live behind it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "actors/admission.hpp"
#include "actors/keepalive.hpp"
#include "actors/ticket_registry.hpp"
#include "actors/topic_directory.hpp"
#include "auth/jwt.hpp"
#include "config/options.hpp"
#include "interfaces/access.hpp"
#include "interfaces/admin.hpp"
#include "interfaces/database.hpp"

namespace sockd {

/// What the server talks to.
struct server_services {
  caf::actor_system* sys = nullptr;
  options opts;
  std::shared_ptr<const jwt_verifier> jwt;
  std::string dev_secret; // signs /dev/token answers (dev mode only)
  ticket_registry_actor tickets;
  admission_actor admission;
  topic_directory_actor directory;
  database_actor db;
  keepalive_actor keepalive; // ticks every connection (actors/keepalive.hpp)
  caf::actor bridge; // requests from the I/O threads (actors/bridge.hpp)
  // The backend API's disconnect, census and presence: the cluster's
  // (cluster/admin.hpp) or this node's alone (actors/admin.hpp).
  node_admin_actor admin;
  access_actor access; // live memberships, re-checked (actors/access.hpp)
  // NOTIFY to every node's access actor (db/access_listener.hpp)
  access_notifier_actor access_notifier;
};

namespace net {
struct server_state;
class listener;
class admin_listener;
} // namespace net

class server {
public:
  explicit server(server_services services);
  ~server();

  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Loads the TLS files (when set), binds `opts.listen`, starts the I/O
  /// threads and logs `sockd listening on HOST:PORT` (with `(https/wss)`
  /// under TLS). With admin_listen set, binds it too and logs
  /// `sockd admin listening on HOST:PORT`. On failure returns false and
  /// sets `error` (naming admin_listen for the admin address).
  bool start(std::string& error);

  /// With tls_cert and tls_key: loads both files again and uses them for
  /// the next handshakes; open sockets keep theirs (SIGHUP). On failure
  /// keeps the current certificate and returns false with `error` naming
  /// the option. Without TLS: false, `error` says so. Thread-safe.
  bool reload_tls(std::string& error);

  /// The tls_cert and tls_key files as start() would load them: empty, or
  /// the error naming the option (checked before anything starts).
  static std::string check_tls(const options& opts);

  /// The port actually bound (useful with port 0).
  uint16_t port() const;

  /// The admin address's bound port; 0 when admin_listen is empty.
  uint16_t admin_port() const;

  /// Stops accepting, closes every WebSocket with 1001 "going away" (each
  /// connection actor gets `closed`) and joins the I/O threads. Sessions get
  /// about two seconds to finish closing before their sockets are cut.
  void stop();

private:
  // Binds admin_listen when set (start() runs it with the listener).
  bool open_admin(std::string& error);

  std::shared_ptr<net::server_state> state_;
  std::shared_ptr<net::listener> listener_;
  std::shared_ptr<net::admin_listener> admin_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  uint16_t admin_port_ = 0;
  bool running_ = false;
};

} // namespace sockd
