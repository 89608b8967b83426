// The one hop from actors to a socket: a thread-safe handle that queues an
// already-encoded text frame on the socket's strand. net/ implements it;
// unit tests implement it with a recorder. No Beast type appears here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sockd {

/// An encoded frame, built once and shared by every recipient.
using frame_ptr = std::shared_ptr<const std::string>;

inline frame_ptr make_frame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

class outbound {
public:
  virtual ~outbound() = default;

  /// Queues a frame for the socket; never blocks. A socket whose queue is
  /// over its byte limit is closed as a slow consumer instead.
  virtual void send(frame_ptr frame) = 0;

  /// Queues a frame without starting the socket's write. Returns true when
  /// the socket was idle: the caller then owes it one flush(). A topic
  /// queues a whole mailbox of broadcasts to every member before flushing,
  /// so a burst leaves in one write per socket instead of one per message.
  virtual bool queue(frame_ptr frame) {
    send(std::move(frame));
    return false;
  }

  /// Starts writing what queue() left waiting.
  virtual void flush() {
    // nop: the default queue() sent already
  }

  /// Queues frames that leave as the socket drains (a whiteboard's board
  /// for a late joiner): they enter the byte-limited queue only while it
  /// holds little, so a large snapshot never closes a healthy socket as a
  /// slow consumer. Frames sent later go out after them. The frames are
  /// shared with their owner, so waiting costs a pointer each.
  virtual void send_backlog(std::vector<frame_ptr> frames) {
    for (auto& frame : frames)
      send(std::move(frame));
  }

  /// Closes the socket with a WebSocket close code and reason.
  virtual void close(uint16_t code, std::string reason) = 0;

  /// The connection actor handled a frame the socket sent it; `capacity`
  /// is that frame's text's capacity(). The socket stops reading while too
  /// many frames are in flight (max_inbound_frames, max_inbound_bytes) and
  /// reads again as they are done. Thread-safe.
  virtual void frame_done(size_t capacity) {
    (void) capacity; // nop: nothing is counted
  }
};

/// Calls `out.frame_done` when the handler of a frame returns, whichever
/// way it returns.
class frame_done_guard {
public:
  frame_done_guard(outbound& out, const std::string& text)
    : out_(out), capacity_(text.capacity()) {
  }
  frame_done_guard(const frame_done_guard&) = delete;
  frame_done_guard& operator=(const frame_done_guard&) = delete;
  ~frame_done_guard() {
    out_.frame_done(capacity_);
  }

private:
  outbound& out_;
  size_t capacity_;
};

using outbound_ptr = std::shared_ptr<outbound>;

} // namespace sockd
