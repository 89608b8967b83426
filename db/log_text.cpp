#include "db/log_text.hpp"

namespace sockd::db {

std::string one_line(const std::string& text) {
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

std::string log_text(const std::string& text) {
  return "db: " + one_line(text);
}

} // namespace sockd::db
