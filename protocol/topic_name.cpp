#include "protocol/topic_name.hpp"

namespace sockd::protocol {

std::optional<std::pair<std::string, std::string>>
split_topic(std::string_view topic) {
  auto colon = topic.find(':');
  if (colon == std::string_view::npos || colon == 0
      || colon + 1 == topic.size())
    return std::nullopt;
  return std::make_pair(std::string{topic.substr(0, colon)},
                        std::string{topic.substr(colon + 1)});
}

bool matches_type_pattern(std::string_view pattern, std::string_view type) {
  if (pattern == type)
    return true;
  if (pattern.empty() || pattern.back() != '*')
    return false;
  auto prefix = pattern.substr(0, pattern.size() - 1);
  return type.substr(0, prefix.size()) == prefix;
}

} // namespace sockd::protocol
