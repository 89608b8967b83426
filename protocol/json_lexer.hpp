// The scanner's tokenizer: one JSON scalar, string or run of whitespace at
// a time, checked as RFC 8259 and nlohmann's parser want it (strings in
// UTF-8 per RFC 3629). Shared by the checker (protocol/json_scan.cpp) and
// the literal helpers (protocol/json_literal.cpp); internal to protocol/.
// Inline, as when they shared one file: every inbound frame is scanned.
#pragma once

#include <cstring>
#include <string_view>

#include "support/hex.hpp"

namespace sockd::protocol::json_scan::lexer {

using byte = unsigned char;

inline bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

inline const char* skip_space(const char* p, const char* e) {
  while (p != e && is_space(*p))
    ++p;
  return p;
}

inline const char* skip_bom(const char* p, const char* e) {
  if (e - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    return p + 3;
  return p;
}

// The four hex digits at `p` (the caller checked they are there); -1 when
// one is not a hex digit.
inline long hex4(const char* p) {
  long result = 0;
  for (int i = 0; i < 4; ++i) {
    auto d = hex_value(p[i]);
    if (d < 0)
      return -1;
    result = result * 16 + d;
  }
  return result;
}

inline bool in(byte b, byte lo, byte hi) {
  return b >= lo && b <= hi;
}

// One UTF-8 sequence whose lead byte at `p` is not ASCII (RFC 3629 table 4):
// past it, or nullptr.
inline const char* utf8_sequence(const char* p, const char* e) {
  auto c = static_cast<byte>(p[0]);
  auto at = [p](int i) { return static_cast<byte>(p[i]); };
  if (in(c, 0xC2, 0xDF)) {
    if (e - p < 2 || !in(at(1), 0x80, 0xBF))
      return nullptr;
    return p + 2;
  }
  if (in(c, 0xE0, 0xEF)) {
    byte lo = c == 0xE0 ? 0xA0 : 0x80;
    byte hi = c == 0xED ? 0x9F : 0xBF; // no surrogates
    if (e - p < 3 || !in(at(1), lo, hi) || !in(at(2), 0x80, 0xBF))
      return nullptr;
    return p + 3;
  }
  if (in(c, 0xF0, 0xF4)) {
    byte lo = c == 0xF0 ? 0x90 : 0x80;
    byte hi = c == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    if (e - p < 4 || !in(at(1), lo, hi) || !in(at(2), 0x80, 0xBF)
        || !in(at(3), 0x80, 0xBF))
      return nullptr;
    return p + 4;
  }
  return nullptr;
}

// A string literal whose opening quote is at `p`: past its closing quote,
// or nullptr when it is not one.
inline const char* scan_string(const char* p, const char* e) {
  ++p;
  for (;;) {
    while (p != e) {
      auto c = static_cast<byte>(*p);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80)
        break;
      ++p;
    }
    if (p == e)
      return nullptr;
    auto c = static_cast<byte>(*p);
    if (c == '"')
      return p + 1;
    if (c < 0x20)
      return nullptr;
    if (c >= 0x80) {
      p = utf8_sequence(p, e);
      if (p == nullptr)
        return nullptr;
      continue;
    }
    // A backslash.
    if (e - p < 2)
      return nullptr;
    switch (p[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        p += 2;
        break;
      case 'u': {
        if (e - p < 6)
          return nullptr;
        auto u = hex4(p + 2);
        if (u < 0)
          return nullptr;
        p += 6;
        if (u >= 0xDC00 && u <= 0xDFFF)
          return nullptr; // a low surrogate must follow a high one
        if (u >= 0xD800 && u <= 0xDBFF) {
          if (e - p < 6 || p[0] != '\\' || p[1] != 'u')
            return nullptr;
          auto low = hex4(p + 2);
          if (low < 0xDC00 || low > 0xDFFF)
            return nullptr;
          p += 6;
        }
        break;
      }
      default:
        return nullptr;
    }
  }
}

inline const char* scan_digits(const char* p, const char* e) {
  if (p == e || !is_digit(*p))
    return nullptr;
  while (p != e && is_digit(*p))
    ++p;
  return p;
}

// A number literal starting at `p`: past it, or nullptr.
inline const char* scan_number(const char* p, const char* e) {
  if (*p == '-' && ++p == e)
    return nullptr;
  if (*p == '0')
    ++p;
  else if ((p = scan_digits(p, e)) == nullptr)
    return nullptr;
  if (p != e && *p == '.' && (p = scan_digits(p + 1, e)) == nullptr)
    return nullptr;
  if (p != e && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != e && (*p == '+' || *p == '-'))
      ++p;
    p = scan_digits(p, e);
  }
  return p;
}

inline const char* scan_word(const char* p, const char* e,
                             std::string_view word) {
  if (static_cast<size_t>(e - p) < word.size()
      || std::memcmp(p, word.data(), word.size()) != 0)
    return nullptr;
  return p + word.size();
}

// The literal starting at `p`, not a container: past it, or nullptr.
inline const char* scan_scalar(const char* p, const char* e) {
  switch (*p) {
    case '"':
      return scan_string(p, e);
    case 't':
      return scan_word(p, e, "true");
    case 'f':
      return scan_word(p, e, "false");
    case 'n':
      return scan_word(p, e, "null");
    default:
      return *p == '-' || is_digit(*p) ? scan_number(p, e) : nullptr;
  }
}

} // namespace sockd::protocol::json_scan::lexer
