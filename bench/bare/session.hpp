// What both WebSocket session kinds share: the subset of sockd's contract
// the load generator speaks (subscribe with ack, relay to the topic with
// sender and timestamp, keepalive), decoded with nlohmann like sockd does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bare/hub.hpp"

namespace bench::bare {

class session : public std::enable_shared_from_this<session> {
public:
  session(hub& h, std::string connection_id);

  virtual ~session() = default;

  /// Queues an encoded frame; thread-safe, never blocks. Over the byte
  /// limit the session is closed as a slow consumer.
  virtual void send(const frame_ptr& frame) = 0;

protected:
  /// Handles one inbound text message; runs on the session's strand.
  void on_text(std::string_view text);

  /// Leaves every joined topic; call once when the socket ends.
  void leave_all();

  hub& hub_;

private:
  void reply(const std::string& json);

  std::string id_;
  std::vector<std::string> topics_; // touched only on the strand
};

} // namespace bench::bare
