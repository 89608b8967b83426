#include "common/ws_frame.hpp"

#include <cstring>

namespace bench::ws {

namespace {

void append_header(std::string& out, opcode op, size_t n, bool fin,
                   uint32_t mask_key) {
  auto mask_bit = mask_key != 0 ? 0x80 : 0x00;
  out += static_cast<char>((fin ? 0x80 : 0x00) | static_cast<uint8_t>(op));
  if (n < 126) {
    out += static_cast<char>(mask_bit | static_cast<int>(n));
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>((n >> 8) & 0xFF);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((static_cast<uint64_t>(n) >> shift) & 0xFF);
  }
  if (mask_key != 0)
    for (int shift = 24; shift >= 0; shift -= 8)
      out += static_cast<char>((mask_key >> shift) & 0xFF);
}

void append_payload(std::string& out, std::string_view payload,
                    uint32_t mask_key) {
  if (mask_key == 0) {
    out.append(payload.data(), payload.size());
    return;
  }
  uint8_t key[4] = {static_cast<uint8_t>(mask_key >> 24),
                    static_cast<uint8_t>(mask_key >> 16),
                    static_cast<uint8_t>(mask_key >> 8),
                    static_cast<uint8_t>(mask_key)};
  auto start = out.size();
  out.append(payload.data(), payload.size());
  for (size_t i = 0; i < payload.size(); ++i)
    out[start + i] = static_cast<char>(out[start + i] ^ key[i & 3]);
}

} // namespace

void append_frame(std::string& out, opcode op, std::string_view payload,
                  uint32_t mask_key) {
  append_header(out, op, payload.size(), true, mask_key);
  append_payload(out, payload, mask_key);
}

void append_close(std::string& out, uint16_t code, std::string_view reason,
                  uint32_t mask_key) {
  std::string body;
  body += static_cast<char>(code >> 8);
  body += static_cast<char>(code & 0xFF);
  // A control frame carries at most 125 bytes.
  body.append(reason.substr(0, 123));
  append_frame(out, opcode::close, body, mask_key);
}

decode_status decode_frame(char* data, size_t size, size_t max_payload,
                           bool want_masked, frame& out, size_t& used) {
  auto bytes = reinterpret_cast<uint8_t*>(data);
  if (size < 2)
    return decode_status::incomplete;
  auto fin = (bytes[0] & 0x80) != 0;
  if ((bytes[0] & 0x70) != 0) // no extension was negotiated
    return decode_status::protocol_error;
  auto op = bytes[0] & 0x0F;
  auto masked = (bytes[1] & 0x80) != 0;
  if (masked != want_masked)
    return decode_status::protocol_error;
  uint64_t n = bytes[1] & 0x7F;
  size_t pos = 2;
  if (n == 126) {
    if (size < 4)
      return decode_status::incomplete;
    n = (uint64_t{bytes[2]} << 8) | bytes[3];
    pos = 4;
  } else if (n == 127) {
    if (size < 10)
      return decode_status::incomplete;
    n = 0;
    for (int i = 0; i < 8; ++i)
      n = (n << 8) | bytes[2 + i];
    pos = 10;
  }
  auto control = (op & 0x08) != 0;
  if (control && (n > 125 || !fin))
    return decode_status::protocol_error;
  switch (op) {
    case 0x0: case 0x1: case 0x2: case 0x8: case 0x9: case 0xA:
      break;
    default:
      return decode_status::protocol_error;
  }
  if (n > max_payload)
    return decode_status::too_big;
  uint8_t key[4] = {0, 0, 0, 0};
  if (masked) {
    if (size < pos + 4)
      return decode_status::incomplete;
    std::memcpy(key, bytes + pos, 4);
    pos += 4;
  }
  if (size - pos < n)
    return decode_status::incomplete;
  if (masked)
    for (size_t i = 0; i < n; ++i)
      bytes[pos + i] ^= key[i & 3];
  out.op = static_cast<opcode>(op);
  out.fin = fin;
  out.payload = std::string_view{data + pos, static_cast<size_t>(n)};
  used = pos + static_cast<size_t>(n);
  return decode_status::ok;
}

} // namespace bench::ws
