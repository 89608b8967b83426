// The frames of one gathered write: each is a small header of its own plus
// a payload shared with every other recipient (never copied). fill() lays
// the unwritten rest out as iovecs for one sendmsg; advance() records what
// the kernel took, so a write that stops half way resumes where it stopped.
// append_to() lays the same bytes out in one buffer instead (TLS).
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "interfaces/outbound.hpp"
#include "net/ws_frame.hpp"

namespace sockd::net {

/// One outbound frame: header bytes and the payload they announce.
struct out_frame {
  frame_ptr payload;
  uint8_t header[ws::max_header_size];
  uint8_t header_size = 0;
  bool is_close = false;

  size_t size() const {
    return header_size + payload->size();
  }
};

/// A text frame carrying `payload` (not null).
out_frame data_frame(frame_ptr payload);

/// A control frame (ping, pong, close); `payload` at most 125 bytes.
out_frame control_frame(ws::opcode op, std::string payload);

class frame_batch {
public:
  std::vector<out_frame>& frames() {
    return frames_;
  }

  bool empty() const {
    return frames_.empty();
  }

  /// True when every byte has been written.
  bool written() const {
    return next_ == frames_.size();
  }

  /// Whether the last frame is a close frame.
  bool ends_with_close() const {
    return !frames_.empty() && frames_.back().is_close;
  }

  /// Writes iovecs for the unwritten bytes into `out` (at most `max`);
  /// returns how many. Every piece is referenced where it lies.
  size_t fill(iovec* out, size_t max) const;

  /// The same bytes, but pieces shorter than `copy_below` (headers, small
  /// payloads) are copied into `scratch` (at most `scratch_size` bytes) so
  /// that neighbours share one iovec; larger payloads are still referenced
  /// in place. `scratch` only has to live until the sendmsg returns.
  size_t fill(iovec* out, size_t max, char* scratch, size_t scratch_size,
              size_t copy_below) const;

  /// Appends the unwritten bytes to `out`, contiguous (for a TLS stream,
  /// which encrypts one buffer per write); returns how many.
  size_t append_to(std::string& out) const;

  /// The kernel took `bytes` more.
  void advance(size_t bytes);

  /// Drops the frames not started yet (a slow consumer's backlog); a frame
  /// written in part stays, so the stream never breaks mid-frame.
  void drop_unstarted();

  /// Forgets every frame; keeps at most `keep` slots of capacity.
  void clear(size_t keep);

private:
  std::vector<out_frame> frames_;
  size_t next_ = 0;   // the first frame not completely written
  size_t offset_ = 0; // bytes of it already written
};

} // namespace sockd::net
