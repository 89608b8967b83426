#include "support/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "support/hex.hpp"

namespace sockd {

namespace {

// Set once at start; relaxed loads keep log_enabled() a plain read.
std::atomic<int> lowest_level{static_cast<int>(log_level::info)};
std::atomic<int> format{static_cast<int>(log_format::text)};

// Indexed by log_level: the text format's name and the option's (and the
// JSON format's) name.
constexpr const char* upper_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};
constexpr const char* lower_names[] = {"debug", "info", "warn", "error"};

const char* upper_name(log_level level) {
  return upper_names[static_cast<int>(level)];
}

const char* lower_name(log_level level) {
  return lower_names[static_cast<int>(level)];
}

// 2026-12-03T16:13:01.123Z
std::string now_stamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  auto secs = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count()
                % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  auto n = std::strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(stamp + n, sizeof(stamp) - n, ".%03dZ",
                static_cast<int>(millis));
  return stamp;
}

// \u00XX for a control character, so that text a client chose (a topic
// name, an Origin) can never start a line of its own.
void append_control(std::string& out, unsigned char c) {
  out += "\\u00";
  out += hex_digit(c >> 4);
  out += hex_digit(c & 0xf);
}

// Text as it is, control characters escaped.
void append_plain(std::string& out, std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f)
      append_control(out, c);
    else
      out += static_cast<char>(c);
}

// A JSON string: quotes, backslashes and control characters escaped; other
// bytes as they are (log text is UTF-8 or ASCII).
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      append_control(out, c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

std::string text_line(std::string_view time, log_level level,
                      std::string_view message, log_fields fields) {
  std::string line;
  line.reserve(message.size() + 48);
  line += time;
  line += ' ';
  line += upper_name(level);
  line += ' ';
  append_plain(line, message);
  for (auto& f : fields) {
    line += ' ';
    line += f.key;
    line += '=';
    append_plain(line, f.value);
  }
  line += '\n';
  return line;
}

std::string json_line(std::string_view time, log_level level,
                      std::string_view message, log_fields fields) {
  std::string line;
  line.reserve(message.size() + 80);
  line += "{\"time\":";
  append_json_string(line, time);
  line += ",\"level\":\"";
  line += lower_name(level);
  line += "\",\"message\":";
  append_json_string(line, message);
  for (auto& f : fields) {
    line += ',';
    append_json_string(line, f.key);
    line += ':';
    append_json_string(line, f.value);
  }
  line += "}\n";
  return line;
}

} // namespace

std::optional<log_level> parse_log_level(std::string_view name) {
  for (auto level : {log_level::debug, log_level::info, log_level::warn,
                     log_level::error})
    if (name == lower_name(level))
      return level;
  return std::nullopt;
}

std::optional<log_format> parse_log_format(std::string_view name) {
  if (name == "text")
    return log_format::text;
  if (name == "json")
    return log_format::json;
  return std::nullopt;
}

void configure_log(log_format fmt, log_level lowest) {
  format.store(static_cast<int>(fmt), std::memory_order_relaxed);
  lowest_level.store(static_cast<int>(lowest), std::memory_order_relaxed);
}

bool log_enabled(log_level level) {
  return static_cast<int>(level)
         >= lowest_level.load(std::memory_order_relaxed);
}

std::string render_log_line(log_format fmt, std::string_view time,
                            log_level level, std::string_view message,
                            log_fields fields) {
  return fmt == log_format::json ? json_line(time, level, message, fields)
                                 : text_line(time, level, message, fields);
}

void log_line(log_level level, std::string_view message, log_fields fields) {
  if (!log_enabled(level))
    return;
  auto fmt = static_cast<log_format>(format.load(std::memory_order_relaxed));
  auto line = render_log_line(fmt, now_stamp(), level, message, fields);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace sockd
