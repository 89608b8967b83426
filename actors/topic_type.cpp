#include "actors/topic_type.hpp"

#include <algorithm>

#include "protocol/topic_name.hpp"

namespace sockd {

void topic_types::add(std::string pattern, topic_factory factory,
                      topic_type_options options) {
  auto same = [&](const entry& e) { return e.pattern == pattern; };
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), same),
                 entries_.end());
  entries_.push_back(
    entry{std::move(pattern), std::move(factory), std::move(options)});
}

const topic_types::entry* topic_types::find(const std::string& type) const {
  auto i = protocol::find_type_pattern(
    entries_.begin(), entries_.end(), type,
    [](const entry& e) -> const std::string& { return e.pattern; });
  return i != entries_.end() ? &*i : nullptr;
}

std::map<std::string, std::string> topic_types::allowances() const {
  std::map<std::string, std::string> result;
  for (auto& e : entries_)
    if (!e.options.allowance.empty())
      result.emplace(e.pattern, e.options.allowance);
  return result;
}

} // namespace sockd
