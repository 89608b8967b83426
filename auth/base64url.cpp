#include "auth/base64url.hpp"

#include <cstdint>

namespace sockd {

namespace {

constexpr char b64url_alphabet[]
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64url_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

} // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&bytes](size_t pos) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[pos]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    auto n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
    out += b64url_alphabet[(n >> 6) & 63];
    out += b64url_alphabet[n & 63];
  }
  auto rest = bytes.size() - i;
  if (rest == 1) {
    auto n = byte(i) << 16;
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
  } else if (rest == 2) {
    auto n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
    out += b64url_alphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // Strict: no padding, no whitespace, and the unused low bits of the last
  // character must be zero, so each byte string has exactly one encoding.
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto v = b64url_value(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
      acc &= (1u << bits) - 1;
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

} // namespace sockd
