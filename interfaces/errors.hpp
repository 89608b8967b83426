// sockd's error values: the wire's codes (protocol/errc.hpp) in caf::error.
// Actors answer with these, never with exceptions.
#pragma once

#include <string>

#include <caf/atom.hpp>
#include <caf/error.hpp>

#include "protocol/errc.hpp"

namespace sockd {

/// The error category CAF renders sockd errors under.
constexpr caf::atom_value errc_category = caf::atom("sockd");

caf::error make_error(errc code);
caf::error make_error(errc code, std::string message);

/// Maps any CAF error to a sockd code: sockd's own pass through, a timeout or
/// a dead receiver is `unavailable`, everything else `internal`.
errc to_errc(const caf::error& err);

/// The human-readable message stored in an error made by make_error, if any.
std::string message_of(const caf::error& err);

} // namespace sockd
