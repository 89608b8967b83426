// protocol::parse (protocol/frame.hpp) on any text a client can send in a
// frame: it must answer (an inbound frame, a keepalive or a refusal) and
// never crash, whatever the nesting or size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

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
  return 0;
}
