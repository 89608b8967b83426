// conns: open many idle subscribed connections (ticket + upgrade +
// subscribe each, a bounded number in flight), two per topic as in an
// Awayto exchange. Measures the connect rate and how much the server's
// resident memory grew per connection once they sit idle.
#include "loadgen/conns.hpp"

#include "loadgen/proc_stats.hpp"

namespace bench {

namespace {

// Let the server finish its start-up work before the baseline is read.
constexpr auto settle_before = std::chrono::milliseconds(1000);

// Time for the server to finish per-connection work (database rows, logs)
// before its memory is read.
constexpr auto settle_after = std::chrono::milliseconds(3000);

} // namespace

conns::conns(boost::asio::io_context& ioc, const run_config& cfg)
  : scenario(ioc, cfg) {
  // nothing else
}

void conns::begin() {
  for (size_t i = 0; i < cfg_.conns; ++i)
    clients_.push_back(make_client(static_cast<uint32_t>(i),
                                   "bench/conn:" + std::to_string(i / 2)));
  after(settle_before, [this] {
    if (cfg_.server_pid > 0)
      rss_before_kib_ = rss_kib(cfg_.server_pid).value_or(0);
    connect_start_ = mark_cpu();
    announce(true);
    connect_all(cfg_.concurrency);
  });
}

void conns::on_ready(client& c) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
              steady::now() - c.started())
              .count();
  connect_latency_.record(static_cast<uint64_t>(ns));
  scenario::on_ready(c);
}

void conns::on_all_settled() {
  auto end = mark_cpu();
  announce(false);
  auto secs = std::chrono::duration<double>(end.at - connect_start_.at).count();
  put_cpu(connect_start_, end);
  result_["attempted"] = clients_.size();
  result_["connected"] = ready_;
  result_["failed"] = failed_;
  result_["connect_s"] = secs;
  result_["connects_per_s"] = static_cast<double>(ready_) / secs;
  result_["connect_latency_us"] = latency_us(connect_latency_);
  if (auto* pool = cfg_.target.tickets) {
    result_["ticket_connections"] = pool->opened;
    result_["tickets_reused"] = pool->reused;
  }
  after(settle_after, [this] { measure_idle(); });
}

void conns::measure_idle() {
  size_t still = 0;
  for (auto& c : clients_)
    if (c->current() == client::state::ready)
      ++still;
  result_["idle_connected"] = still;
  if (cfg_.server_pid > 0) {
    auto after_kib = rss_kib(cfg_.server_pid).value_or(0);
    result_["rss_before_kib"] = rss_before_kib_;
    result_["rss_after_kib"] = after_kib;
    auto grown = static_cast<double>(after_kib)
                 - static_cast<double>(rss_before_kib_);
    if (still > 0)
      result_["rss_per_conn_bytes"]
        = grown * 1024.0 / static_cast<double>(still);
  }
  finish();
}

} // namespace bench
