// sockd's tables, created or completed on every (re)connect. Idempotent:
// each step first looks at the catalog, and the whole run holds a
// transaction-scoped advisory lock, so nodes starting at once take turns.
// Works on an existing Awayto schema too: its tables are kept and only the
// columns and indexes sockd needs are added (seq, node_name).
#pragma once

#include <string>

#include <pqxx/connection>

namespace sockd::db {

/// Runs the migrations in one transaction; throws pqxx exceptions.
void migrate(pqxx::connection& conn, const std::string& schema);

} // namespace sockd::db
