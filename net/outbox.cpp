#include "net/outbox.hpp"

#include <utility>

namespace sockd::net {

namespace {

bool is_pong(const out_frame& frame) {
  return frame.header_size > 0
         && (frame.header[0] & 0x0f) == static_cast<uint8_t>(ws::opcode::pong);
}

} // namespace

outbox::outbox(size_t max_bytes, size_t low_water)
  : max_bytes_(max_bytes),
    low_water_(low_water > 0 ? low_water : max_bytes / 4) {
  // nop
}

outbox::push_result outbox::push(out_frame frame) {
  auto size = frame.size();
  // Declared before the lock: dropped frames are freed after it is gone.
  std::vector<out_frame> dropped;
  std::vector<segment> dropped_backlog;
  std::lock_guard<std::mutex> guard{mtx_};
  if (!open_ || !data_open_)
    return push_result::dropped;
  if (overflows(size, dropped, dropped_backlog))
    return push_result::overflow;
  if (backlog_count_ > 0) {
    // Behind the backlog, in order; counted while it waits there.
    if (!backlog_.back().counted)
      backlog_.push_back(segment{{}, 0, true});
    backlog_.back().frames.push_back(std::move(frame.payload));
    ++backlog_count_;
    tail_bytes_ += size;
    return arm(); // armed already: a backlog keeps the outbox armed
  }
  append(std::move(frame), size);
  return arm();
}

outbox::push_result outbox::push_control(out_frame frame) {
  auto size = frame.size();
  std::vector<out_frame> dropped;
  std::vector<segment> dropped_backlog;
  std::lock_guard<std::mutex> guard{mtx_};
  if (!open_)
    return push_result::dropped;
  if (frame.is_close) {
    append(std::move(frame), size);
    return arm();
  }
  if (is_pong(frame) && pong_ != no_pong) {
    // Only the latest ping needs an answer: the waiting pong takes its
    // data, in its place.
    auto& old = pending_[pong_];
    pending_bytes_ = pending_bytes_ - old.size() + size;
    old = std::move(frame);
    return arm();
  }
  if (overflows(size, dropped, dropped_backlog))
    return push_result::overflow;
  if (is_pong(frame))
    pong_ = pending_.size();
  append(std::move(frame), size);
  return arm();
}

bool outbox::overflows(size_t size, std::vector<out_frame>& dropped,
                       std::vector<segment>& dropped_backlog) {
  // One frame always fits; more than max_bytes_ waiting means the peer does
  // not keep up, and it must not cost unbounded memory.
  auto queued = pending_bytes_ + writing_bytes_ + tail_bytes_;
  if (queued == 0 || queued + size <= max_bytes_)
    return false;
  data_open_ = false;
  drop_pending(dropped);
  drop_backlog(dropped_backlog);
  return true;
}

outbox::push_result outbox::push_backlog(std::vector<frame_ptr> frames) {
  std::lock_guard<std::mutex> guard{mtx_};
  if (!open_ || !data_open_)
    return push_result::dropped;
  if (frames.empty())
    return armed_ ? push_result::queued : push_result::dropped;
  backlog_count_ += frames.size();
  backlog_.push_back(segment{std::move(frames), 0, false});
  return arm();
}

bool outbox::take(frame_batch& batch) {
  std::vector<out_frame> released;
  std::lock_guard<std::mutex> guard{mtx_};
  feed();
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
  pong_ = no_pong;
  return true;
}

void outbox::feed() {
  while (backlog_count_ > 0
         && pending_bytes_ + writing_bytes_ < low_water_) {
    auto& seg = backlog_.front();
    auto frame = data_frame(std::move(seg.frames[seg.next++]));
    auto size = frame.size();
    if (seg.counted)
      tail_bytes_ -= size;
    --backlog_count_;
    append(std::move(frame), size);
    if (seg.next == seg.frames.size())
      backlog_.erase(backlog_.begin());
  }
  if (backlog_count_ == 0 && backlog_.capacity() > 0)
    std::vector<segment>{}.swap(backlog_);
}

void outbox::written() {
  std::lock_guard<std::mutex> guard{mtx_};
  writing_bytes_ = 0;
}

void outbox::shut_data(bool drop) {
  std::vector<out_frame> dropped;
  std::vector<segment> dropped_backlog;
  std::lock_guard<std::mutex> guard{mtx_};
  data_open_ = false;
  drop_backlog(dropped_backlog);
  if (drop)
    drop_pending(dropped);
}

void outbox::shut() {
  std::vector<out_frame> dropped;
  std::vector<segment> dropped_backlog;
  std::lock_guard<std::mutex> guard{mtx_};
  open_ = false;
  data_open_ = false;
  drop_pending(dropped);
  drop_backlog(dropped_backlog);
}

size_t outbox::bytes() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return pending_bytes_ + writing_bytes_ + tail_bytes_;
}

size_t outbox::backlog_frames() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return backlog_count_;
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
  pong_ = no_pong;
}

void outbox::drop_backlog(std::vector<segment>& dropped) {
  dropped.swap(backlog_);
  tail_bytes_ = 0;
  backlog_count_ = 0;
}

} // namespace sockd::net
