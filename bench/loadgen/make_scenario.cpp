#include "loadgen/conns.hpp"
#include "loadgen/failover.hpp"
#include "loadgen/fanout.hpp"
#include "loadgen/rooms.hpp"
#include "loadgen/scenario.hpp"
#include "loadgen/storm.hpp"

namespace bench {

std::unique_ptr<scenario> make_scenario(boost::asio::io_context& ioc,
                                        const run_config& cfg) {
  if (cfg.scenario == "fanout")
    return std::make_unique<fanout>(ioc, cfg);
  if (cfg.scenario == "rooms")
    return std::make_unique<rooms>(ioc, cfg);
  if (cfg.scenario == "conns")
    return std::make_unique<conns>(ioc, cfg);
  if (cfg.scenario == "failover")
    return std::make_unique<failover>(ioc, cfg);
  if (cfg.scenario == "storm")
    return std::make_unique<storm>(ioc, cfg);
  return nullptr;
}

} // namespace bench
