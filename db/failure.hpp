// Turns the pqxx exception being handled into sockd's error value, and drops
// the session's connection when the exception means it is gone.
//
//   connection lost, shutdown, out of resources   -> drop, unavailable
//   statement timeout, serialization, lock wait   -> unavailable
//   any other SQL error                            -> internal (logged)
//   anything else                                  -> internal (logged)
#pragma once

#include <string>

#include <caf/error.hpp>

#include "db/session.hpp"

namespace sockd::db {

/// Call only inside a catch block; `what` names the operation for the log.
caf::error current_failure(session& db, const std::string& what);

/// The answer while there is no connection: errc::unavailable.
caf::error unavailable();

/// Whether an SQLSTATE says the connection itself is unusable.
bool is_connection_state(const std::string& sqlstate);

} // namespace sockd::db
