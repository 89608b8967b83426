// sockd's log: one line per event on stderr, written with a single call so
// lines from different threads never interleave.
#pragma once

#include <string_view>

namespace sockd {

/// Writes `<ISO time> <level> <text>\n` to stderr, e.g. "... INFO JOIN ...".
void log_line(std::string_view level, std::string_view text);

inline void log_info(std::string_view text) { log_line("INFO", text); }
inline void log_warn(std::string_view text) { log_line("WARN", text); }
inline void log_error(std::string_view text) { log_line("ERROR", text); }

} // namespace sockd
