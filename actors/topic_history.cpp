#include "actors/topic_history.hpp"

#include <random>

namespace sockd {

uint64_t new_epoch_bits() {
  // Not a secret: only distinct per topic history. Seeded once per thread.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  uint64_t bits = 0;
  while (bits == 0)
    bits = gen();
  return bits;
}

std::string epoch_text(uint64_t bits) {
  static const char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (auto& c : out) {
    c = digits[bits & 0xf];
    bits >>= 4;
  }
  return out;
}

std::string new_epoch() {
  return epoch_text(new_epoch_bits());
}

uint64_t topic_history::record(uint64_t offset, frame_ptr frame,
                               time_point now) {
  offset_ = offset;
  if (limits_.size == 0)
    return offset;
  if (ring_.empty())
    ring_.resize(limits_.size);
  expire(now);
  auto slot = (head_ + count_) % ring_.size();
  if (count_ == ring_.size()) {
    head_ = (head_ + 1) % ring_.size(); // the oldest gives way
    --count_;
  }
  ring_[slot] = entry{offset, now, std::move(frame)};
  ++count_;
  return offset;
}

std::optional<std::vector<topic_history::held>>
topic_history::after(uint64_t since, time_point now) {
  if (since > offset_)
    return std::nullopt;
  std::vector<held> result;
  if (since == offset_)
    return result;
  expire(now);
  // Held entries carry consecutive offsets ending at offset_.
  auto missing = offset_ - since;
  if (missing > count_)
    return std::nullopt;
  result.reserve(missing);
  for (auto i = count_ - missing; i < count_; ++i) {
    auto& e = ring_[(head_ + i) % ring_.size()];
    if (e.frame)
      result.push_back(held{e.offset, e.frame});
  }
  return result;
}

void topic_history::expire(time_point now) {
  while (count_ > 0 && now - ring_[head_].when > limits_.ttl) {
    ring_[head_].frame.reset();
    head_ = (head_ + 1) % ring_.size();
    --count_;
  }
}

} // namespace sockd
