// A token bucket: `rate` tokens per second, at most `burst` saved up. The
// caller passes the time, so tests drive it without a clock.
#pragma once

#include <algorithm>
#include <chrono>

namespace sockd::protocol {

class rate_limiter {
public:
  using time_point = std::chrono::steady_clock::time_point;

  rate_limiter(double rate, int burst, time_point now)
    : rate_(rate), burst_(burst), tokens_(burst), last_(now) {
    // nop
  }

  /// Whether a token is there to take (the caller decides whether to).
  bool ready(time_point now) {
    refill(now);
    return tokens_ >= 1.0;
  }

  /// Takes one token; false when the bucket is empty.
  bool take(time_point now) {
    refill(now);
    if (tokens_ < 1.0)
      return false;
    tokens_ -= 1.0;
    return true;
  }

private:
  void refill(time_point now) {
    if (now <= last_)
      return;
    std::chrono::duration<double> elapsed = now - last_;
    tokens_ = std::min<double>(burst_, tokens_ + elapsed.count() * rate_);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  time_point last_;
};

} // namespace sockd::protocol
