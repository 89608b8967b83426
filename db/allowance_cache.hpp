// Positive allowance decisions per (user, topic), shared by the workers of
// a pool: a repeated SUBSCRIBE of the same user to the same topic skips the
// query. Only "yes" is kept (a "no" is asked again every time), for at most
// `ttl`, at most `capacity` entries (full: it starts over empty, so it never
// grows). Every notification of the allowance listener (a change of
// topic_allowances, POST /api/recheck, a reconnect of the listener) clears
// it before the re-check runs, and a re-check's answer updates it (a no
// erases, a yes renews) (docs/security.md, "Revocation").
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace sockd::db {

/// Entries one pool's cache holds at most.
constexpr size_t allowance_cache_capacity = 100000;

/// How long a "yes" is reused: bounds how long a change the listener is
/// not told about (an allowance query over the app's own tables) takes to
/// reach a new SUBSCRIBE.
constexpr auto allowance_cache_ttl = std::chrono::seconds(30);

class allowance_cache {
public:
  using clock = std::chrono::steady_clock;

  explicit allowance_cache(size_t capacity = allowance_cache_capacity,
                           clock::duration ttl = allowance_cache_ttl)
    : capacity_(capacity), ttl_(ttl) {
    // nop
  }

  /// Whether `sub` was allowed `topic` within the ttl.
  bool allowed(const std::string& sub, const std::string& topic,
               clock::time_point now);

  /// Remembers that `sub` is allowed `topic` (a zero capacity keeps
  /// nothing).
  void put(const std::string& sub, const std::string& topic,
           clock::time_point now);

  /// Forgets `sub`'s yes for `topic` (a re-check said no).
  void erase(const std::string& sub, const std::string& topic);

  void clear();

  size_t size();

private:
  static std::string key(const std::string& sub, const std::string& topic);

  std::mutex mtx_;
  std::unordered_map<std::string, clock::time_point> until_;
  size_t capacity_;
  clock::duration ttl_;
};

} // namespace sockd::db
