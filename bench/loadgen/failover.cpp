// failover: one topic, N subscribers spread over a cluster's nodes, and one
// publisher on a node that survives, publishing at a fixed rate (--rate;
// bench/cluster.sh passes 1,000/s: a 1 ms resolution). After the warmup the load generator
// sends SIGKILL to --kill_pid, the process behind the --kill_node-th port
// (for sockd: the topic's owner), and measures for every subscriber on a
// surviving node the time from the kill until it receives the first
// message published after the kill. Reports the median and the maximum over
// those subscribers (the maximum is "every surviving subscriber receives
// again"), then keeps publishing for a second and counts, per survivor,
// the messages it never received (unstored messages lost in the failover).
#include "loadgen/failover.hpp"

#include <algorithm>
#include <cmath>

#include <signal.h>

namespace bench {

namespace {

// How long survivors may take to receive again before the run gives up
// (longer than a relay's 30 s without an owner).
constexpr auto resume_limit = std::chrono::seconds(40);

// Publishing goes on this long after the last survivor resumed, so that
// what was lost is told apart from what was late.
constexpr auto after_resume = std::chrono::seconds(1);

// And deliveries are awaited this long after the last publish.
constexpr auto drain = std::chrono::seconds(2);

} // namespace

failover::failover(boost::asio::io_context& ioc, const run_config& cfg)
  : scenario(ioc, cfg), resumed_after_ns_(cfg.subscribers, -1) {
  // nothing else
}

bool failover::survives(uint32_t index) const {
  return node_of(index) != cfg_.kill_node;
}

void failover::begin() {
  auto topic = cfg_.topic.empty() ? std::string{"bench/fail:0"} : cfg_.topic;
  for (size_t i = 0; i < cfg_.subscribers; ++i)
    clients_.push_back(make_client(static_cast<uint32_t>(i), topic));
  // The publisher: the first client on a node that survives.
  while (publisher_ + 1 < clients_.size() && !survives(publisher_))
    ++publisher_;
  connect_all(cfg_.concurrency);
}

void failover::on_all_settled() {
  result_["subscribers"] = ready_;
  result_["kill_node"] = cfg_.kill_node;
  result_["rate"] = cfg_.rate;
  if (cfg_.kill_pid <= 0) {
    count_error("no_kill_pid");
    return finish();
  }
  if (clients_[publisher_]->current() != client::state::ready
      || !survives(publisher_)) {
    count_error("publisher_not_connected");
    return finish();
  }
  publishing_ = true;
  publish_next();
  after(to_ns(cfg_.warmup_s), [this] { kill_owner(); });
}

void failover::publish_next() {
  if (!publishing_)
    return;
  clients_[publisher_]->publish(++sent_, now_ns());
  after(to_ns(1.0 / cfg_.rate), [this] { publish_next(); });
}

void failover::kill_owner() {
  for (auto& c : clients_)
    if (c->current() == client::state::ready && survives(c->index()))
      ++survivors_;
  result_["survivors"] = survivors_;
  kill_seq_ = sent_;
  kill_ns_ = now_ns();
  announce(true);
  if (::kill(cfg_.kill_pid, SIGKILL) != 0) {
    count_error("kill_failed");
    return finish();
  }
  killed_ = true;
  give_up_ = steady::now() + resume_limit;
}

void failover::on_delivery(client& c, uint64_t seq, int64_t) {
  if (seq <= c.last_seq || seq > sent_) {
    ++out_of_order_;
    return;
  }
  c.last_seq = seq;
  ++c.unique;
  if (!killed_ || seq <= kill_seq_ || !survives(c.index()))
    return;
  auto& after = resumed_after_ns_[c.index()];
  if (after >= 0)
    return;
  after = now_ns() - kill_ns_;
  if (++resumed_ == survivors_)
    wind_down();
}

void failover::tick(steady::time_point now) {
  if (killed_ && !winding_down_ && now > give_up_) {
    count_error("not_resumed");
    wind_down();
  }
}

void failover::wind_down() {
  if (winding_down_)
    return;
  winding_down_ = true;
  announce(false);
  std::vector<double> ms;
  for (auto ns : resumed_after_ns_)
    if (ns >= 0)
      ms.push_back(static_cast<double>(ns) / 1e6);
  std::sort(ms.begin(), ms.end());
  result_["resumed"] = ms.size();
  if (!ms.empty()) {
    result_["failover_ms_p50"] = ms[ms.size() / 2];
    result_["failover_ms_max"] = ms.back();
    result_["failover_ms_min"] = ms.front();
  }
  after(after_resume, [this] {
    publishing_ = false;
    after(drain, [this] { report(); });
  });
}

void failover::report() {
  // Every survivor was subscribed before the first publish, so it should
  // hold 1..sent_; what it lacks was lost (or is still late after `drain`).
  uint64_t lost_max = 0;
  uint64_t lost_sum = 0;
  size_t counted = 0;
  for (auto& c : clients_) {
    if (!survives(c->index()) || c->current() != client::state::ready)
      continue;
    auto lost = sent_ - std::min(sent_, c->unique);
    lost_max = std::max(lost_max, lost);
    lost_sum += lost;
    ++counted;
  }
  result_["published"] = sent_;
  result_["published_before_kill"] = kill_seq_;
  result_["lost_per_survivor_max"] = lost_max;
  result_["lost_per_survivor_mean"]
    = counted ? static_cast<double>(lost_sum) / static_cast<double>(counted)
              : 0.0;
  result_["out_of_order"] = out_of_order_;
  result_["publisher_errors"] = clients_[publisher_]->error_frames;
  finish();
}

} // namespace bench
