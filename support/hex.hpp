// Hexadecimal digits both ways: read by the JSON scanner (\u escapes) and
// the query-string decoder (%XX), written by the JSON log (\u00XX).
#pragma once

namespace sockd {

/// 0-15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/// '0'-'9', 'a'-'f' for 0-15.
constexpr char hex_digit(int value) {
  return "0123456789abcdef"[value & 0xf];
}

} // namespace sockd
