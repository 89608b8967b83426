// An actor's error as the ERROR frame that answers a client's frame.
#pragma once

#include <optional>
#include <string>

#include <caf/error.hpp>

#include "protocol/frame.hpp"

namespace sockd {

/// The refusal answering a client frame (`request`: its action as JSON
/// text) with an actor's error: its sockd code, its message or else the
/// code's name.
protocol::refusal refusal_of(const caf::error& err, std::string request,
                             std::string topic,
                             std::optional<std::string> id);

} // namespace sockd
