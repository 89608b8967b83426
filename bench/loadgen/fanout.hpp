#pragma once

#include <vector>

#include "loadgen/scenario.hpp"

namespace bench {

class fanout : public scenario {
public:
  fanout(boost::asio::io_context& ioc, const run_config& cfg);

protected:
  void begin() override;
  void on_all_settled() override;
  void on_delivery(client& c, uint64_t seq, int64_t sent_ns) override;
  void on_lost(client& c, const std::string& reason) override;
  void tick(steady::time_point now) override;

private:
  void start_measuring();
  void stop_measuring();
  void advance(); // moves `through_` and publishes what the window allows
  void pump();
  void report();

  size_t window_;
  std::vector<uint32_t> reached_; // per seq in flight: subscribers holding it
  size_t active_ = 0;             // subscribers still connected
  uint64_t sent_ = 0;             // highest seq published
  uint64_t through_ = 0;          // every active subscriber has this seq
  uint64_t measured_ = 0;
  uint64_t out_of_order_ = 0;
  bool publishing_ = false;
  bool measuring_ = false;
  bool draining_ = false;
  histogram latency_;
  cpu_mark measure_start_;
  steady::time_point connect_started_;
  steady::time_point last_progress_;
  steady::time_point drain_until_;
};

} // namespace bench
