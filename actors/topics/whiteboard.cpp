#include "actors/topics/whiteboard.hpp"

#include <deque>
#include <map>
#include <set>

namespace sockd {

namespace {

constexpr const char* set_page = "15";
constexpr const char* draw_lines = "18";
const std::set<std::string> board_settings{"14", "15", "16", "17", "19", "20"};

struct kept_frame {
  uint64_t seq;
  frame_ptr frame;
};

class whiteboard_hooks : public topic_hooks {
public:
  explicit whiteboard_hooks(size_t max_bytes) : max_bytes_(max_bytes) {
    // nop
  }

  void joined(topic_room& room, const member& who) override {
    // Settings and lines interleave by the order they were first sent.
    std::vector<const kept_frame*> board;
    for (auto& kvp : settings_)
      board.push_back(&kvp.second);
    for (auto& line : lines_)
      board.push_back(&line);
    std::sort(board.begin(), board.end(),
              [](auto x, auto y) { return x->seq < y->seq; });
    // Up to max_board_bytes: as a backlog, so that the joiner's socket
    // takes it as it drains instead of all at once over max_queued_bytes.
    // The frames are shared with the board: a pointer each.
    std::vector<frame_ptr> frames;
    frames.reserve(board.size());
    for (auto x : board)
      frames.push_back(x->frame);
    if (!frames.empty())
      room.send_backlog_to(who.cid, std::move(frames));
  }

  void published(topic_room&, const publication& msg, const frame_ptr& frame)
    override {
    if (!msg.target.empty())
      return; // meant for one member, not part of the shared board
    if (msg.action == set_page) {
      lines_.clear();
      line_bytes_ = 0;
    }
    if (board_settings.count(msg.action) > 0) {
      settings_[msg.action] = kept_frame{next_seq_++, frame};
    } else if (msg.action == draw_lines) {
      lines_.push_back(kept_frame{next_seq_++, frame});
      line_bytes_ += frame->size();
      while (line_bytes_ > max_bytes_ && !lines_.empty()) {
        line_bytes_ -= lines_.front().frame->size();
        lines_.pop_front();
      }
    }
  }

private:
  size_t max_bytes_;
  uint64_t next_seq_ = 0;
  std::map<std::string, kept_frame> settings_; // by action
  std::deque<kept_frame> lines_;
  size_t line_bytes_ = 0;
};

} // namespace

owner_topic_actor spawn_whiteboard_topic(caf::actor_system& sys, topic_context ctx) {
  size_t max_bytes = 1024 * 1024;
  if (auto i = ctx.settings.find("max_board_bytes");
      i != ctx.settings.end() && i->is_number_unsigned())
    max_bytes = i->get<size_t>();
  return spawn_topic(sys, std::move(ctx),
                     std::make_shared<whiteboard_hooks>(max_bytes));
}

} // namespace sockd
