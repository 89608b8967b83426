#include "db/database.hpp"

#include <memory>
#include <utility>

#include <caf/actor_cast.hpp>
#include <caf/actor_pool.hpp>
#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include "db/dispatch.hpp"
#include "db/session.hpp"
#include "db/worker.hpp"

namespace sockd {

database_actor spawn_database_pool(caf::actor_system& sys,
                                   database_config cfg) {
  if (cfg.pool_size < 1)
    cfg.pool_size = 1;
  auto size = static_cast<size_t>(cfg.pool_size);
  auto shared_cfg = std::make_shared<const database_config>(std::move(cfg));
  auto shared = std::make_shared<db::pool_shared>();
  auto index = std::make_shared<size_t>(0);
  // The pool calls the factory `size` times, in order, right here.
  auto factory = [&sys, shared_cfg, shared, index] {
    return db::spawn_worker(sys, shared_cfg, shared, (*index)++);
  };
  auto pool = caf::actor_pool::make(sys.dummy_execution_unit(), size, factory,
                                    db::keyed_dispatch());
  return caf::actor_cast<database_actor>(pool);
}

bool drain_database(caf::actor_system& sys, const database_actor& db,
                    int workers, caf::timespan budget) {
  caf::scoped_actor self{sys};
  auto deadline = std::chrono::steady_clock::now() + budget;
  for (int i = 0; i < workers; ++i) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= caf::timespan::zero())
      return false;
    bool ok = true;
    self->request(db, std::chrono::duration_cast<caf::timespan>(left),
                  ping_atom::value)
      .receive([](bool) {}, [&](caf::error&) { ok = false; });
    if (!ok)
      return false;
  }
  return true;
}

} // namespace sockd
