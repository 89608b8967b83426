#pragma once

#include <vector>

#include "loadgen/scenario.hpp"

namespace bench {

class storm : public scenario {
public:
  storm(boost::asio::io_context& ioc, const run_config& cfg);

protected:
  void begin() override;
  void on_all_settled() override;
  void on_ready(client& c) override;
  void on_failed(client& c, const std::string& reason) override;
  void tick(steady::time_point now) override;

private:
  void unleash();
  void attempt(uint32_t index);
  void report();

  bool storming_ = false;
  size_t back_ = 0;              // resubscribed since the storm began
  size_t back_within_target_ = 0;
  uint64_t attempts_ = 0;
  uint64_t allowed_refusals_ = 0; // 429 and 503, which clients retry
  uint64_t other_errors_ = 0;
  std::vector<uint32_t> tries_;
  uint32_t rng_ = 0x9E3779B9u;
  histogram back_latency_;
  cpu_mark storm_start_;
};

} // namespace bench
