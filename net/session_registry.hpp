// The live sessions of a server, so that stop() can reach every socket.
// I/O threads add and remove entries; stop() runs on another thread, hence
// the mutex (no actor is involved on this side of the bridge).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace sockd::net {

/// A session the server can end from any thread.
class stoppable {
public:
  virtual ~stoppable() = default;

  /// Ends the session: orderly (a WebSocket closes with 1001), or with
  /// `force` by closing its socket. Thread-safe; returns at once.
  virtual void stop(bool force) = 0;
};

class session_registry {
public:
  using clock = std::chrono::steady_clock;

  /// Registers a session; returns the id to remove it with.
  uint64_t add(std::weak_ptr<stoppable> session);

  void remove(uint64_t id);

  /// The sessions still alive.
  std::vector<std::shared_ptr<stoppable>> live() const;

  std::size_t size() const;

  /// Waits until no session is registered or `deadline` passes; returns
  /// true when the registry is empty.
  bool wait_empty(clock::time_point deadline) const;

private:
  mutable std::mutex mtx_;
  mutable std::condition_variable empty_;
  uint64_t next_id_ = 0;
  std::unordered_map<uint64_t, std::weak_ptr<stoppable>> sessions_;
};

} // namespace sockd::net
