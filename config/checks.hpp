// The checks that span options: each value passed its setter, but the
// combination is wrong (no JWT key, a short HS256 secret, dev off
// loopback, tls_cert without tls_key, cluster TLS files not all three, a
// plain cluster off loopback, a TURN secret without URIs or the other way
// round, api_key too short or set twice, admin_listen equal to listen).
#pragma once

#include <string>

#include "config/options.hpp"

namespace sockd::config {

/// The first problem of the combination, or empty.
std::string check_combinations(const options& o);

/// With api_key_file: reads the key into api_key (one trailing newline,
/// "\n" or "\r\n", trimmed). Empty, or the error naming the option.
std::string read_api_key_file(options& o);

} // namespace sockd::config
