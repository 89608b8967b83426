// A minimal RFC 6455 frame codec for the benchmark tools. The load generator
// and the bare server's coalescing mode frame bytes themselves so that many
// frames can share one read or one write; Beast still does the HTTP part.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench::ws {

enum class opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// Appends one complete, unfragmented frame. A non-zero `mask_key` masks
/// the payload (client to server); zero leaves it clear (server to client).
void append_frame(std::string& out, opcode op, std::string_view payload,
                  uint32_t mask_key = 0);

/// Appends a close frame carrying `code` and a short reason.
void append_close(std::string& out, uint16_t code, std::string_view reason,
                  uint32_t mask_key = 0);

/// One decoded frame; `payload` points into the caller's buffer, unmasked in
/// place.
struct frame {
  opcode op = opcode::text;
  bool fin = true;
  std::string_view payload;
};

enum class decode_status { ok, incomplete, protocol_error, too_big };

/// Decodes the frame at the start of `data` (size `size`). On `ok`, `used`
/// is the number of bytes the frame took. `want_masked` states whether the
/// peer must mask (a server decoding client frames) or must not.
decode_status decode_frame(char* data, size_t size, size_t max_payload,
                           bool want_masked, frame& out, size_t& used);

} // namespace bench::ws
