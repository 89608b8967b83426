// What a client frame may be, beyond its size (the socket enforces
// max_frame_bytes): filled from the options by whoever creates connection
// actors (docs/security.md, limits).
#pragma once

#include <cstddef>

namespace sockd::protocol {

struct limits {
  int max_json_depth = 64;      // deeper: ERROR bad_frame
  size_t max_topic_bytes = 256; // longer: ERROR bad_frame
};

} // namespace sockd::protocol
