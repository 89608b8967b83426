#include "config/values.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "support/strings.hpp"

namespace sockd::config {

namespace {

constexpr size_t max_quoted_value = 64;

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

} // namespace

std::string quote(std::string_view value) {
  std::string out = "'";
  if (value.size() > max_quoted_value) {
    out += value.substr(0, max_quoted_value);
    out += "...";
  } else {
    out += value;
  }
  out += '\'';
  return out;
}

std::optional<int64_t> parse_int(std::string_view text) {
  text = trim(text);
  int64_t x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return x;
}

std::optional<double> parse_real(std::string_view text) {
  text = trim(text);
  double x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
      || !std::isfinite(x))
    return std::nullopt;
  return x;
}

std::optional<bool> parse_bool(std::string_view text) {
  auto s = ascii_lower(trim(text));
  if (s == "true" || s == "1" || s == "yes" || s == "on")
    return true;
  if (s == "false" || s == "0" || s == "no" || s == "off")
    return false;
  return std::nullopt;
}

std::string split_host_port(std::string_view text, host_port& out,
                            uint32_t min_port) {
  auto q = quote(text);
  auto colon = text.rfind(':');
  if (colon == text.npos)
    return q + " is not host:port";
  auto host = text.substr(0, colon);
  auto port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return q + " is not host:port";
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != host.npos) {
    return q + " needs brackets around the IPv6 host, e.g. [::1]:8080";
  }
  if (host.empty())
    return q + " has no host";
  if (std::any_of(host.begin(), host.end(), [](char c) {
        return is_ascii_space(c) || c == '[' || c == ']' || c == '/';
      }))
    return q + " has a bad host";
  if (!all_digits(port) || port.size() > 5)
    return q + " has a bad port";
  auto n = static_cast<uint32_t>(*parse_int(port));
  if (n < min_port || n > 65535)
    return q + " has a port out of range (" + std::to_string(min_port)
           + " to 65535)";
  out.host = std::string{host};
  out.port = static_cast<uint16_t>(n);
  return {};
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (!item.empty())
      out.emplace_back(item);
    if (comma == text.npos)
      return out;
    text.remove_prefix(comma + 1);
  }
}

bool is_loopback(std::string_view host) {
  return starts_with(host, "127.") || host == "::1" || host == "localhost";
}

} // namespace sockd::config
