#include "examples/poll/poll_topic.hpp"

#include <map>

#include <nlohmann/json.hpp>

#include "protocol/frame.hpp"

namespace poll_example {

namespace {

using nlohmann::json;
using namespace sockd;

class poll_hooks : public topic_hooks {
public:
  std::string refuse(const publication& msg) override {
    if (msg.action != R"("vote")")
      return {};
    auto payload = json::parse(msg.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("choice")
        || !payload["choice"].is_string())
      return "a vote needs a string choice";
    return {};
  }

  delivery route(const publication& msg) override {
    return msg.action == R"("vote")" ? delivery::drop
                                     : topic_hooks::route(msg);
  }

  void published(topic_room& room, const publication& msg, const frame_ptr&)
    override {
    if (msg.action != R"("vote")")
      return;
    votes_[msg.sub] = json::parse(msg.payload)["choice"].get<std::string>();
    room.send_to_all(tally(room, msg.sender));
  }

  void joined(topic_room& room, const member& who) override {
    if (!votes_.empty())
      room.send_to(who.cid, tally(room, who.cid));
  }

private:
  frame_ptr tally(topic_room& room, const std::string& sender) const {
    json counts = json::object();
    for (auto& kvp : votes_)
      counts[kvp.second] = counts.value(kvp.second, 0) + 1;
    json payload = {{"counts", counts}, {"votes", votes_.size()}};
    auto now = protocol::iso_timestamp(std::chrono::system_clock::now());
    return make_frame(protocol::encode_relay(R"("tally")", room.topic(), sender,
                                             now, payload.dump(), false));
  }

  std::map<std::string, std::string> votes_; // user -> choice
};

} // namespace

owner_topic_actor spawn_poll_topic(caf::actor_system& sys, topic_context ctx) {
  return spawn_topic(sys, std::move(ctx), std::make_shared<poll_hooks>());
}

} // namespace poll_example
