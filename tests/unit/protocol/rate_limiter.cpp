#define CAF_SUITE protocol.rate_limiter

#include "protocol/rate_limiter.hpp"

#include <caf/test/unit_test.hpp>

using sockd::protocol::rate_limiter;
using namespace std::chrono;

CAF_TEST(a burst passes then the rate refills) {
  auto t0 = steady_clock::time_point{} + hours(1);
  rate_limiter limiter{20, 10, t0};
  int passed = 0;
  for (int i = 0; i < 15; ++i)
    passed += limiter.take(t0) ? 1 : 0;
  CAF_CHECK_EQUAL(passed, 10);
  CAF_CHECK(!limiter.take(t0 + milliseconds(49)));
  CAF_CHECK(limiter.take(t0 + milliseconds(50)));
  // A long pause refills to the burst, not beyond it.
  passed = 0;
  for (int i = 0; i < 15; ++i)
    passed += limiter.take(t0 + seconds(60)) ? 1 : 0;
  CAF_CHECK_EQUAL(passed, 10);
}
