#include "net/frame_queue.hpp"

#include <utility>

namespace sockd::net {

namespace {

// Past this many popped slots, move the live frames to the start.
constexpr std::size_t compact_after = 64;

// An empty queue keeps at most this many slots of capacity.
constexpr std::size_t idle_capacity = 8;

} // namespace

void frame_queue::push(frame_ptr frame) {
  bytes_ += frame->size();
  frames_.push_back(std::move(frame));
}

void frame_queue::pop() {
  bytes_ -= frames_[head_]->size();
  frames_[head_].reset();
  ++head_;
  compact();
}

void frame_queue::drop(bool keep_front) {
  if (keep_front && !empty()) {
    auto front = std::move(frames_[head_]);
    frames_.clear();
    head_ = 0;
    bytes_ = front->size();
    frames_.push_back(std::move(front));
  } else {
    frames_.clear();
    head_ = 0;
    bytes_ = 0;
  }
  compact();
}

void frame_queue::compact() {
  if (empty()) {
    frames_.clear();
    head_ = 0;
    if (frames_.capacity() > idle_capacity)
      frames_.shrink_to_fit();
  } else if (head_ >= compact_after && head_ * 2 >= frames_.size()) {
    frames_.erase(frames_.begin(),
                  frames_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

} // namespace sockd::net
