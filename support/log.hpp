// sockd's one logger: one line per event on stderr, written with a single
// call so lines from different threads never interleave. `log_format` text
// (`<ISO time> <LEVEL> <message> key=value ...`) or json (one object per
// line: time, level, message, then the fields); `log_level` drops what is
// below it. Callers pass identifiers as fields (user, connection, topic,
// node, code), never tokens, tickets, secrets or payloads.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace sockd {

enum class log_level { debug, info, warn, error };
enum class log_format { text, json };

/// `debug`, `info`, `warn`, `error`: the level, or nullopt.
std::optional<log_level> parse_log_level(std::string_view name);

/// `text` or `json`: the format, or nullopt.
std::optional<log_format> parse_log_format(std::string_view name);

/// Sets the format and the lowest level written, for the whole process.
/// Call at start, before other threads log; the default is text and info.
void configure_log(log_format format, log_level lowest);

/// True when lines of `level` are written: check before building a costly
/// message.
bool log_enabled(log_level level);

/// A named value of a line: `key=value` in text, a string member in JSON.
struct log_field {
  std::string_view key;
  std::string_view value;
};

using log_fields = std::initializer_list<log_field>;

/// One line as log_line() writes it (newline included), at `time`.
std::string render_log_line(log_format format, std::string_view time,
                            log_level level, std::string_view message,
                            log_fields fields = {});

/// Writes one line when `level` is enabled.
void log_line(log_level level, std::string_view message,
              log_fields fields = {});

inline void log_debug(std::string_view text, log_fields fields = {}) {
  log_line(log_level::debug, text, fields);
}
inline void log_info(std::string_view text, log_fields fields = {}) {
  log_line(log_level::info, text, fields);
}
inline void log_warn(std::string_view text, log_fields fields = {}) {
  log_line(log_level::warn, text, fields);
}
inline void log_error(std::string_view text, log_fields fields = {}) {
  log_line(log_level::error, text, fields);
}

} // namespace sockd
