// Topic names and type patterns (docs/protocol.md, "Topics"): a topic is
// `<type>:<handle>`; a type pattern is a type name, or a prefix ending in
// '*' (`poll/*`, or `*` for every type). Topic types (actors/topic_type.hpp)
// and allowance queries (db/allowances.hpp) resolve a type the same way,
// through find_type_pattern.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sockd::protocol {

/// Splits `<type>:<handle>`; nullopt when there is no ':' or a part is empty.
std::optional<std::pair<std::string, std::string>>
split_topic(std::string_view topic);

/// Whether `type` matches `pattern`: equal, or `pattern` ends in '*' and
/// the rest of it is a prefix of `type`.
bool matches_type_pattern(std::string_view pattern, std::string_view type);

/// The element of [first, last) whose pattern (`pattern_of(element)`)
/// resolves `type`: the exact name wins, then the longest matching prefix
/// pattern; `last` when none matches.
template <class Iterator, class PatternOf>
Iterator find_type_pattern(Iterator first, Iterator last,
                           std::string_view type, PatternOf pattern_of) {
  auto best = last;
  size_t best_size = 0;
  for (; first != last; ++first) {
    std::string_view pattern = pattern_of(*first);
    if (pattern == type)
      return first;
    if ((best == last || pattern.size() > best_size)
        && matches_type_pattern(pattern, type)) {
      best = first;
      best_size = pattern.size();
    }
  }
  return best;
}

} // namespace sockd::protocol
