// The RFC 6455 pieces sockd frames itself after Beast's handshake: server
// frame headers (unmasked, never fragmented), close payloads, and the checks
// a received close frame or text message must pass. Pure code, no sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sockd::net::ws {

enum class opcode : uint8_t {
  continuation = 0x0,
  text = 0x1,
  binary = 0x2,
  close = 0x8,
  ping = 0x9,
  pong = 0xA,
};

/// The close codes sockd sends or checks.
namespace close_code {
constexpr uint16_t normal = 1000;
constexpr uint16_t going_away = 1001;
constexpr uint16_t protocol_error = 1002;
constexpr uint16_t unsupported = 1003;
constexpr uint16_t no_status = 1005; // reported when a close has no code
constexpr uint16_t bad_payload = 1007;
constexpr uint16_t policy = 1008;
constexpr uint16_t too_big = 1009;
} // namespace close_code

/// A server frame header: 2 bytes, 4 from 126 bytes of payload, 10 from
/// 65,536.
constexpr size_t max_header_size = 10;

/// Control frames carry at most this many payload bytes.
constexpr size_t max_control_payload = 125;

/// Writes the header of a final, unmasked frame carrying `payload_size`
/// bytes into `out` (room for max_header_size); returns its length.
size_t encode_header(uint8_t* out, opcode op, uint64_t payload_size);

/// The payload of a close frame: the code, then `reason` cut (at a UTF-8
/// character boundary) so that the whole fits a control frame.
std::string close_payload(uint16_t code, std::string_view reason);

/// Whether a peer may send `code` in a close frame (RFC 6455 section 7.4).
bool valid_close_code(uint16_t code);

/// Whether `text` is well-formed UTF-8 (no overlong forms, no surrogates,
/// nothing above U+10FFFF).
bool valid_utf8(std::string_view text);

} // namespace sockd::net::ws
