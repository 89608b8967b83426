#define CAF_SUITE support.metrics
// The registry and its text format 0.0.4 (support/metrics.hpp): the exact
// exposition of a small registry, label escaping, histogram buckets.
#include <caf/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "support/metrics.hpp"
#include "support/sockd_metrics.hpp"

using namespace sockd::metrics;

CAF_TEST(a small registry renders exactly) {
  counter relays;
  counter refused;
  gauge open;
  histogram latency{{0.01, 0.1, 1}};
  relays.inc(3);
  refused.inc();
  open.add(5);
  open.sub(2);
  latency.observe(0.005);
  latency.observe(0.05);
  latency.observe(0.05);
  latency.observe(7);
  registry reg;
  reg.add("x_frames_total", "Frames by result.", relays,
          {{"result", "relayed"}});
  reg.add("x_frames_total", "", refused, {{"result", "bad_frame"}});
  reg.add("x_open", "Open things.", open);
  reg.add("x_latency_seconds", "Latency.", latency, {{"kind", "store"}});
  reg.add_sampled("x_sampled", "A sample.", "gauge", [] { return 1.5; });
  CAF_CHECK_EQUAL(reg.render(),
                  "# HELP x_frames_total Frames by result.\n"
                  "# TYPE x_frames_total counter\n"
                  "x_frames_total{result=\"relayed\"} 3\n"
                  "x_frames_total{result=\"bad_frame\"} 1\n"
                  "# HELP x_open Open things.\n"
                  "# TYPE x_open gauge\n"
                  "x_open 3\n"
                  "# HELP x_latency_seconds Latency.\n"
                  "# TYPE x_latency_seconds histogram\n"
                  "x_latency_seconds_bucket{kind=\"store\",le=\"0.01\"} 1\n"
                  "x_latency_seconds_bucket{kind=\"store\",le=\"0.1\"} 3\n"
                  "x_latency_seconds_bucket{kind=\"store\",le=\"1\"} 3\n"
                  "x_latency_seconds_bucket{kind=\"store\",le=\"+Inf\"} 4\n"
                  "x_latency_seconds_sum{kind=\"store\"} 7.105\n"
                  "x_latency_seconds_count{kind=\"store\"} 4\n"
                  "# HELP x_sampled A sample.\n"
                  "# TYPE x_sampled gauge\n"
                  "x_sampled 1.5\n");
}

CAF_TEST(label values are escaped) {
  CAF_CHECK_EQUAL(escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  counter c;
  registry reg;
  reg.add("x_total", "Help with \\ and\nnewline.", c, {{"v", "q\""}});
  CAF_CHECK_EQUAL(reg.render(), "# HELP x_total Help with \\\\ and\\nnewline.\n"
                                "# TYPE x_total counter\n"
                                "x_total{v=\"q\\\"\"} 0\n");
}

CAF_TEST(numbers are written as the format expects) {
  CAF_CHECK_EQUAL(format_number(0), "0");
  CAF_CHECK_EQUAL(format_number(42), "42");
  CAF_CHECK_EQUAL(format_number(0.25), "0.25");
  CAF_CHECK_EQUAL(format_number(INFINITY), "+Inf");
  CAF_CHECK_EQUAL(format_number(-INFINITY), "-Inf");
  CAF_CHECK_EQUAL(format_number(NAN), "NaN");
}

CAF_TEST(an observation on a bound falls into that bucket) {
  histogram h{{0.5, 1}};
  h.observe(0.5);
  h.observe(1);
  h.observe(1.5);
  CAF_CHECK_EQUAL(h.bucket(0), 1u);
  CAF_CHECK_EQUAL(h.bucket(1), 1u);
  CAF_CHECK_EQUAL(h.bucket(2), 1u);
  CAF_CHECK_EQUAL(h.count(), 3u);
  CAF_CHECK_EQUAL(h.sum(), 3.0);
}

CAF_TEST(close codes are bucketed to the known ones and other) {
  CAF_CHECK_EQUAL(known_close_codes[close_bucket(1008)], 1008);
  CAF_CHECK_EQUAL(known_close_codes[close_bucket(1001)], 1001);
  CAF_CHECK_EQUAL(known_close_codes[close_bucket(4002)], 4002);
  CAF_CHECK_EQUAL(close_bucket(4321), known_close_codes.size());
  CAF_CHECK_EQUAL(close_bucket(0), known_close_codes.size());
}

CAF_TEST(a sharded counter sums what every thread added) {
  sharded_counter c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 20; ++t) // more threads than cells: some share
    threads.emplace_back([&c] {
      for (int i = 0; i < 1000; ++i)
        c.inc(2);
    });
  for (auto& t : threads)
    t.join();
  CAF_CHECK_EQUAL(c.value(), 40000u);
  registry reg;
  reg.add("x_total", "Sharded.", c);
  CAF_CHECK_EQUAL(reg.render(), "# HELP x_total Sharded.\n"
                                "# TYPE x_total counter\n"
                                "x_total 40000\n");
}
