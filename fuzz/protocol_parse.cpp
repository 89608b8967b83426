// protocol::parse (protocol/frame.hpp) on any text a client can send in a
// frame: it must answer (an inbound frame, a keepalive or a refusal) and
// never crash, whatever the nesting or size. A refusal's ERROR frame must
// be JSON, with `request` exactly when the frame was parsed (8.11); so
// must the rate limiter's (glance, rate_limited) for the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "protocol/frame.hpp"

namespace {

void require(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto result = sockd::protocol::parse(text);
  if (auto in = std::get_if<sockd::protocol::inbound>(&result)) {
    // A topic is a JSON string of the frame: unescaping only shrinks it.
    require(in->topic.size() <= size);
    // `<type>:<handle>`, split at the first ':'.
    if (!in->type.empty())
      require(in->type.size() + 1 + in->handle.size() == in->topic.size());
  }
  if (auto r = std::get_if<sockd::protocol::refusal>(&result)) {
    auto err = nlohmann::json::parse(sockd::protocol::encode_error(*r),
                                     nullptr, false);
    require(!err.is_discarded());
    require(err["payload"].contains("request") == r->request.has_value());
  }
  // The rate limiter's skim of the same text: its ERROR is JSON too.
  auto limited = sockd::protocol::rate_limited(sockd::protocol::glance(text),
                                               sockd::protocol::limits{});
  require(!nlohmann::json::parse(sockd::protocol::encode_error(limited),
                                 nullptr, false)
             .is_discarded());
  return 0;
}
