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
// Bytes are bounded: past `max_bytes` queued (waiting and being written) a
// data frame is refused as a slow consumer and the outbox stops taking data.
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

  explicit outbox(size_t max_bytes);

  /// Queues a data frame; thread-safe.
  push_result push(out_frame frame);

  /// Queues a control frame, past the byte limit and after data is shut
  /// off (a close must still go out); thread-safe.
  push_result push_control(out_frame frame);

  /// Moves every waiting frame into `batch` (which must be empty); when
  /// none waits, returns false and the outbox goes idle. Strand only.
  bool take(frame_batch& batch);

  /// The batch taken last is written (or given up).
  void written();

  /// Refuses data frames from now on; `drop` also drops those waiting.
  void shut_data(bool drop);

  /// Refuses everything and drops what waits.
  void shut();

  /// Bytes waiting plus bytes of the batch being written.
  size_t bytes() const;

  /// Slots allocated for waiting frames (memory held while idle).
  size_t capacity() const;

  /// An idle outbox keeps no capacity; a busy one reuses its vectors.
  static constexpr size_t idle_capacity = 0;

  /// Slots reserved by the first push after idling: one allocation for a
  /// typical burst instead of a doubling series.
  static constexpr size_t burst_capacity = 16;

private:
  push_result arm();
  void append(out_frame&& frame, size_t size);
  void drop_pending(std::vector<out_frame>& dropped);

  mutable std::mutex mtx_;
  std::vector<out_frame> pending_;
  size_t pending_bytes_ = 0;
  size_t writing_bytes_ = 0;
  size_t max_bytes_;
  bool armed_ = false;
  bool data_open_ = true;
  bool open_ = true;
};

} // namespace sockd::net
