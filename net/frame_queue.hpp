// The outbound frames of one socket, counted in bytes. The front frame is
// the one being written; it stays until its write completes. Capacity is
// given back when the queue runs empty, so idle sockets hold nothing.
#pragma once

#include <cstddef>
#include <vector>

#include "actors/outbound.hpp"

namespace sockd::net {

class frame_queue {
public:
  bool empty() const { return head_ == frames_.size(); }

  /// Queued bytes, the front frame included.
  std::size_t bytes() const { return bytes_; }

  std::size_t size() const { return frames_.size() - head_; }

  void push(frame_ptr frame);

  const frame_ptr& front() const { return frames_[head_]; }

  void pop();

  /// Drops everything; with `keep_front`, the front frame (being written)
  /// stays.
  void drop(bool keep_front);

private:
  void compact();

  std::vector<frame_ptr> frames_;
  std::size_t head_ = 0;
  std::size_t bytes_ = 0;
};

} // namespace sockd::net
