#include "protocol/json_scan.hpp"
#include "support/hex.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

namespace sockd::protocol::json_scan {

namespace {

using byte = unsigned char;

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

const char* skip_space(const char* p, const char* e) {
  while (p != e && is_space(*p))
    ++p;
  return p;
}

const char* skip_bom(const char* p, const char* e) {
  if (e - p >= 3 && std::memcmp(p, "\xEF\xBB\xBF", 3) == 0)
    return p + 3;
  return p;
}

// The four hex digits at `p` (the caller checked they are there); -1 when
// one is not a hex digit.
long hex4(const char* p) {
  long result = 0;
  for (int i = 0; i < 4; ++i) {
    auto d = hex_value(p[i]);
    if (d < 0)
      return -1;
    result = result * 16 + d;
  }
  return result;
}

bool in(byte b, byte lo, byte hi) {
  return b >= lo && b <= hi;
}

// One UTF-8 sequence whose lead byte at `p` is not ASCII (RFC 3629 table 4):
// past it, or nullptr.
const char* utf8_sequence(const char* p, const char* e) {
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
const char* scan_string(const char* p, const char* e) {
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

const char* scan_digits(const char* p, const char* e) {
  if (p == e || !is_digit(*p))
    return nullptr;
  while (p != e && is_digit(*p))
    ++p;
  return p;
}

// A number literal starting at `p`: past it, or nullptr.
const char* scan_number(const char* p, const char* e) {
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

const char* scan_word(const char* p, const char* e, std::string_view word) {
  if (static_cast<size_t>(e - p) < word.size()
      || std::memcmp(p, word.data(), word.size()) != 0)
    return nullptr;
  return p + word.size();
}

// The literal starting at `p`, not a container: past it, or nullptr.
const char* scan_scalar(const char* p, const char* e) {
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

// -- the checker's stack: one bit per open container, set for an object ------

class level_stack {
public:
  // Only the words that `max_depth` levels use are cleared.
  explicit level_stack(int max_depth) {
    std::memset(bits_, 0, (static_cast<size_t>(max_depth) / 64 + 1) * 8);
  }

  void push(int depth, bool object) {
    auto& word = bits_[depth >> 6];
    auto bit = uint64_t{1} << (depth & 63);
    word = object ? word | bit : word & ~bit;
  }

  bool object(int depth) const {
    return (bits_[depth >> 6] >> (depth & 63)) & 1;
  }

private:
  uint64_t bits_[deepest / 64 + 1];
};

// -- skimming without checks ------------------------------------------------

// Past the string literal opening at `p`, escapes skipped unchecked.
const char* skip_string(const char* p, const char* e) {
  auto first = ++p;
  while (p < e) {
    auto q = static_cast<const char*>(std::memchr(p, '"', e - p));
    if (q == nullptr)
      return nullptr;
    // Escaped when an odd number of backslashes stands before it.
    size_t backslashes = 0;
    for (auto b = q; b > first && b[-1] == '\\'; --b)
      ++backslashes;
    if (backslashes % 2 == 0)
      return q + 1;
    p = q + 1;
  }
  return nullptr;
}

// Past the value starting at `p`: containers by counting brackets.
const char* skip_value(const char* p, const char* e) {
  if (*p == '"')
    return skip_string(p, e);
  if (*p == '{' || *p == '[') {
    size_t depth = 0;
    while (p < e) {
      char c = *p;
      if (c == '"') {
        p = skip_string(p, e);
        if (p == nullptr)
          return nullptr;
        continue;
      }
      if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && --depth == 0)
        return p + 1;
      ++p;
    }
    return nullptr;
  }
  auto start = p;
  while (p != e && !is_space(*p) && *p != ',' && *p != '}' && *p != ']')
    ++p;
  return p == start ? nullptr : p;
}

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

verdict check(std::string_view text, int max_depth, member_sink* sink,
              bool* object) {
  max_depth = std::min(std::max(max_depth, 0), deepest);
  level_stack levels{max_depth};
  // The member open at levels 1 and 2: its key and where its value starts.
  std::string_view keys[3];
  const char* starts[3] = {};
  const char* p = text.data();
  const char* e = p + text.size();
  p = skip_space(skip_bom(p, e), e);
  if (p == e)
    return verdict::malformed;
  if (object != nullptr)
    *object = *p == '{';
  int depth = 0;
  enum { value, key, after } next = value;
  for (;;) {
    switch (next) {
      case value: // a value starts at p
        if (p == e)
          return verdict::malformed;
        if (*p == '{' || *p == '[') {
          if (depth == max_depth)
            return verdict::too_deep;
          bool is_object = *p == '{';
          levels.push(depth++, is_object);
          p = skip_space(p + 1, e);
          if (p != e && *p == (is_object ? '}' : ']')) {
            ++p;
            --depth;
            next = after;
          } else {
            next = is_object ? key : value;
          }
          continue;
        }
        p = scan_scalar(p, e);
        if (p == nullptr)
          return verdict::malformed;
        next = after;
        continue;
      case key: { // a member of the object at `depth` starts at p
        if (p == e || *p != '"')
          return verdict::malformed;
        auto k = p;
        p = scan_string(p, e);
        if (p == nullptr)
          return verdict::malformed;
        std::string_view name(k, static_cast<size_t>(p - k));
        p = skip_space(p, e);
        if (p == e || *p != ':')
          return verdict::malformed;
        p = skip_space(p + 1, e);
        if (depth <= 2) {
          keys[depth] = name;
          starts[depth] = p;
        }
        next = value;
        continue;
      }
      case after: { // a value ended at p, inside the container at `depth`
        if (depth == 0)
          return skip_space(p, e) == e ? verdict::ok : verdict::malformed;
        bool in_object = levels.object(depth - 1);
        if (in_object && sink != nullptr && depth <= 2 && levels.object(0))
          sink->member(depth == 1 ? std::string_view{} : keys[1], keys[depth],
                       std::string_view(starts[depth],
                                        static_cast<size_t>(p - starts[depth])));
        p = skip_space(p, e);
        if (p == e)
          return verdict::malformed;
        if (*p == ',') {
          p = skip_space(p + 1, e);
          next = in_object ? key : value;
        } else if (*p == (in_object ? '}' : ']')) {
          ++p;
          --depth;
        } else {
          return verdict::malformed;
        }
        continue;
      }
    }
  }
}

bool skim(std::string_view text, member_sink& sink) {
  const char* p = text.data();
  const char* e = p + text.size();
  p = skip_space(skip_bom(p, e), e);
  if (p == e || *p != '{')
    return false;
  p = skip_space(p + 1, e);
  if (p != e && *p == '}')
    return skip_space(p + 1, e) == e;
  for (;;) {
    if (p == e || *p != '"')
      return false;
    auto k = p;
    p = skip_string(p, e);
    if (p == nullptr)
      return false;
    std::string_view key(k, static_cast<size_t>(p - k));
    p = skip_space(p, e);
    if (p == e || *p != ':')
      return false;
    p = skip_space(p + 1, e);
    if (p == e)
      return false;
    auto v = p;
    p = skip_value(p, e);
    if (p == nullptr)
      return false;
    sink.member({}, key, std::string_view(v, static_cast<size_t>(p - v)));
    p = skip_space(p, e);
    if (p == e)
      return false;
    if (*p == '}')
      return skip_space(p + 1, e) == e;
    if (*p != ',')
      return false;
    p = skip_space(p + 1, e);
  }
}

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
