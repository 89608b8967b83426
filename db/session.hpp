// One worker's database connection and everything that comes with it.
//
//   none --get()--> connecting --ok--> ready --failure (drop)--> none
//                       |
//                       +--fails--> none (next try after a second)
//
// Connecting is lazy (the first request). Background work (the retry of
// sock_connections writes) tries at most once per second; a request tries
// at once, unless the last failed attempt was slow (a host that does not
// answer), so that the first request after PostgreSQL returns is served
// while a flood of requests cannot stack up connect timeouts. On success it sets the session's timeouts, runs the migrations, prepares
// every statement and, once per process, deletes this node's rows a crash
// left in sock_connections.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <pqxx/connection>

#include "db/allowances.hpp"
#include "db/database.hpp"

namespace sockd::db {

/// State the workers of one pool share.
struct pool_shared {
  enum sweep_state : int { sweep_todo, sweep_running, sweep_done };
  std::atomic<int> sweep{sweep_todo};
  std::atomic<int> logged_rule{-1}; // the exchange rule last logged
};

class session {
public:
  session(std::shared_ptr<const database_config> cfg,
          std::shared_ptr<pool_shared> shared, size_t index);

  /// The live connection, or nullptr while the database is unavailable.
  /// `request`: a client waits for this work, so a connection that is gone
  /// is re-established now, not after the reconnect interval (see above).
  pqxx::connection* get(bool request = true);

  /// Forgets the connection after a failure; the next get() reconnects.
  void drop(const std::string& why);

  /// Whether this process has cleared its node's stale sock_connections
  /// rows; tries to when nobody has yet. Until then inserts wait, so the
  /// cleanup never deletes a row of this process. Throws pqxx exceptions.
  bool swept();

  const allowance_table& allowances() const {
    return allowances_;
  }

  bool has_participant_query() const {
    return participant_ok_;
  }

  const database_config& config() const {
    return *cfg_;
  }

  size_t index() const {
    return index_;
  }

private:
  bool alive();
  bool connect();
  void setup();
  void log_exchange_rule(bool awayto);

  std::shared_ptr<const database_config> cfg_;
  std::shared_ptr<pool_shared> shared_;
  size_t index_;
  std::string conninfo_;
  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point last_failure_;
  std::chrono::steady_clock::duration last_attempt_{};
  bool failed_ = false;
  // What the log last said, so that an outage costs a line or two, not one
  // per second.
  enum class logged { up, lost, unavailable } logged_ = logged::up;
  bool ever_connected_ = false;
  allowance_table allowances_;
  bool participant_ok_ = false;
};

} // namespace sockd::db
