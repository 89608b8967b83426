// The config file: `name = value` lines, `#` comments, a value in double
// quotes may run over several lines (only \" and \\ are escapes). Read in
// full first, up to a limit, so a huge file is refused, not parsed.
#include "config/sources.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "config/option_table.hpp"
#include "config/values.hpp"
#include "support/strings.hpp"

namespace sockd::config {

namespace {

// A config file larger than this is a mistake, not a configuration.
constexpr size_t max_file_size = 1024 * 1024;

std::string read_file(const std::string& path, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return "cannot read config file " + quote(path) + ": "
           + std::strerror(errno);
  // In pieces up to one byte past the limit: a small file costs its size,
  // not the limit.
  std::string buf;
  std::array<char, 16384> piece;
  while (in && buf.size() <= max_file_size) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    buf.append(piece.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad())
    return "cannot read config file " + quote(path);
  if (buf.size() > max_file_size)
    return "config file " + quote(path) + " is larger than 1 MiB";
  out = std::move(buf);
  return {};
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    if (nl == text.npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Reads a double-quoted value starting after the opening quote at line `i`;
// it may continue over several lines. Only \" and \\ are escapes.
std::string read_quoted(const std::vector<std::string_view>& lines, size_t& i,
                        std::string_view rest, const std::string& where,
                        std::string& value) {
  while (true) {
    for (size_t k = 0; k < rest.size(); ++k) {
      auto c = rest[k];
      if (c == '\\' && k + 1 < rest.size()
          && (rest[k + 1] == '"' || rest[k + 1] == '\\')) {
        value += rest[++k];
      } else if (c == '"') {
        auto tail = trim(rest.substr(k + 1));
        if (!tail.empty() && tail.front() != '#')
          return where + ": text after the closing quote";
        return {};
      } else {
        value += c;
      }
    }
    if (++i == lines.size())
      return where + ": unterminated quote";
    value += '\n';
    rest = lines[i];
  }
}

} // namespace

std::string parse_file(const std::string& path, raw_map& out) {
  std::string content;
  if (auto err = read_file(path, content); !err.empty())
    return err;
  auto lines = split_lines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto line = trim(lines[i]);
    if (line.empty() || line.front() == '#')
      continue;
    auto where = path + ":" + std::to_string(i + 1);
    auto eq = line.find('=');
    if (eq == line.npos)
      return where + ": expected 'name = value'";
    auto name = std::string{trim(line.substr(0, eq))};
    if (name == "config")
      return where + ": config cannot be set inside a config file";
    if (!known_name(name))
      return "unknown option " + quote(name) + " (" + where + ")";
    auto rest = trim(line.substr(eq + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      auto start = lines[i].find('"', lines[i].find('=')) + 1;
      auto err = read_quoted(lines, i, lines[i].substr(start), where, value);
      if (!err.empty())
        return err;
    } else {
      value = std::string{rest};
    }
    out[name] = raw_value{std::move(value), where};
  }
  return {};
}

} // namespace sockd::config
