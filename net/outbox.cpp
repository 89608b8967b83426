#include "net/outbox.hpp"

#include <utility>

namespace sockd::net {

outbox::outbox(size_t max_bytes) : max_bytes_(max_bytes) {
  // nop
}

outbox::push_result outbox::push(out_frame frame) {
  auto size = frame.size();
  // Declared before the lock: dropped frames are freed after it is gone.
  std::vector<out_frame> dropped;
  std::lock_guard<std::mutex> guard{mtx_};
  if (!open_ || !data_open_)
    return push_result::dropped;
  // One frame always fits; more than max_bytes_ waiting means the peer does
  // not keep up, and it must not cost unbounded memory.
  auto queued = pending_bytes_ + writing_bytes_;
  if (queued > 0 && queued + size > max_bytes_) {
    data_open_ = false;
    drop_pending(dropped);
    return push_result::overflow;
  }
  append(std::move(frame), size);
  return arm();
}

outbox::push_result outbox::push_control(out_frame frame) {
  auto size = frame.size();
  std::lock_guard<std::mutex> guard{mtx_};
  if (!open_)
    return push_result::dropped;
  append(std::move(frame), size);
  return arm();
}

bool outbox::take(frame_batch& batch) {
  std::vector<out_frame> released;
  std::lock_guard<std::mutex> guard{mtx_};
  if (pending_.empty()) {
    armed_ = false;
    if (pending_.capacity() > idle_capacity)
      released.swap(pending_);
    return false;
  }
  // The batch's (empty) vector becomes the next pending list: no
  // allocation while frames keep coming.
  pending_.swap(batch.frames());
  writing_bytes_ = pending_bytes_;
  pending_bytes_ = 0;
  return true;
}

void outbox::written() {
  std::lock_guard<std::mutex> guard{mtx_};
  writing_bytes_ = 0;
}

void outbox::shut_data(bool drop) {
  std::vector<out_frame> dropped;
  std::lock_guard<std::mutex> guard{mtx_};
  data_open_ = false;
  if (drop)
    drop_pending(dropped);
}

void outbox::shut() {
  std::vector<out_frame> dropped;
  std::lock_guard<std::mutex> guard{mtx_};
  open_ = false;
  data_open_ = false;
  drop_pending(dropped);
}

size_t outbox::bytes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pending_bytes_ + writing_bytes_;
}

size_t outbox::capacity() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pending_.capacity();
}

outbox::push_result outbox::arm() {
  if (armed_)
    return push_result::queued;
  armed_ = true;
  return push_result::schedule;
}

void outbox::append(out_frame&& frame, size_t size) {
  if (pending_.capacity() == 0)
    pending_.reserve(burst_capacity);
  pending_.push_back(std::move(frame));
  pending_bytes_ += size;
}

void outbox::drop_pending(std::vector<out_frame>& dropped) {
  dropped.swap(pending_);
  pending_bytes_ = 0;
}

} // namespace sockd::net
