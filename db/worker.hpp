// A database worker: a detached actor owning one connection (db/session),
// so blocking SQL never stalls CAF's scheduler. It speaks database_actor
// plus an internal commit_batch message:
//
//   store    queue (message, promise); the first queued store sends
//            commit_batch to self, so every store already in the mailbox
//            joins the batch
//   allow    queue (request, promise) like a store: the SUBSCRIBEs queued
//            meanwhile share one statement per rule (db/allow_batch.hpp)
//   commit_batch  write the batch in one transaction, then deliver each
//            seq; then answer the queued allowance requests
//   history, writers, ping  commit the batch first, so a reader sees every
//            store
//            received before its request (and a ping answers after them)
//   opened, closed    write sock_connections; while the database is down,
//            keep the writes in a bounded queue and retry every second
#pragma once

#include <cstddef>
#include <memory>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>

#include "db/database.hpp"
#include "db/session.hpp"
#include "interfaces/atoms.hpp"

namespace sockd::db {

using worker_actor = database_actor::extend<caf::reacts_to<commit_batch_atom>>;

/// Spawns worker `index` of a pool of `pool_size`.
caf::actor spawn_worker(caf::actor_system& sys,
                        std::shared_ptr<const database_config> cfg,
                        std::shared_ptr<pool_shared> shared, size_t index);

} // namespace sockd::db
