#include "actors/topics/call.hpp"

#include <map>

namespace sockd {

namespace {

constexpr const char* start_stream = "1";
constexpr const char* stop_stream = "2";
constexpr const char* rtc = "13";

class call_hooks : public topic_hooks {
public:
  delivery route(const publication& msg) override {
    if (!msg.target.empty() && (msg.action == rtc || msg.action == start_stream))
      return delivery::target_only;
    return topic_hooks::route(msg);
  }

  void joined(topic_room& room, const member& who) override {
    for (auto& kvp : streaming_)
      if (kvp.first != who.cid)
        room.send_to(who.cid, kvp.second);
  }

  void published(topic_room&, const publication& msg, const frame_ptr& frame)
    override {
    if (msg.action == start_stream && msg.target.empty())
      streaming_[msg.sender] = frame;
    else if (msg.action == stop_stream)
      streaming_.erase(msg.sender);
  }

  void left(topic_room&, const member& who) override {
    streaming_.erase(who.cid);
  }

private:
  // Streaming members by connection id, with their START_STREAM frame.
  std::map<std::string, frame_ptr> streaming_;
};

} // namespace

owner_topic_actor spawn_call_topic(caf::actor_system& sys, topic_context ctx) {
  return spawn_topic(sys, std::move(ctx), std::make_shared<call_hooks>());
}

} // namespace sockd
