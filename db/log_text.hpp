// The text of db/'s log lines, written through support/log.hpp like every
// other line: "db: " in front, so a reader can tell the database's lines
// apart, and PostgreSQL's multi-line messages (DETAIL, CONTEXT, the caret
// under the error position) folded into one line, so that one event stays
// one line of the log.
#pragma once

#include <string>

namespace sockd::db {

/// `text` on one line: blank and caret lines dropped, the others trimmed
/// and joined with " / ".
std::string one_line(const std::string& text);

/// "db: " + one_line(text), for log_info/log_warn/log_error.
std::string log_text(const std::string& text);

} // namespace sockd::db
