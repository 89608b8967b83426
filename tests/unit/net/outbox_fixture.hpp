// What the outbox suites share: a data frame from text, and draining one
// batch the way the session's write does.
#pragma once

#include <string>
#include <vector>

#include "net/outbox.hpp"

namespace sockd::net::test {

inline out_frame data(std::string text) {
  return data_frame(make_frame(std::move(text)));
}

// The payloads of a batch taken from `box` (a pong's as "pong:<payload>"),
// then the batch is written.
inline std::vector<std::string> drain(outbox& box) {
  frame_batch batch;
  std::vector<std::string> out;
  if (!box.take(batch))
    return out;
  for (auto& f : batch.frames())
    out.push_back(((f.header[0] & 0x0f) == 0x0a ? "pong:" : "")
                  + *f.payload);
  batch.clear(0);
  box.written();
  return out;
}

} // namespace sockd::net::test
