#pragma once

#include <vector>

#include "loadgen/scenario.hpp"

namespace bench {

class failover : public scenario {
public:
  failover(boost::asio::io_context& ioc, const run_config& cfg);

protected:
  void begin() override;
  void on_all_settled() override;
  void on_delivery(client& c, uint64_t seq, int64_t sent_ns) override;
  void tick(steady::time_point now) override;

private:
  bool survives(uint32_t index) const;
  void publish_next();
  void kill_owner();
  void wind_down(); // every survivor receives again (or the wait is over)
  void report();

  uint32_t publisher_ = 0;
  uint64_t sent_ = 0;
  uint64_t kill_seq_ = 0;      // the last seq published before the kill
  int64_t kill_ns_ = 0;
  bool publishing_ = false;
  bool killed_ = false;
  bool winding_down_ = false;
  size_t survivors_ = 0;       // ready clients on surviving nodes at the kill
  size_t resumed_ = 0;
  uint64_t out_of_order_ = 0;
  std::vector<int64_t> resumed_after_ns_; // per client; -1: not yet
  steady::time_point give_up_;
};

} // namespace bench
