#include "db/allow_batch.hpp"

#include <map>
#include <utility>

#include "db/failure.hpp"
#include "interfaces/errors.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::db {

namespace {

using clock = std::chrono::steady_clock;

void count(const pending_allow& p, bool ok, clock::time_point now) {
  auto& m = metrics::sockd.of(metrics::db_kind::allow);
  m.latency.observe(std::chrono::duration<double>(now - p.since).count());
  (ok ? m.ok : m.error).inc();
}

void answer(pending_allow& p, bool yes) {
  count(p, true, clock::now());
  p.promise.deliver(yes);
}

void refuse(pending_allow& p, caf::error err) {
  count(p, false, clock::now());
  p.promise.deliver(std::move(err));
}

// The requests of one rule (one prepared statement), by their index in
// the batch.
struct rule_group {
  allowance_table::entry rule;
  std::vector<size_t> rows;
};

void run_group(session& db, pqxx::connection& conn, pending_allows& batch,
               const rule_group& g) {
  std::vector<std::string> subs, handles, topics;
  subs.reserve(g.rows.size());
  handles.reserve(g.rows.size());
  topics.reserve(g.rows.size());
  for (auto i : g.rows) {
    subs.push_back(batch[i].sub);
    handles.push_back(batch[i].handle);
    topics.push_back(batch[i].topic);
  }
  std::vector<bool> yes;
  try {
    yes = evaluate_allowance_rows(conn, g.rule, subs, handles, topics);
  } catch (...) {
    auto err = current_failure(db, "allowance query for type "
                                     + batch[g.rows.front()].type);
    for (auto i : g.rows)
      refuse(batch[i], err);
    return;
  }
  auto& cache = db.config().allowance_cache;
  auto now = allowance_cache::clock::now();
  for (size_t k = 0; k < g.rows.size(); ++k) {
    auto& p = batch[g.rows[k]];
    if (yes[k] && cache)
      cache->put(p.sub, p.topic, now);
    answer(p, yes[k]);
  }
}

} // namespace

void answer_allows(session& db, pending_allows& batch) {
  auto* conn = db.get();
  if (conn == nullptr) {
    for (auto& p : batch)
      refuse(p, unavailable());
    batch.clear();
    return;
  }
  using verdict = allowance_table::verdict;
  auto& cache = db.config().allowance_cache;
  auto now = allowance_cache::clock::now();
  std::map<std::string, rule_group> groups; // by statement
  for (size_t i = 0; i < batch.size(); ++i) {
    auto& p = batch[i];
    auto rule = db.allowances().lookup(p.type);
    if (rule.kind == verdict::deny) {
      answer(p, false);
    } else if (rule.kind == verdict::broken) {
      refuse(p, make_error(errc::internal, "allowance query is invalid"));
    } else if (cache && cache->allowed(p.sub, p.topic, now)) {
      answer(p, true);
    } else {
      auto& g = groups[rule.statement];
      g.rule = rule;
      g.rows.push_back(i);
    }
  }
  for (auto& kvp : groups) {
    // A failure drops the connection: the groups after it are unavailable.
    conn = db.get();
    if (conn == nullptr) {
      for (auto i : kvp.second.rows)
        refuse(batch[i], unavailable());
      continue;
    }
    run_group(db, *conn, batch, kvp.second);
  }
  batch.clear();
}

} // namespace sockd::db
