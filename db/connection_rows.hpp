// sock_connections writes as a database worker runs them: against the
// worker's session, telling "wait for the database" apart from "PostgreSQL
// refused this row" (logged and dropped), so queued rows are neither lost
// while the database is down nor retried forever.
#pragma once

#include <vector>

#include "db/pending_rows.hpp"
#include "db/session.hpp"

namespace sockd::db {

/// Writes a run of same-kind rows (all opens or all closes) in one
/// transaction; false when the database is unavailable and the rows must
/// stay queued. A run PostgreSQL refuses is written row by row, so that
/// only the refused rows are dropped.
bool write_connection_rows(session& db,
                           const std::vector<pending_rows::op>& run);

} // namespace sockd::db
