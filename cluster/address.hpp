// A node's `host:port` as the options and the node table write it.
#pragma once

#include <cstdint>
#include <string>

namespace sockd::cluster {

/// Splits `host:port` (IPv6 hosts in brackets); false when malformed.
bool split_address(const std::string& address, std::string& host,
                   uint16_t& port);

} // namespace sockd::cluster
