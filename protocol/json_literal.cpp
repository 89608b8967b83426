// Reading checked literals (protocol/json_scan.hpp): strings decoded to
// UTF-8, compared, numbers read as integers; and the UTF-8 check quote()
// uses on text that never came through the checker.
#include "protocol/json_scan.hpp"

#include <limits>

#include "protocol/json_lexer.hpp"

namespace sockd::protocol::json_scan {

namespace {

using lexer::byte;
using lexer::hex4;
using lexer::is_digit;
using lexer::utf8_sequence;

void put_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

} // namespace

std::string unquote(std::string_view raw) {
  if (raw.size() < 2)
    return {};
  raw = raw.substr(1, raw.size() - 2);
  if (raw.find('\\') == std::string_view::npos)
    return std::string{raw};
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 == raw.size()) {
      out += c;
      continue;
    }
    char x = raw[++i];
    switch (x) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        auto cp = i + 4 < raw.size() ? hex4(raw.data() + i + 1) : -1;
        if (cp < 0)
          return out; // not a checked literal
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size()
            && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          auto low = hex4(raw.data() + i + 3);
          if (low >= 0xDC00 && low <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            i += 6;
          }
        }
        put_utf8(out, static_cast<unsigned long>(cp));
        break;
      }
      default: out += x; // '"', '\\', '/'
    }
  }
  return out;
}

bool equals(std::string_view raw, std::string_view word) {
  if (raw.find('\\') == std::string_view::npos)
    return raw.size() == word.size() + 2
           && raw.substr(1, word.size()) == word;
  return unquote(raw) == word;
}

std::optional<int64_t> integer(std::string_view raw) {
  const char* p = raw.data();
  const char* e = p + raw.size();
  bool negative = p != e && *p == '-';
  if (negative)
    ++p;
  if (p == e)
    return std::nullopt;
  constexpr auto max = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (; p != e; ++p) {
    if (!is_digit(*p))
      return std::nullopt;
    auto digit = static_cast<uint64_t>(*p - '0');
    if (value > (max - digit) / 10)
      return std::nullopt;
    value = value * 10 + digit;
  }
  constexpr auto min_magnitude = uint64_t{1} << 63;
  if (negative) {
    if (value > min_magnitude)
      return std::nullopt;
    return value == min_magnitude ? std::numeric_limits<int64_t>::min()
                                  : -static_cast<int64_t>(value);
  }
  return static_cast<int64_t>(value);
}

bool valid_utf8(std::string_view s) {
  const char* p = s.data();
  const char* e = p + s.size();
  while (p != e) {
    if (static_cast<byte>(*p) < 0x80) {
      ++p;
      continue;
    }
    p = utf8_sequence(p, e);
    if (p == nullptr)
      return false;
  }
  return true;
}

} // namespace sockd::protocol::json_scan
