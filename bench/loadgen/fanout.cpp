// fanout: one topic, N subscribers, one of them publishing as fast as the
// slowest subscriber allows (it may lag at most `window` messages). Measures
// deliveries per second summed over subscribers and the latency of each
// delivery from the send timestamp in its payload.
#include "loadgen/fanout.hpp"

#include <algorithm>

namespace bench {

namespace {

constexpr size_t ring_size = 1024; // > any sensible window

} // namespace

fanout::fanout(boost::asio::io_context& ioc, const run_config& cfg)
  : scenario(ioc, cfg), reached_(ring_size, 0) {
  window_ = std::min(std::max<size_t>(cfg.window, 1), ring_size - 1);
}

void fanout::begin() {
  for (size_t i = 0; i < cfg_.subscribers; ++i)
    clients_.push_back(make_client(static_cast<uint32_t>(i), "bench/fan:0"));
  connect_started_ = steady::now();
  connect_all(cfg_.concurrency);
}

void fanout::on_all_settled() {
  result_["subscribers"] = ready_;
  result_["connect_s"]
    = std::chrono::duration<double>(steady::now() - connect_started_).count();
  if (clients_.empty() || clients_[0]->current() != client::state::ready) {
    count_error("publisher_not_connected");
    return finish();
  }
  active_ = ready_;
  publishing_ = true;
  last_progress_ = steady::now();
  pump();
  after(to_ns(cfg_.warmup_s), [this] { start_measuring(); });
}

void fanout::start_measuring() {
  measuring_ = true;
  measured_ = 0;
  measure_start_ = mark_cpu();
  announce(true);
  after(to_ns(cfg_.duration_s), [this] { stop_measuring(); });
}

void fanout::stop_measuring() {
  if (!measuring_)
    return;
  measuring_ = false;
  publishing_ = false;
  auto end = mark_cpu();
  announce(false);
  auto secs = std::chrono::duration<double>(end.at - measure_start_.at).count();
  put_cpu(measure_start_, end);
  result_["measured_s"] = secs;
  result_["deliveries"] = measured_;
  result_["deliveries_per_s"] = static_cast<double>(measured_) / secs;
  result_["latency_us"] = latency_us(latency_);
  drain_until_ = steady::now() + std::chrono::seconds(5);
  draining_ = true;
}

void fanout::tick(steady::time_point now) {
  if (publishing_ && now - last_progress_ > std::chrono::seconds(3)) {
    // Nothing moved for seconds: some subscriber never got a message.
    count_error("stalled");
    stop_measuring();
  }
  if (draining_ && (through_ == sent_ || now > drain_until_))
    report();
}

void fanout::on_delivery(client& c, uint64_t seq, int64_t sent_ns) {
  auto now = now_ns();
  if (seq <= c.last_seq || seq > sent_) {
    ++out_of_order_;
    return;
  }
  for (auto x = std::max(c.last_seq, through_) + 1; x <= seq; ++x)
    ++reached_[x % ring_size];
  c.last_seq = seq;
  ++c.unique;
  if (measuring_) {
    ++measured_;
    latency_.record(static_cast<uint64_t>(std::max<int64_t>(now - sent_ns, 0)));
  }
  advance();
}

void fanout::on_lost(client&, const std::string&) {
  if (active_ > 0)
    --active_;
  advance();
}

void fanout::advance() {
  auto moved = false;
  while (through_ < sent_ && reached_[(through_ + 1) % ring_size] >= active_) {
    ++through_;
    reached_[through_ % ring_size] = 0;
    moved = true;
  }
  if (moved)
    last_progress_ = steady::now();
  pump();
}

void fanout::pump() {
  auto& publisher = *clients_[0];
  while (publishing_ && sent_ < through_ + window_
         && publisher.current() == client::state::ready)
    publisher.publish(++sent_, now_ns());
}

void fanout::report() {
  draining_ = false;
  uint64_t lost = 0;
  for (auto& c : clients_)
    if (c->current() == client::state::ready)
      lost += sent_ - c->unique;
  result_["published"] = sent_;
  result_["lost"] = lost;
  result_["out_of_order"] = out_of_order_;
  finish();
}

} // namespace bench
