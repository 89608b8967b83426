// The allowance listener: one per node, a detached actor with its own
// PostgreSQL connection that LISTENs on the channel `sockd_access`, where
// the trigger on topic_allowances (db/migrations.cpp) and the admin API
// (through notify) publish. Every notification goes to the node's access
// actor as recheck(payload). While the database is down it tries again
// every second; after every (re)connect it sends recheck() (everything):
// notifications sent while it was away are lost.
//
//   notify(payload) -> true   pg_notify('sockd_access', payload): reaches
//                             every node's listener, this one included
//                           | unavailable
//   listen                    internal: wait up to `poll` for
//                             notifications, then look at the mailbox
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>

#include "db/allowance_cache.hpp"
#include "interfaces/access.hpp"

namespace sockd {

/// The channel of the trigger and the API.
constexpr const char* access_channel = "sockd_access";

struct access_listener_config {
  std::string url; // libpq URI
  /// The longest the listener blocks in PostgreSQL before it reads its
  /// mailbox (a notification wakes it at once).
  caf::timespan poll = std::chrono::milliseconds(100);
  caf::timespan retry = std::chrono::seconds(1);
  /// The pool's positive allowance cache, cleared on every notification
  /// before the access actor re-checks; null: none.
  std::shared_ptr<db::allowance_cache> cache;
};

/// Spawns the listener; stop it with an exit message.
access_notifier_actor spawn_access_listener(caf::actor_system& sys,
                                            access_listener_config cfg,
                                            access_actor target);

} // namespace sockd
