#include "loadgen/scenario.hpp"

#include <algorithm>
#include <cstdio>

#include <unistd.h>

#include "loadgen/proc_stats.hpp"

namespace bench {

namespace net = boost::asio;

scenario::scenario(net::io_context& ioc, const run_config& cfg)
  : ioc_(ioc), cfg_(cfg), watchdog_(ioc) {
  result_["server"] = cfg.label;
  result_["scenario"] = cfg.scenario;
}

scenario::~scenario() = default;

nlohmann::json scenario::run() {
  hard_deadline_ = steady::now()
                   + std::chrono::milliseconds(
                     static_cast<int64_t>(cfg_.deadline_s * 1000));
  net::post(ioc_, [this] {
    begin();
    watchdog();
  });
  ioc_.run();
  // Every socket is closed by now; what is left are cancelled handlers.
  ioc_.restart();
  ioc_.poll();
  uint64_t error_frames = 0;
  for (auto& c : clients_)
    if (c)
      error_frames += c->error_frames;
  if (error_frames > 0)
    errors_["error_frames"] += error_frames;
  result_["errors"] = errors_;
  return result_;
}

void scenario::watchdog() {
  if (finished_)
    return;
  auto now = steady::now();
  if (now > hard_deadline_) {
    result_["deadline_hit"] = true;
    count_error("scenario_deadline");
    finish();
    return;
  }
  for (auto& c : clients_)
    if (c)
      c->check_deadline(now);
  tick(now);
  if (finished_)
    return;
  watchdog_.expires_after(std::chrono::milliseconds(100));
  watchdog_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      watchdog();
  });
}

std::shared_ptr<client> scenario::make_client(uint32_t index,
                                              std::string topic) {
  std::string token;
  if (!cfg_.tokens.empty())
    token = cfg_.tokens[index % cfg_.tokens.size()];
  const auto& target
    = cfg_.targets.empty() ? cfg_.target : cfg_.targets[node_of(index)];
  return std::make_shared<client>(ioc_, target, *this, index,
                                  std::move(topic), std::move(token));
}

void scenario::connect_all(size_t concurrency) {
  concurrency_ = std::max<size_t>(concurrency, 1);
  next_ = 0;
  in_flight_ = 0;
  launch();
}

void scenario::launch() {
  while (!finished_ && in_flight_ < concurrency_ && next_ < clients_.size()) {
    ++in_flight_;
    clients_[next_++]->start(cfg_.connect_timeout);
  }
  if (!finished_ && in_flight_ == 0 && next_ == clients_.size())
    on_all_settled();
}

void scenario::on_ready(client& c) {
  // What the servers negotiated (version, cipher) matters to the figures.
  if (cfg_.target.tls && !result_.contains("tls"))
    result_["tls"] = c.tls_summary();
  ++ready_;
  --in_flight_;
  launch();
}

void scenario::on_failed(client& c, const std::string& reason) {
  if (c.was_ready()) {
    count_error("lost:" + reason);
    on_lost(c, reason);
    return;
  }
  ++failed_;
  count_error(reason);
  --in_flight_;
  launch();
}

void scenario::after(std::chrono::nanoseconds delay, std::function<void()> fn) {
  if (finished_)
    return;
  auto timer = std::make_shared<net::steady_timer>(ioc_);
  timers_.push_back(timer);
  timer->expires_after(delay);
  timer->async_wait([this, timer, fn = std::move(fn)](
                      const boost::system::error_code& ec) {
    timers_.erase(std::remove(timers_.begin(), timers_.end(), timer),
                  timers_.end());
    if (!ec && !finished_)
      fn();
  });
}

void scenario::finish() {
  if (finished_)
    return;
  finished_ = true;
  watchdog_.cancel();
  for (auto& t : timers_)
    t->cancel();
  for (auto& c : clients_)
    if (c)
      c->abort();
}

scenario::cpu_mark scenario::mark_cpu() const {
  cpu_mark m;
  m.at = steady::now();
  if (!cfg_.server_pids.empty()) {
    // A cluster: the nodes' CPU summed (a killed node's stops counting).
    for (auto pid : cfg_.server_pids) {
      m.nodes.push_back(tree_cpu_ticks(pid));
      m.server += m.nodes.back();
    }
  } else if (cfg_.server_pid > 0) {
    m.server = tree_cpu_ticks(cfg_.server_pid);
  }
  if (cfg_.db_pid > 0)
    m.db = tree_cpu_ticks(cfg_.db_pid);
  m.self = cpu_ticks(getpid()).value_or(0);
  auto machine = machine_cpu();
  m.machine_busy = machine.busy;
  m.machine_total = machine.total;
  return m;
}

void scenario::put_cpu(const cpu_mark& a, const cpu_mark& b) {
  auto secs = std::chrono::duration<double>(b.at - a.at).count();
  if (secs <= 0)
    return;
  auto pct = [secs](uint64_t from, uint64_t to) {
    // A process that died between the marks reads 0: no negative share.
    auto ticks = to > from ? static_cast<double>(to - from) : 0.0;
    return 100.0 * ticks / static_cast<double>(ticks_per_second()) / secs;
  };
  auto ours = pct(a.self, b.self);
  result_["loadgen_cpu_pct"] = ours;
  if (cfg_.server_pid > 0 || !cfg_.server_pids.empty()) {
    result_["server_cpu_pct"] = pct(a.server, b.server);
    ours += pct(a.server, b.server);
  }
  if (!a.nodes.empty() && a.nodes.size() == b.nodes.size()) {
    auto each = nlohmann::json::array();
    for (size_t i = 0; i < a.nodes.size(); ++i)
      each.push_back(pct(a.nodes[i], b.nodes[i]));
    result_["node_cpu_pct"] = each;
  }
  if (cfg_.db_pid > 0) {
    result_["db_cpu_pct"] = pct(a.db, b.db);
    ours += pct(a.db, b.db);
  }
  // Busy time of the whole machine (100 per core): what is not ours was
  // taken by other processes and disturbs the figures.
  if (b.machine_total > a.machine_total) {
    auto busy = 100.0 * static_cast<double>(cpu_count())
                * static_cast<double>(b.machine_busy - a.machine_busy)
                / static_cast<double>(b.machine_total - a.machine_total);
    result_["machine_busy_pct"] = busy;
    result_["other_cpu_pct"] = std::max(0.0, busy - ours);
  }
}

void scenario::announce(bool measuring) const {
  std::fprintf(stderr, "sockd_loadgen: %s %s\n",
               measuring ? "measuring" : "measured", cfg_.scenario.c_str());
  std::fflush(stderr);
}

nlohmann::json scenario::latency_us(const histogram& h) {
  auto us = [](uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
  return {{"samples", h.count()},
          {"p50", us(h.percentile(0.50))},
          {"p99", us(h.percentile(0.99))},
          {"p999", us(h.percentile(0.999))},
          {"max", us(h.max())}};
}

} // namespace bench
