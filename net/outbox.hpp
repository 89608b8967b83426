// The frames waiting for one socket. Any thread may push (a topic sends to
// each member from its own actor thread); the socket's strand takes them
// all at once into the next gathered write. Only the push that finds the
// outbox idle is told to schedule a flush, so a burst of frames costs one
// post to the strand, not one per frame.
//
//   idle --push: schedule--> armed --take: frames--> armed (writing)
//     ^                                                  |
//     +-------------------- take: nothing left ----------+
//
// Bytes are bounded: past `max_bytes` queued (waiting, being written, and
// data frames waiting behind a backlog) a data frame or a pong is refused
// as a slow consumer and the outbox stops taking data. Control frames
// count: at most one pong waits (a newer ping's pong replaces it, RFC 6455
// section 5.5.3); a close frame is always taken (it is at most 131 bytes).
//
// A backlog (a whiteboard's board for a late joiner) waits as shared frame
// pointers, outside the byte count: take() moves its frames into the
// batch only while the bytes queued are under the low-water mark, so a
// large snapshot leaves as the socket drains. Data frames pushed while a
// backlog waits go behind it (and are counted).
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include "net/frame_batch.hpp"

namespace sockd::net {

class outbox {
public:
  enum class push_result {
    queued,   // a flush is already under way
    schedule, // the outbox was idle: the caller schedules a flush
    dropped,  // the outbox is shut: the frame is thrown away
    overflow, // slow consumer: data is shut off, the backlog dropped
  };

  /// `low_water`: a backlog feeds the batch while fewer bytes are queued
  /// (default: a quarter of `max_bytes`).
  explicit outbox(size_t max_bytes, size_t low_water = 0);

  /// Queues a data frame; thread-safe.
  push_result push(out_frame frame);

  /// Queues a control frame; thread-safe. A close frame passes the byte
  /// limit and data being shut off (a close must still go out); a pong
  /// replaces the pong still waiting, if any, and is otherwise counted
  /// like data (overflow: slow consumer).
  push_result push_control(out_frame frame);

  /// Queues `frames` behind everything queued so far; they enter the byte
  /// count only as take() moves them in. Thread-safe.
  push_result push_backlog(std::vector<frame_ptr> frames);

  /// Moves every waiting frame into `batch` (which must be empty), and
  /// backlog frames while under the low-water mark; when none waits,
  /// returns false and the outbox goes idle. Strand only.
  bool take(frame_batch& batch);

  /// The batch taken last is written (or given up).
  void written();

  /// Refuses data frames from now on; `drop` also drops those waiting.
  /// A backlog is dropped either way (a closing socket needs no snapshot).
  void shut_data(bool drop);

  /// Refuses everything and drops what waits.
  void shut();

  /// Bytes counted against the limit: waiting, being written, and data
  /// frames waiting behind a backlog.
  size_t bytes() const;

  /// Backlog frames not yet moved into a batch.
  size_t backlog_frames() const;

  /// Slots allocated for waiting frames (memory held while idle).
  size_t capacity() const;

  /// An idle outbox keeps no capacity; a busy one reuses its vectors.
  static constexpr size_t idle_capacity = 0;

  /// Slots reserved by the first push after idling: one allocation for a
  /// typical burst instead of a doubling series.
  static constexpr size_t burst_capacity = 16;

private:
  // A run of frames behind the waiting list: a backlog as it was given
  // (not counted), or data pushed after one (counted).
  struct segment {
    std::vector<frame_ptr> frames;
    size_t next = 0;
    bool counted = false;
  };

  push_result arm();
  void append(out_frame&& frame, size_t size);
  void feed();
  void drop_pending(std::vector<out_frame>& dropped);
  void drop_backlog(std::vector<segment>& dropped);

  /// True when `size` more bytes pass the limit (one frame always fits):
  /// data is then shut off and everything waiting moves into `dropped` and
  /// `dropped_backlog`, which the caller frees after the lock.
  bool overflows(size_t size, std::vector<out_frame>& dropped,
                 std::vector<segment>& dropped_backlog);

  static constexpr size_t no_pong = static_cast<size_t>(-1);

  mutable std::mutex mtx_;
  std::vector<out_frame> pending_;
  std::vector<segment> backlog_; // few segments; no block while empty
  size_t pending_bytes_ = 0;
  size_t writing_bytes_ = 0;
  size_t tail_bytes_ = 0;      // counted frames in backlog_
  size_t backlog_count_ = 0;   // frames in backlog_ not yet fed
  size_t pong_ = no_pong;      // index of the waiting pong in pending_
  size_t max_bytes_;
  size_t low_water_;
  bool armed_ = false;
  bool data_open_ = true;
  bool open_ = true;
};

} // namespace sockd::net
