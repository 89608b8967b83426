// Turns the configured database URL (a libpq URI or key/value string) into
// the string a worker connects with: connect_timeout defaults to 3 seconds so
// that a dead host can never block a worker for long.
#pragma once

#include <string>

namespace sockd::db {

std::string make_conninfo(const std::string& url);

} // namespace sockd::db
