#include "bare/hub.hpp"

#include <algorithm>

#include "bare/session.hpp"
#include "common/ws_frame.hpp"

namespace bench::bare {

frame_ptr hub::make_frame(const std::string& json) const {
  if (!preframed_)
    return std::make_shared<const std::string>(json);
  std::string bytes;
  bytes.reserve(json.size() + 10);
  ws::append_frame(bytes, ws::opcode::text, json);
  return std::make_shared<const std::string>(std::move(bytes));
}

void hub::join(const std::string& topic, const std::shared_ptr<session>& s) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto& members = topics_[topic];
  if (std::find(members.begin(), members.end(), s) == members.end())
    members.push_back(s);
}

void hub::leave(const std::string& topic, const session* s) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = topics_.find(topic);
  if (i == topics_.end())
    return;
  auto& members = i->second;
  members.erase(std::remove_if(members.begin(), members.end(),
                               [s](const auto& m) { return m.get() == s; }),
                members.end());
  if (members.empty())
    topics_.erase(i);
}

void hub::publish(const std::string& topic, const frame_ptr& frame) {
  std::lock_guard<std::mutex> guard{mutex_};
  auto i = topics_.find(topic);
  if (i == topics_.end())
    return;
  for (auto& member : i->second)
    member->send(frame);
}

} // namespace bench::bare
