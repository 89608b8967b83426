// sockd's own PostgreSQL 15, for when no database_url is configured: a
// cluster under <data_dir>/postgresql, created by initdb on first use,
// started on a free loopback port and stopped with sockd.
//
// Authentication is `trust`, and the server listens on 127.0.0.1 only (TCP)
// plus a Unix socket inside the cluster directory (mode 0700): any local
// user who can reach 127.0.0.1 can connect as the superuser. Fine for a
// single-user machine or a container; elsewhere set database_url.
//
// One sockd per data_dir: start() takes an exclusive lock on
// <data_dir>/sockd.lock (flock, held until this process ends, however it
// ends). A second sockd on the same data_dir is refused while the first
// lives; once the lock is ours, a server still running on the cluster was
// left by a sockd that died (kill -9): it is stopped (fast shutdown, open
// transactions roll back) and started afresh on a free port, on the same
// data.
//
// Running as root, every PostgreSQL program runs as the `postgres` account
// (runuser), since PostgreSQL refuses to run as root.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <sys/types.h>

namespace sockd {

class private_postgres {
public:
  explicit private_postgres(std::string data_dir);

  /// Stops the server if this object started it.
  ~private_postgres();

  private_postgres(const private_postgres&) = delete;
  private_postgres& operator=(const private_postgres&) = delete;

  /// Creates the cluster when there is none, then starts the server, on the
  /// port of the previous start when there was one and it is free.
  /// Returns an empty string on success, else what went wrong.
  std::string start();

  /// Stops the server (fast shutdown: open transactions roll back).
  /// Returns an empty string on success, else what went wrong.
  std::string stop();

  /// libpq URL of the running server.
  const std::string& url() const {
    return url_;
  }

  bool running() const {
    return running_;
  }

  uint16_t port() const {
    return port_;
  }

private:
  std::string find_bindir();
  std::string prepare_directories();
  std::string lock_data_dir();
  std::string init_cluster();
  std::string stop_leftover();
  std::string start_server();
  std::vector<std::string> command(const std::string& program,
                                   std::vector<std::string> args) const;
  std::string log_tail() const;

  std::string data_dir_;
  std::string bindir_;
  std::string cluster_dir_; // <data_dir>/postgresql, owned by the server
  std::string pgdata_;      // <cluster_dir>/data
  std::string url_;
  bool as_postgres_ = false; // running as root: switch to `postgres`
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  uint16_t port_ = 0;
  bool running_ = false;
  int lock_fd_ = -1; // <data_dir>/sockd.lock, flock'ed while we live
};

} // namespace sockd
