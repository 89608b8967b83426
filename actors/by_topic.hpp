// A connection's memberships (actors/connection.cpp): a small sorted map
// keyed by topic name.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace sockd {

// Topic name -> T, sorted by name. A connection holds few topics, and an
// idle one holds this per socket: one small block instead of a hash map's
// bucket array and nodes (docs/performance.md, memory).
template <class T>
class by_topic {
public:
  T* find(const std::string& topic) {
    auto i = lower_bound(topic);
    return i != items_.end() && i->first == topic ? &i->second : nullptr;
  }

  T& operator[](const std::string& topic) {
    auto i = lower_bound(topic);
    if (i == items_.end() || i->first != topic)
      i = items_.emplace(i, topic, T{});
    return i->second;
  }

  size_t size() const {
    return items_.size();
  }

  template <class F>
  void for_each(F f) const {
    for (auto& x : items_)
      f(x.first);
  }

  /// Removes `topic`; the last removal frees the vector.
  void erase(const std::string& topic) {
    auto i = lower_bound(topic);
    if (i != items_.end() && i->first == topic)
      items_.erase(i);
    if (items_.empty())
      items_ = {};
  }

private:
  using item = std::pair<std::string, T>;

  typename std::vector<item>::iterator lower_bound(const std::string& topic) {
    return std::lower_bound(items_.begin(), items_.end(), topic,
                            [](const item& x, const std::string& t) {
                              return x.first < t;
                            });
  }

  std::vector<item> items_;
};

} // namespace sockd
