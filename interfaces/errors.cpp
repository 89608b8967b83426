#include "interfaces/errors.hpp"

#include <caf/make_message.hpp>
#include <caf/sec.hpp>

namespace sockd {

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
