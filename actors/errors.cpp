#include "actors/errors.hpp"

#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace sockd {

const char* to_string(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::bad_frame: return "bad_frame";
    case errc::bad_action: return "bad_action";
    case errc::bad_target: return "bad_target";
    case errc::forbidden: return "forbidden";
    case errc::not_subscribed: return "not_subscribed";
    case errc::rate_limited: return "rate_limited";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
    case errc::unauthorized: return "unauthorized";
    case errc::server_full: return "server_full";
    case errc::too_many_connections: return "too_many_connections";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::too_many_tickets: return "too_many_tickets";
  }
  return "internal";
}

caf::error make_error(errc code) {
  return caf::error{static_cast<uint8_t>(code), errc_category};
}

caf::error make_error(errc code, std::string message) {
  return caf::error{static_cast<uint8_t>(code), errc_category,
                    caf::make_message(std::move(message))};
}

errc to_errc(const caf::error& err) {
  if (!err)
    return errc::none;
  if (err.category() == errc_category)
    return static_cast<errc>(err.code());
  if (err.category() == caf::atom("system")) {
    auto code = static_cast<caf::sec>(err.code());
    if (code == caf::sec::request_timeout
        || code == caf::sec::request_receiver_down)
      return errc::unavailable;
  }
  return errc::internal;
}

std::string message_of(const caf::error& err) {
  if (err.context().match_elements<std::string>())
    return err.context().get_as<std::string>(0);
  return {};
}

} // namespace sockd
