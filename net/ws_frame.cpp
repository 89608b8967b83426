#include "net/ws_frame.hpp"

#include <cstring>

namespace sockd::net::ws {

size_t encode_header(uint8_t* out, opcode op, uint64_t payload_size) {
  out[0] = static_cast<uint8_t>(0x80 | static_cast<uint8_t>(op)); // FIN
  if (payload_size < 126) {
    out[1] = static_cast<uint8_t>(payload_size);
    return 2;
  }
  if (payload_size <= 0xFFFF) {
    out[1] = 126;
    out[2] = static_cast<uint8_t>(payload_size >> 8);
    out[3] = static_cast<uint8_t>(payload_size);
    return 4;
  }
  out[1] = 127;
  for (int i = 0; i < 8; ++i)
    out[2 + i] = static_cast<uint8_t>(payload_size >> (56 - 8 * i));
  return 10;
}

std::string close_payload(uint16_t code, std::string_view reason) {
  auto room = max_control_payload - 2;
  if (reason.size() > room) {
    // Back up to the first byte of a character: never a continuation byte.
    auto cut = room;
    while (cut > 0 && (static_cast<uint8_t>(reason[cut]) & 0xC0) == 0x80)
      --cut;
    reason = reason.substr(0, cut);
  }
  std::string out;
  out.reserve(2 + reason.size());
  out += static_cast<char>(code >> 8);
  out += static_cast<char>(code & 0xFF);
  out.append(reason.data(), reason.size());
  return out;
}

bool valid_close_code(uint16_t code) {
  if (code >= 3000 && code <= 4999)
    return true; // registered (3xxx) and private (4xxx) codes
  switch (code) {
    case 1000: case 1001: case 1002: case 1003:
    case 1007: case 1008: case 1009: case 1010: case 1011:
      return true;
    default:
      return false; // 1004-1006 and 1015 never go on the wire
  }
}

bool valid_utf8(std::string_view text) {
  auto p = reinterpret_cast<const uint8_t*>(text.data());
  auto end = p + text.size();
  while (p < end) {
    // JSON is mostly ASCII: skip eight such bytes at a time.
    if (end - p >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if ((chunk & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    auto c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t n;
    uint8_t lo = 0x80; // the range of the second byte
    uint8_t hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0; // overlong
      else if (c == 0xED)
        hi = 0x9F; // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0)
        lo = 0x90; // overlong
      else if (c == 0xF4)
        hi = 0x8F; // above U+10FFFF
    } else {
      return false; // a continuation byte, C0, C1 or F5 and up
    }
    if (static_cast<size_t>(end - p) < n)
      return false;
    if (p[1] < lo || p[1] > hi)
      return false;
    for (size_t i = 2; i < n; ++i)
      if ((p[i] & 0xC0) != 0x80)
        return false;
    p += n;
  }
  return true;
}

} // namespace sockd::net::ws
