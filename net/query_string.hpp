// Request-target helpers: the path, and percent-decoded query parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockd::net {

/// The path part of a request target (before any '?').
std::string_view target_path(std::string_view target);

/// Decodes %XX escapes (and '+' as a space when `plus_is_space`); nullopt
/// for a broken escape.
std::optional<std::string> percent_decode(std::string_view text,
                                          bool plus_is_space);

/// The decoded value of the first query parameter called `name`; nullopt
/// when absent or badly encoded.
std::optional<std::string> query_param(std::string_view target,
                                       std::string_view name);

} // namespace sockd::net
