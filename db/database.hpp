// The database pool's interface. Each worker is a detached actor owning one
// PostgreSQL connection, so blocking SQL never stalls CAF's scheduler.
// Failures come back as errc::unavailable, never as exceptions.
//
//   allow(type, sub, handle, topic)  -> bool     the type's allowance query
//   ping                             -> true     readiness (SELECT 1)
//   opened(cid, sub)                            sock_connections row; kept
//                                               and retried while the
//                                               database is down
//   closed(cid)                                 remove the row unless
//                                               messages reference it
//   store(stored_message)            -> int64_t  committed sequence number;
//                                               0 when a row with the same
//                                               (cid, topic, client_id)
//                                               exists (a retry). Errors
//                                               say "not stored" only when
//                                               nothing was committed
//   history(topic, page, page_size)  -> (frames newest first, has_more)
//   writers(topic, online subs)      -> writer_list: every user who stored
//                                               in the topic, plus the online
//                                               subs given, with name/role
//   retry                                       internal timer
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <caf/typed_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/messages.hpp"

namespace sockd {

using database_actor = caf::typed_actor<
  caf::replies_to<allow_atom, std::string, std::string, std::string,
                  std::string>::with<bool>,
  caf::replies_to<ping_atom>::with<bool>,
  caf::reacts_to<opened_atom, std::string, std::string>,
  caf::reacts_to<closed_atom, std::string>,
  caf::replies_to<store_atom, stored_message>::with<int64_t>,
  caf::replies_to<history_atom, std::string, int32_t, int32_t>::with<
    frame_list, bool>,
  caf::replies_to<writers_atom, std::string, string_list>::with<writer_list>,
  caf::reacts_to<retry_atom>>;

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
};

/// Spawns the pool. Stores of one topic always go to the same worker, so
/// storage order is the order the topic sent them in.
database_actor spawn_database_pool(caf::actor_system& sys,
                                   database_config cfg);

} // namespace sockd
