// A log-linear latency histogram: 64 buckets per power of two (at most 1.6%
// error), fixed size, so recording millions of samples costs no memory.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

namespace bench {

class histogram {
public:
  void record(uint64_t v) {
    ++counts_[index(v)];
    ++count_;
    max_ = std::max(max_, v);
  }

  uint64_t count() const { return count_; }

  uint64_t max() const { return max_; }

  /// The value below which a fraction `p` (0..1) of the samples lie; the
  /// midpoint of the bucket holding that rank.
  uint64_t percentile(double p) const {
    if (count_ == 0)
      return 0;
    auto rank = static_cast<uint64_t>(p * static_cast<double>(count_));
    rank = std::min(std::max<uint64_t>(rank, 1), count_);
    uint64_t seen = 0;
    for (size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank)
        return std::min(midpoint(i), max_);
    }
    return max_;
  }

private:
  static constexpr int sub_bits = 6;
  static constexpr uint64_t sub_count = uint64_t{1} << sub_bits;

  static size_t index(uint64_t v) {
    if (v < sub_count)
      return static_cast<size_t>(v);
    auto msb = 63 - __builtin_clzll(v);
    auto mantissa = (v >> (msb - sub_bits)) & (sub_count - 1);
    return static_cast<size_t>((msb - sub_bits + 1) * sub_count + mantissa);
  }

  static uint64_t midpoint(size_t i) {
    if (i < sub_count)
      return i;
    auto msb = static_cast<int>(i / sub_count) + sub_bits - 1;
    auto mantissa = i % sub_count;
    auto width = uint64_t{1} << (msb - sub_bits);
    auto low = (sub_count + mantissa) << (msb - sub_bits);
    return low + width / 2;
  }

  std::array<uint64_t, (64 - sub_bits + 1) * sub_count> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

} // namespace bench
