// skim (protocol/json_scan.hpp): the top-level members of an object found
// without checking their values and without allocating, for a frame the
// rate limiter drops unparsed.
#include "protocol/json_scan.hpp"

#include <cstring>

#include "protocol/json_lexer.hpp"

namespace sockd::protocol::json_scan {

namespace {

using lexer::is_space;
using lexer::skip_bom;
using lexer::skip_space;

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

} // namespace

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

} // namespace sockd::protocol::json_scan
