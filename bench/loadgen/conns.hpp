#pragma once

#include "loadgen/scenario.hpp"

namespace bench {

class conns : public scenario {
public:
  conns(boost::asio::io_context& ioc, const run_config& cfg);

protected:
  void begin() override;
  void on_ready(client& c) override;
  void on_all_settled() override;

private:
  void measure_idle();

  histogram connect_latency_;
  cpu_mark connect_start_;
  uint64_t rss_before_kib_ = 0;
};

} // namespace bench
