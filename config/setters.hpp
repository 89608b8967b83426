// One setter per kind of option value. A setter checks the text and stores
// it in its field of `options`, or answers what is wrong with it; the
// caller (config/options.cpp) adds the option's name and the source.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "config/options.hpp"

namespace sockd::config {

/// Stores `value` into the options or returns what is wrong with it.
using setter = std::function<std::string(options&, std::string_view)>;

/// An integer within [lo, hi].
setter integer(int options::*field, int64_t lo, int64_t hi);
setter integer(int64_t options::*field, int64_t lo, int64_t hi);

/// A finite number greater than 0.
setter positive_real(double options::*field);

/// A boolean (config/values.hpp, parse_bool).
setter boolean(bool options::*field);

/// Any text, stored as given.
setter text(std::string options::*field);

/// Text that is not blank, stored as given.
setter non_empty_text(std::string options::*field);

/// host:port (trimmed); with `allow_empty`, blank clears the field.
setter address(std::string options::*field, bool allow_empty);

/// The schema is spliced into SQL, so only plain identifiers pass.
std::string set_schema(options& o, std::string_view v);

/// allowed_origins: a comma list, any items.
std::string set_origins(options& o, std::string_view v);

/// cluster_seeds: a comma list of host:port with a port other than 0.
std::string set_seeds(options& o, std::string_view v);

/// turn_uris: a comma list of turn:, turns:, stun: or stuns: URIs
/// (RFC 7064, RFC 7065).
std::string set_turn_uris(options& o, std::string_view v);

/// log_format: text or json (support/log.hpp).
std::string set_log_format(options& o, std::string_view v);

/// log_level: debug, info, warn or error (support/log.hpp).
std::string set_log_level(options& o, std::string_view v);

} // namespace sockd::config
