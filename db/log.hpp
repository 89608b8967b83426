// One line to stderr per event, written with a single call so that lines of
// concurrent workers do not interleave. PostgreSQL's multi-line messages
// (DETAIL, CONTEXT, the caret under the error position) fold into one line.
#pragma once

#include <cstdio>
#include <string>

namespace sockd::db {

inline std::string one_line(const std::string& text) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(pos, end - pos);
    pos = end + 1;
    // Drop blank lines and the caret line pointing into the statement.
    if (line.find_first_not_of(" \t\r^") == std::string::npos)
      continue;
    line.erase(0, line.find_first_not_of(" \t"));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r'))
      line.pop_back();
    if (!out.empty())
      out += " / ";
    out += line;
  }
  return out;
}

inline void log_line(const std::string& text) {
  auto line = "db: " + one_line(text) + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

} // namespace sockd::db
