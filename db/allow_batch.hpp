// Allowance queries of one database worker, answered in batches: the
// SUBSCRIBEs that reach a worker while it is busy (a connection storm, the
// conns benchmark) wait in its queue and share one SQL round trip per
// allowance rule instead of one each. A worker queues each request and
// runs the queue once the requests already in its mailbox are in
// (db/worker.cpp: the commit_batch message it sends itself), so an idle
// worker answers a lone SUBSCRIBE at once, as before.
//
// Each request is still decided on its own (sub, handle, topic): the rule's
// pg_temp function (db/allowances.hpp) is called once per row of
// unnest($1::text[], $2::text[], $3::text[]). The positive cache is asked
// first and told every yes, exactly as for a single query.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "db/session.hpp"

namespace sockd::db {

struct pending_allow {
  std::string type;
  std::string sub;
  std::string handle;
  std::string topic;
  caf::typed_response_promise<bool> promise;
  std::chrono::steady_clock::time_point since; // for the latency metric
};

using pending_allows = std::vector<pending_allow>;

/// Answers every request of `batch` (each promise exactly once): denied
/// and broken rules and cached yeses at once, the rest in one statement per
/// rule; unavailable without a connection, the failure of a statement
/// PostgreSQL refuses for each request of that statement.
void answer_allows(session& db, pending_allows& batch);

} // namespace sockd::db
