#include "cluster/address.hpp"

#include <algorithm>

namespace sockd::cluster {

bool split_address(const std::string& address, std::string& host,
                   uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0
      || colon + 1 == address.size())
    return false;
  host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return false;
    host = host.substr(1, host.size() - 2);
  }
  auto digits = address.substr(colon + 1);
  if (digits.size() > 5
      || !std::all_of(digits.begin(), digits.end(),
                      [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  auto value = std::stoul(digits);
  if (value == 0 || value > 65535)
    return false;
  port = static_cast<uint16_t>(value);
  return true;
}

} // namespace sockd::cluster
