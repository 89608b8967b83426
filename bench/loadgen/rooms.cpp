// rooms: many small topics (1,000 x 4 subscribers) at a fixed total publish
// rate, spread round-robin over the topics and paced in 1 ms ticks; each
// topic's first member publishes. Measures delivery latency.
#include "loadgen/rooms.hpp"

#include <algorithm>

namespace bench {

namespace {

constexpr auto tick_interval = std::chrono::milliseconds(1);

} // namespace

rooms::rooms(boost::asio::io_context& ioc, const run_config& cfg)
  : scenario(ioc, cfg),
    topics_(std::max<size_t>(cfg.topics, 1)),
    sent_(topics_, 0) {
  // nothing else
}

void rooms::begin() {
  auto per = std::max<size_t>(cfg_.per_topic, 1);
  for (size_t i = 0; i < topics_ * per; ++i)
    clients_.push_back(make_client(static_cast<uint32_t>(i),
                                   "bench/room:" + std::to_string(i / per)));
  connect_all(cfg_.concurrency);
}

void rooms::on_all_settled() {
  result_["subscribers"] = ready_;
  result_["topics"] = topics_;
  result_["target_rate"] = cfg_.rate;
  publishing_ = true;
  publish_start_ = steady::now();
  next_tick_ = publish_start_;
  pacer_ = std::make_shared<boost::asio::steady_timer>(ioc_);
  publish_due();
  after(to_ns(cfg_.warmup_s), [this] { start_measuring(); });
}

void rooms::schedule_tick() {
  next_tick_ += tick_interval;
  pacer_->expires_at(next_tick_);
  pacer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec && !finished_)
      publish_due();
  });
}

void rooms::publish_due() {
  if (!publishing_)
    return;
  auto elapsed
    = std::chrono::duration<double>(steady::now() - publish_start_).count();
  auto due = static_cast<uint64_t>(elapsed * cfg_.rate);
  auto per = std::max<size_t>(cfg_.per_topic, 1);
  // Never more than a second's worth at once, should the loop fall behind.
  auto limit = static_cast<uint64_t>(cfg_.rate) + 1;
  for (uint64_t n = 0; issued_ < due && n < limit; ++n) {
    auto topic = cursor_++ % topics_;
    auto& publisher = *clients_[topic * per];
    ++issued_;
    if (publisher.current() != client::state::ready)
      continue;
    publisher.publish(++sent_[topic], now_ns());
    if (measuring_)
      ++measured_publishes_;
  }
  schedule_tick();
}

void rooms::start_measuring() {
  measuring_ = true;
  measured_ = 0;
  measured_publishes_ = 0;
  measure_start_ = mark_cpu();
  announce(true);
  after(to_ns(cfg_.duration_s), [this] { stop_measuring(); });
}

void rooms::stop_measuring() {
  measuring_ = false;
  publishing_ = false;
  if (pacer_)
    pacer_->cancel();
  auto end = mark_cpu();
  announce(false);
  auto secs = std::chrono::duration<double>(end.at - measure_start_.at).count();
  put_cpu(measure_start_, end);
  result_["measured_s"] = secs;
  result_["publishes_per_s"] = static_cast<double>(measured_publishes_) / secs;
  result_["deliveries_per_s"] = static_cast<double>(measured_) / secs;
  result_["latency_us"] = latency_us(latency_);
  drain_until_ = steady::now() + std::chrono::seconds(5);
  draining_ = true;
}

void rooms::tick(steady::time_point now) {
  if (!draining_)
    return;
  auto per = std::max<size_t>(cfg_.per_topic, 1);
  auto done = true;
  for (auto& c : clients_)
    if (c->current() == client::state::ready
        && c->unique < sent_[c->index() / per]) {
      done = false;
      break;
    }
  if (done || now > drain_until_)
    report();
}

void rooms::on_delivery(client& c, uint64_t seq, int64_t sent_ns) {
  auto now = now_ns();
  if (seq <= c.last_seq) {
    ++out_of_order_;
    return;
  }
  c.last_seq = seq;
  ++c.unique;
  if (measuring_) {
    ++measured_;
    latency_.record(static_cast<uint64_t>(std::max<int64_t>(now - sent_ns, 0)));
  }
}

void rooms::report() {
  draining_ = false;
  auto per = std::max<size_t>(cfg_.per_topic, 1);
  uint64_t lost = 0;
  uint64_t published = 0;
  for (auto s : sent_)
    published += s;
  for (auto& c : clients_)
    if (c->current() == client::state::ready)
      lost += sent_[c->index() / per] - c->unique;
  result_["published"] = published;
  result_["lost"] = lost;
  result_["out_of_order"] = out_of_order_;
  finish();
}

} // namespace bench
