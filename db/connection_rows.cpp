#include "db/connection_rows.hpp"

#include "db/failure.hpp"
#include "db/sock_connections.hpp"
#include "interfaces/errors.hpp"

namespace sockd::db {

namespace {

// Runs one sock_connections write; false when it must wait for the
// database. A write PostgreSQL refuses is logged and forgotten.
bool write_row(session& db, const pending_rows::op& op) {
  auto* conn = db.get(false);
  if (conn == nullptr)
    return false;
  try {
    if (!op.open) {
      delete_connection(*conn, op.cid);
      return true;
    }
    if (!db.swept())
      return false;
    insert_connection(*conn, op.cid, op.sub, db.config().node_name);
    return true;
  } catch (...) {
    auto what = op.open ? "recording connection " : "removing connection ";
    auto err = current_failure(db, what + op.cid);
    return to_errc(err) != errc::unavailable;
  }
}

} // namespace

bool write_connection_rows(session& db,
                           const std::vector<pending_rows::op>& run) {
  if (run.size() == 1)
    return write_row(db, run.front());
  auto* conn = db.get(false);
  if (conn == nullptr || (run.front().open && !db.swept()))
    return false;
  try {
    write_connections(*conn, run, db.config().node_name);
    return true;
  } catch (...) {
    auto err = current_failure(db, "writing sock_connections rows");
    if (to_errc(err) == errc::unavailable)
      return false;
  }
  for (auto& op : run)
    if (!write_row(db, op))
      return false;
  return true;
}

} // namespace sockd::db
