#include "interfaces/refusal.hpp"

#include "interfaces/errors.hpp"

namespace sockd {

protocol::refusal refusal_of(const caf::error& err, std::string request,
                             std::string topic,
                             std::optional<std::string> id) {
  auto code = to_errc(err);
  auto message = message_of(err);
  if (message.empty())
    message = to_string(code);
  return protocol::refusal{code, std::move(message), std::move(request),
                           std::move(topic), std::move(id)};
}

} // namespace sockd
