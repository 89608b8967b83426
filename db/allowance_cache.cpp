#include "db/allowance_cache.hpp"

namespace sockd::db {

std::string allowance_cache::key(const std::string& sub,
                                 const std::string& topic) {
  // A NUL cannot end a user id early: a topic has none (frames are JSON
  // text whose strings are checked) and the length prefix bounds the sub.
  return std::to_string(sub.size()) + ':' + sub + topic;
}

bool allowance_cache::allowed(const std::string& sub,
                              const std::string& topic,
                              clock::time_point now) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto i = until_.find(key(sub, topic));
  if (i == until_.end())
    return false;
  if (i->second <= now) {
    until_.erase(i);
    return false;
  }
  return true;
}

void allowance_cache::put(const std::string& sub, const std::string& topic,
                          clock::time_point now) {
  if (capacity_ == 0)
    return;
  std::lock_guard<std::mutex> guard{mtx_};
  if (until_.size() >= capacity_)
    until_.clear();
  until_[key(sub, topic)] = now + ttl_;
}

void allowance_cache::erase(const std::string& sub,
                            const std::string& topic) {
  std::lock_guard<std::mutex> guard{mtx_};
  until_.erase(key(sub, topic));
}

void allowance_cache::clear() {
  std::lock_guard<std::mutex> guard{mtx_};
  until_.clear();
}

size_t allowance_cache::size() {
  std::lock_guard<std::mutex> guard{mtx_};
  return until_.size();
}

} // namespace sockd::db
