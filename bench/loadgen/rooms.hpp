#pragma once

#include <vector>

#include "loadgen/scenario.hpp"

namespace bench {

class rooms : public scenario {
public:
  rooms(boost::asio::io_context& ioc, const run_config& cfg);

protected:
  void begin() override;
  void on_all_settled() override;
  void on_delivery(client& c, uint64_t seq, int64_t sent_ns) override;
  void tick(steady::time_point now) override;

private:
  void schedule_tick();
  void publish_due();
  void start_measuring();
  void stop_measuring();
  void report();

  size_t topics_;
  std::vector<uint64_t> sent_; // per topic: highest seq published
  uint64_t issued_ = 0;        // publishes since publishing began
  size_t cursor_ = 0;          // next topic to publish on
  uint64_t measured_ = 0;
  uint64_t measured_publishes_ = 0;
  uint64_t out_of_order_ = 0;
  bool publishing_ = false;
  bool measuring_ = false;
  bool draining_ = false;
  histogram latency_;
  cpu_mark measure_start_;
  steady::time_point publish_start_;
  steady::time_point next_tick_;
  steady::time_point drain_until_;
  std::shared_ptr<boost::asio::steady_timer> pacer_;
};

} // namespace bench
