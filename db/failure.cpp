#include "db/failure.hpp"

#include <exception>

#include <pqxx/except>

#include "db/log_text.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"
#include "support/strings.hpp"

namespace sockd::db {

caf::error unavailable() {
  return make_error(errc::unavailable, "database unavailable");
}

bool is_connection_state(const std::string& sqlstate) {
  // 08: connection exception; 57P0x: shutdown, crash, cannot connect now;
  // 53: insufficient resources (disk full, out of memory, too many
  // connections).
  return starts_with(sqlstate, "08") || starts_with(sqlstate, "57P")
         || starts_with(sqlstate, "53");
}

caf::error current_failure(session& db, const std::string& what) {
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    db.drop(e.what());
    return unavailable();
  } catch (const pqxx::in_doubt_error& e) {
    // The commit may or may not have happened: report it as not done.
    db.drop(e.what());
    return unavailable();
  } catch (const pqxx::transaction_rollback&) {
    // Serialization failure or deadlock: the next attempt may succeed.
    return unavailable();
  } catch (const pqxx::sql_error& e) {
    auto& state = e.sqlstate();
    if (state.empty() || is_connection_state(state)) {
      db.drop(e.what());
      return unavailable();
    }
    // 57014: statement timeout; 55P03: lock not available.
    if (state == "57014" || state == "55P03")
      return unavailable();
    log_error(log_text(what + " failed: " + e.what()));
    return make_error(errc::internal, what + " failed");
  } catch (const pqxx::failure& e) {
    // A pqxx failure without SQLSTATE: the connection is suspect.
    db.drop(e.what());
    return unavailable();
  } catch (const std::exception& e) {
    log_error(log_text(what + " failed: " + e.what()));
    return make_error(errc::internal, what + " failed");
  } catch (...) {
    log_error(log_text(what + " failed"));
    return make_error(errc::internal, what + " failed");
  }
}

} // namespace sockd::db
