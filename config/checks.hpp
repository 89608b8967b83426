// The checks that span options: each value passed its setter, but the
// combination is wrong (no JWT key, a short HS256 secret, dev off
// loopback, tls_cert without tls_key, cluster TLS files not all three, a
// plain cluster off loopback).
#pragma once

#include <string>

#include "config/options.hpp"

namespace sockd::config {

/// The first problem of the combination, or empty.
std::string check_combinations(const options& o);

} // namespace sockd::config
