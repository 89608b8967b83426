// What every scenario shares: the clients, bounded-concurrency connecting,
// timers that die with the scenario, a watchdog enforcing connect timeouts
// and the hard deadline, and CPU marks read from /proc.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "loadgen/client.hpp"
#include "loadgen/histogram.hpp"

namespace bench {

inline std::chrono::nanoseconds to_ns(double seconds) {
  return std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
}

struct run_config {
  target_config target;
  /// Several nodes of one cluster (--ports): client i talks to
  /// targets[i % size], as a round-robin load balancer would place it.
  /// Empty: every client talks to `target`.
  std::vector<target_config> targets;
  std::string label;         // names the server in the results
  std::string scenario;      // fanout, rooms, conns or storm
  std::vector<std::string> tokens; // one JWT per bench user
  int server_pid = 0;        // for CPU and RSS; 0: not measured
  std::vector<int> server_pids; // a cluster's nodes: CPU summed (--server_pids)
  int db_pid = 0;            // PostgreSQL postmaster; 0: none
  double warmup_s = 1;
  double duration_s = 5;
  size_t subscribers = 1000; // fanout
  size_t window = 32;        // fanout: how far the slowest may lag
  size_t topics = 1000;      // rooms
  size_t per_topic = 4;      // rooms
  double rate = 10000;       // rooms: publishes per second in total
  size_t conns = 18000;      // conns
  size_t concurrency = 500;  // connects in flight while setting up
  size_t storm_clients = 5000;
  double deadline_s = 120;   // hard limit for the whole scenario
  std::string topic;         // failover: the topic (default bench/fail:0)
  int kill_pid = 0;          // failover: the process to SIGKILL
  size_t kill_node = 0;      // failover: its index in targets
  std::chrono::milliseconds connect_timeout{15000};
};

class scenario : public client_observer {
public:
  scenario(boost::asio::io_context& ioc, const run_config& cfg);

  ~scenario() override;

  /// Runs the scenario until it finishes or its deadline passes.
  nlohmann::json run();

protected:
  struct cpu_mark {
    uint64_t server = 0;
    std::vector<uint64_t> nodes; // per server_pids entry
    uint64_t db = 0;
    uint64_t self = 0;
    uint64_t machine_busy = 0;
    uint64_t machine_total = 0;
    steady::time_point at;
  };

  /// Starts the scenario; called once the io loop runs.
  virtual void begin() = 0;

  /// Every client handed to connect() is now ready or failed.
  virtual void on_all_settled() {}

  /// A ready client failed later (closed by the server, reset, ...).
  virtual void on_lost(client&, const std::string&) {}

  /// Called by the watchdog every 100 ms.
  virtual void tick(steady::time_point) {}

  void on_ready(client& c) override;
  void on_failed(client& c, const std::string& reason) override;
  void on_delivery(client&, uint64_t, int64_t) override {}

  std::shared_ptr<client> make_client(uint32_t index, std::string topic);

  /// The node (index in cfg.targets) client `index` talks to; 0 when there
  /// is one server.
  size_t node_of(uint32_t index) const {
    return cfg_.targets.empty() ? 0 : index % cfg_.targets.size();
  }

  /// Starts clients_[0..n) with at most `concurrency` connecting at once.
  void connect_all(size_t concurrency);

  /// Runs `fn` after `delay` unless the scenario has finished.
  void after(std::chrono::nanoseconds delay, std::function<void()> fn);

  /// Ends the scenario: drops every client and cancels every timer.
  void finish();

  cpu_mark mark_cpu() const;

  /// Adds server, database and load generator CPU% between two marks.
  void put_cpu(const cpu_mark& a, const cpu_mark& b);

  static nlohmann::json latency_us(const histogram& h);

  void count_error(const std::string& reason) { ++errors_[reason]; }

  /// Says on stderr that the measured phase begins (true) or ends, so that
  /// bench/profile.sh can switch a profiler on for exactly that phase.
  void announce(bool measuring) const;

  boost::asio::io_context& ioc_;
  const run_config& cfg_;
  std::vector<std::shared_ptr<client>> clients_;
  nlohmann::json result_;
  std::map<std::string, uint64_t> errors_;
  size_t ready_ = 0;
  size_t failed_ = 0;
  bool finished_ = false;

private:
  void launch();
  void watchdog();

  size_t next_ = 0;
  size_t in_flight_ = 0;
  size_t concurrency_ = 1;
  steady::time_point hard_deadline_;
  boost::asio::steady_timer watchdog_;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> timers_;
};

/// Builds the scenario named by cfg.scenario, or nullptr.
std::unique_ptr<scenario> make_scenario(boost::asio::io_context& ioc,
                                        const run_config& cfg);

} // namespace bench
