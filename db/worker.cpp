// A database worker: every request of one database connection, with its
// metrics, in one behaviour; the SQL lives in db/queries.cpp and friends,
// the sock_connections writes in db/connection_rows.cpp.
#include "db/worker.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/exit_reason.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include <pqxx/nontransaction>

#include "db/allow_batch.hpp"
#include "db/connection_rows.hpp"
#include "db/failure.hpp"
#include "db/log_text.hpp"
#include "db/pending_rows.hpp"
#include "db/queries.hpp"
#include "db/request_timer.hpp"
#include "db/sock_connections.hpp"
#include "db/store_batch.hpp"
#include "db/topic_messages.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::db {

namespace {

/// Stores written by one transaction at most; more waiting means another
/// transaction right after.
constexpr size_t max_batch = 1000;

/// sock_connections writes kept while the database is down, per pool.
constexpr size_t max_pending_rows = 100000;

/// Waiting writes retried per turn, so that other requests interleave.
constexpr size_t retry_burst = 1000;

/// sock_connections rows written by one transaction at most.
constexpr size_t max_row_run = 250;

constexpr auto retry_interval = std::chrono::seconds{1};

constexpr int32_t max_page_size = 1000;

// A request the pool handed over (db/dispatch.cpp counted it) is taken.
void taken() {
  metrics::sockd.db_queue_depth.sub();
}

struct worker_state {
  std::unique_ptr<session> db;
  std::vector<stored_message> batch;
  store_promises promises;
  pending_allows allows; // answered with the batch (db/allow_batch.hpp)
  bool commit_due = false;
  pending_rows pending{max_pending_rows};
  bool retry_armed = false;
  static inline const char* name = "sockd.db.worker";
};

using self_ptr = worker_actor::stateful_pointer<worker_state>;

// -- stores -------------------------------------------------------------------

// Writes the queued stores in one transaction and answers each promise.
void commit_batch(self_ptr self) {
  auto& st = self->state;
  if (st.batch.empty())
    return;
  auto msgs = std::move(st.batch);
  auto promises = std::move(st.promises);
  st.batch.clear();
  st.promises.clear();
  request_timer timer{metrics::db_kind::store};
  timer.finish(write_batch(*st.db, msgs, promises));
}

// Runs the batch once the requests now in the mailbox are in it.
void batch_soon(self_ptr self) {
  auto& st = self->state;
  if (st.commit_due)
    return;
  st.commit_due = true;
  self->send(self, commit_batch_atom::value);
}

caf::result<int64_t> store(self_ptr self, const stored_message& msg) {
  if (msg.topic.empty() || msg.frame.empty())
    return make_error(errc::bad_frame, "empty topic or frame");
  auto& st = self->state;
  auto promise = self->make_response_promise<int64_t>();
  st.batch.push_back(msg);
  st.promises.push_back(promise);
  if (st.batch.size() >= max_batch)
    commit_batch(self);
  else
    batch_soon(self);
  return promise;
}

// Allowance queries of SUBSCRIBEs wait for the batch too: those queued
// meanwhile share one statement per rule (db/allow_batch.hpp).
void run_allows(self_ptr self) {
  auto& st = self->state;
  if (!st.allows.empty())
    answer_allows(*st.db, st.allows);
}

// -- sock_connections ---------------------------------------------------------

void arm_retry(self_ptr self) {
  auto& st = self->state;
  if (st.retry_armed || st.pending.empty())
    return;
  st.retry_armed = true;
  self->delayed_send(self, retry_interval, retry_atom::value);
}

// Writes the queued rows after the requests now in the mailbox, so that a
// burst of connections shares one transaction (one commit) per run.
void drain_soon(self_ptr self) {
  auto& st = self->state;
  if (st.retry_armed)
    return;
  st.retry_armed = true;
  self->send(self, retry_atom::value);
}

void drain(self_ptr self) {
  auto& st = self->state;
  if (auto dropped = st.pending.take_dropped(); dropped > 0)
    log_error(log_text("worker " + std::to_string(st.db->index())
                       + ": dropped " + std::to_string(dropped)
                       + " waiting sock_connections writes (queue full)"));
  std::vector<pending_rows::op> run;
  for (size_t n = 0; n < retry_burst && !st.pending.empty(); n += run.size()) {
    st.pending.front_run(max_row_run, run);
    request_timer timer{metrics::db_kind::connections};
    auto written = write_connection_rows(*st.db, run);
    timer.finish(written);
    if (!written) {
      arm_retry(self);
      return;
    }
    for (size_t i = 0; i < run.size(); ++i)
      st.pending.pop_front();
  }
  if (!st.pending.empty())
    drain_soon(self); // more waiting: other requests first
}

void opened(self_ptr self, std::string cid, std::string sub) {
  self->state.pending.open(std::move(cid), std::move(sub));
  drain_soon(self);
}

void closed(self_ptr self, std::string cid) {
  auto& st = self->state;
  // A connection gone before its row was written costs no write at all.
  if (st.pending.cancel_open(cid))
    return;
  st.pending.close(std::move(cid));
  drain_soon(self);
}

// -- reads --------------------------------------------------------------------

// A read's frame: without a connection the answer is `unavailable`; a
// query that throws answers what current_failure makes of the exception.
// Each is one database request of `kind` in sockd_db_requests_total and
// its latency histogram.
template <class Result, class Query>
Result on_connection(session& db, metrics::db_kind kind,
                     const std::string& what, Query query) {
  request_timer timer{kind};
  auto* conn = db.get();
  if (conn == nullptr)
    return timer.done(Result{unavailable()});
  try {
    return timer.done(Result{query(*conn)});
  } catch (...) {
    return timer.done(Result{current_failure(db, what)});
  }
}

caf::result<bool> allow(self_ptr self, std::string type, std::string sub,
                        std::string handle, std::string topic) {
  auto& st = self->state;
  auto promise = self->make_response_promise<bool>();
  st.allows.push_back(pending_allow{std::move(type), std::move(sub),
                                    std::move(handle), std::move(topic),
                                    promise,
                                    std::chrono::steady_clock::now()});
  batch_soon(self);
  return promise;
}

// One statement for every sub of a topic's members (a re-check).
caf::result<string_list> allow_many(self_ptr self, const std::string& type,
                                    const string_list& subs,
                                    const std::string& handle,
                                    const std::string& topic) {
  auto& db = *self->state.db;
  auto query = [&](pqxx::connection& conn) -> caf::result<string_list> {
    auto rule = db.allowances().lookup(type);
    using verdict = allowance_table::verdict;
    if (rule.kind == verdict::deny || subs.empty())
      return string_list{};
    if (rule.kind == verdict::broken)
      return make_error(errc::internal, "allowance query is invalid");
    auto allowed = evaluate_allowances(conn, rule, subs, handle, topic);
    // A revoked user's next SUBSCRIBE must ask again (periodic re-checks
    // of app tables clear nothing else).
    if (auto& cache = db.config().allowance_cache) {
      auto now = allowance_cache::clock::now();
      for (auto& sub : subs)
        if (std::find(allowed.begin(), allowed.end(), sub) == allowed.end())
          cache->erase(sub, topic);
        else
          cache->put(sub, topic, now);
    }
    return allowed;
  };
  return on_connection<caf::result<string_list>>(
    db, metrics::db_kind::recheck, "allowance re-check for type " + type,
    query);
}

caf::result<bool> ping(self_ptr self) {
  // Answering after the queued stores are written lets a caller wait for
  // them (main does on shutdown).
  commit_batch(self);
  auto query = [](pqxx::connection& conn) {
    pqxx::nontransaction tx{conn};
    tx.exec_prepared1(stmt::ping);
    return true;
  };
  return on_connection<caf::result<bool>>(*self->state.db,
                                          metrics::db_kind::ping, "ping",
                                          query);
}

caf::result<frame_list, bool> history(self_ptr self, const std::string& topic,
                                      int32_t page, int32_t page_size) {
  if (page < 1 || page_size < 1 || page_size > max_page_size)
    return make_error(errc::bad_frame, "page and page size out of range");
  auto& db = *self->state.db;
  auto too_deep = check_history_depth(page, page_size,
                                      db.config().max_history_rows);
  if (!too_deep.empty())
    return make_error(errc::bad_frame, too_deep);
  commit_batch(self);
  auto query = [&](pqxx::connection& conn) -> caf::result<frame_list, bool> {
    auto p = load_history(conn, topic, page, page_size);
    return {std::move(p.frames), p.has_more};
  };
  return on_connection<caf::result<frame_list, bool>>(
    db, metrics::db_kind::history, "loading history", query);
}

caf::result<writer_list> writers(self_ptr self, const std::string& topic,
                                 const string_list& online) {
  commit_batch(self);
  auto& db = *self->state.db;
  auto query = [&](pqxx::connection& conn) {
    return load_writers(conn, topic, online, db.has_participant_query());
  };
  return on_connection<caf::result<writer_list>>(
    db, metrics::db_kind::writers, "loading participants", query);
}

caf::result<positioned_rows> positions(self_ptr self, const std::string& topic,
                                       const std::string& epoch,
                                       int64_t after, int64_t limit) {
  if (after < 0 || limit < 1)
    return make_error(errc::bad_frame, "position out of range");
  commit_batch(self);
  auto query = [&](pqxx::connection& conn) {
    return load_positioned(conn, topic, epoch, after, limit);
  };
  return on_connection<caf::result<positioned_rows>>(
    *self->state.db, metrics::db_kind::history, "loading stored positions",
    query);
}

worker_actor::behavior_type
worker(self_ptr self, std::shared_ptr<const database_config> cfg,
       std::shared_ptr<pool_shared> shared, size_t index) {
  auto pool_size = static_cast<size_t>(std::max(cfg->pool_size, 1));
  self->state.pending.set_capacity(max_pending_rows / pool_size);
  self->state.db = std::make_unique<session>(std::move(cfg),
                                             std::move(shared), index);
  // On shutdown, write what is queued before leaving.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    commit_batch(self);
    run_allows(self);
    drain(self);
    self->quit(msg.reason);
  });
  return {
    [self](allow_atom, std::string& type, std::string& sub,
           std::string& handle, std::string& topic) {
      taken();
      return allow(self, std::move(type), std::move(sub), std::move(handle),
                   std::move(topic));
    },
    [self](allow_atom, const std::string& type, const string_list& subs,
           const std::string& handle, const std::string& topic) {
      taken();
      return allow_many(self, type, subs, handle, topic);
    },
    [self](ping_atom) {
      taken();
      return ping(self);
    },
    [self](opened_atom, std::string cid, std::string sub) {
      taken();
      opened(self, std::move(cid), std::move(sub));
    },
    [self](closed_atom, std::string cid) {
      taken();
      closed(self, std::move(cid));
    },
    [self](store_atom, const stored_message& msg) {
      taken();
      return store(self, msg);
    },
    [self](history_atom, const std::string& topic, int32_t page,
           int32_t page_size) {
      taken();
      return history(self, topic, page, page_size);
    },
    [self](writers_atom, const std::string& topic, const string_list& online) {
      taken();
      return writers(self, topic, online);
    },
    [self](positions_atom, const std::string& topic, const std::string& epoch,
           int64_t after, int64_t limit) {
      taken();
      return positions(self, topic, epoch, after, limit);
    },
    [self](retry_atom) {
      self->state.retry_armed = false;
      drain(self);
    },
    [self](commit_batch_atom) {
      self->state.commit_due = false;
      commit_batch(self);
      run_allows(self);
    },
  };
}

} // namespace

caf::actor spawn_worker(caf::actor_system& sys,
                        std::shared_ptr<const database_config> cfg,
                        std::shared_ptr<pool_shared> shared, size_t index) {
  auto w = sys.spawn<caf::detached>(worker, std::move(cfg), std::move(shared),
                                    index);
  return caf::actor_cast<caf::actor>(w);
}

} // namespace sockd::db
