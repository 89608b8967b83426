#include "net/session_registry.hpp"

namespace sockd::net {

uint64_t session_registry::add(std::weak_ptr<stoppable> session) {
  std::lock_guard<std::mutex> guard{mtx_};
  auto id = ++next_id_;
  sessions_.emplace(id, std::move(session));
  return id;
}

void session_registry::remove(uint64_t id) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (sessions_.erase(id) > 0 && sessions_.empty())
    empty_.notify_all();
}

std::vector<std::shared_ptr<stoppable>> session_registry::live() const {
  std::vector<std::shared_ptr<stoppable>> result;
  std::lock_guard<std::mutex> guard{mtx_};
  result.reserve(sessions_.size());
  for (auto& entry : sessions_)
    if (auto session = entry.second.lock())
      result.push_back(std::move(session));
  return result;
}

std::size_t session_registry::size() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return sessions_.size();
}

bool session_registry::wait_empty(clock::time_point deadline) const {
  std::unique_lock<std::mutex> guard{mtx_};
  return empty_.wait_until(guard, deadline,
                           [this] { return sessions_.empty(); });
}

} // namespace sockd::net
