// The database pool: `db_pool_size` workers, each a detached actor owning
// one PostgreSQL connection, so blocking SQL never stalls CAF's scheduler.
// Its messages are interfaces/database.hpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "db/allowance_cache.hpp"

#include "interfaces/database.hpp"

namespace sockd {

/// What the pool's workers need to know.
struct database_config {
  std::string url;        // libpq URI
  std::string schema;     // schema of sockd's tables
  std::string node_name;  // recorded with sock_connections rows
  int pool_size = 4;
  /// Allowance SQL per topic type ($1 sub, $2 handle, $3 topic, all text).
  /// The key "*" is the query for every type not named; an empty query
  /// denies the type.
  std::map<std::string, std::string> allowances;
  std::string participant_query; // optional: $1 sub -> name, role
  /// History pages reach this deep at most (page x page size); deeper ones
  /// are refused with bad_frame.
  int64_t max_history_rows = 10000;
  /// Positive allowance decisions, shared with the allowance listener,
  /// which clears it on every notification; null: every SUBSCRIBE asks.
  std::shared_ptr<db::allowance_cache> allowance_cache;
};

/// Spawns the pool. Stores of one topic always go to the same worker, so
/// storage order is the order the topic sent them in.
database_actor spawn_database_pool(caf::actor_system& sys,
                                   database_config cfg);

/// Waits until the writes queued in the pool of `workers` workers are done,
/// at most `budget`: a ping per worker queues behind them (the pool hands
/// pings out round-robin). False when the database did not answer in time.
bool drain_database(caf::actor_system& sys, const database_actor& db,
                    int workers, caf::timespan budget);

} // namespace sockd
