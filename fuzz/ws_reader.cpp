// net::ws::reader (net/ws_reader.hpp) on any bytes a client can send after
// the upgrade, delivered in chunks of sizes taken from the input itself, as
// a socket might split them. Checks the reader's promise: after every chunk
// is parsed, it holds at most one message and one frame, so buffered()
// stays below the message limit plus one frame header and one control
// frame, whatever arrives.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>

#include "net/ws_reader.hpp"

namespace {

using sockd::net::ws::reader;

void require(bool ok) {
  if (!ok)
    std::abort();
}

// Header (2 + 8 length + 4 mask) and a control frame (125) beside a
// message under way.
constexpr size_t slack = 14 + 125;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in{data, size};
  // Small limits make the too-big paths reachable; 65536 is the default
  // max_frame_bytes.
  static constexpr uint64_t limits[] = {0, 1, 125, 126, 1024, 65536};
  auto max = in.PickValueInArray(limits);
  reader r{max};
  while (in.remaining_bytes() > 0) {
    auto chunk = in.ConsumeIntegralInRange<size_t>(1, 70000);
    auto bytes = in.ConsumeBytes<char>(chunk);
    r.append(bytes.data(), bytes.size());
    while (true) {
      auto ev = r.next();
      if (ev.what == reader::kind::none)
        break;
      if (ev.what == reader::kind::text)
        require(ev.payload.size() <= max);
      if (ev.what == reader::kind::ping || ev.what == reader::kind::pong)
        require(ev.payload.size() <= 125);
      if (ev.what == reader::kind::error) {
        require(ev.code == 1002 || ev.code == 1007 || ev.code == 1009);
        require(r.done());
      }
      if (ev.what == reader::kind::close)
        require(r.done());
    }
    require(r.buffered() <= max + slack);
    if (r.done())
      require(r.buffered() == 0);
  }
  return 0;
}
