// check (protocol/json_scan.hpp): the checker proper, a loop over the
// tokens (protocol/json_lexer.hpp) with one bit of stack per open
// container, that reports the members of the two outer levels.
#include "protocol/json_scan.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "protocol/json_lexer.hpp"

namespace sockd::protocol::json_scan {

namespace {

using lexer::scan_scalar;
using lexer::scan_string;
using lexer::skip_bom;
using lexer::skip_space;

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

} // namespace sockd::protocol::json_scan
