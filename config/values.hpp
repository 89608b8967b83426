// Option text to typed values, one kind at a time (integers, reals,
// booleans, host:port, comma lists), and the quoting of a value in an error
// message. Pure functions: none of them knows the option table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sockd::config {

/// `value` in single quotes for an error message, cut after 64 characters
/// (SQL can be long).
std::string quote(std::string_view value);

/// A whole decimal integer, surrounding whitespace ignored.
std::optional<int64_t> parse_int(std::string_view text);

/// A whole finite decimal number, surrounding whitespace ignored.
std::optional<double> parse_real(std::string_view text);

/// true/false, 1/0, yes/no, on/off in any case, surrounding whitespace
/// ignored.
std::optional<bool> parse_bool(std::string_view text);

struct host_port {
  std::string host; // without IPv6 brackets
  uint16_t port = 0;
};

/// Splits `host:port` (`[v6]:port` for IPv6) into `out`; returns the problem
/// or empty.
std::string split_host_port(std::string_view text, host_port& out,
                            uint32_t min_port);

/// The non-empty trimmed items of a comma-separated list.
std::vector<std::string> split_list(std::string_view text);

/// Loopback hosts: 127.0.0.0/8, ::1 and localhost.
bool is_loopback(std::string_view host);

} // namespace sockd::config
