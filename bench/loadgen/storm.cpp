// storm: N subscribed clients all lose their connection at the same moment
// (RST, as when a network path drops) and all reconnect at once: ticket,
// upgrade and subscribe, with no limit on attempts in flight. A refused
// attempt (429, 503 or any error) is retried after 100-300 ms, at most
// max_tries times. Measures the time until every client is subscribed again.
#include "loadgen/storm.hpp"

namespace bench {

namespace {

constexpr uint32_t max_tries = 20;

constexpr auto target_time = std::chrono::seconds(5);

constexpr auto settle_before = std::chrono::milliseconds(1000);

} // namespace

storm::storm(boost::asio::io_context& ioc, const run_config& cfg)
  : scenario(ioc, cfg), tries_(cfg.storm_clients, 0) {
  // nothing else
}

void storm::begin() {
  for (size_t i = 0; i < cfg_.storm_clients; ++i)
    clients_.push_back(make_client(static_cast<uint32_t>(i),
                                   "bench/storm:" + std::to_string(i / 4)));
  connect_all(cfg_.concurrency);
}

void storm::on_all_settled() {
  if (storming_)
    return;
  result_["clients"] = clients_.size();
  result_["setup_connected"] = ready_;
  if (ready_ < clients_.size()) {
    count_error("setup_incomplete");
  }
  after(settle_before, [this] { unleash(); });
}

void storm::unleash() {
  storming_ = true;
  storm_start_ = mark_cpu();
  announce(true);
  for (auto& c : clients_)
    c->abort();
  for (uint32_t i = 0; i < clients_.size(); ++i)
    attempt(i);
}

void storm::attempt(uint32_t index) {
  ++tries_[index];
  ++attempts_;
  clients_[index] = make_client(index, clients_[index]->topic());
  clients_[index]->start(cfg_.connect_timeout);
}

void storm::on_ready(client& c) {
  if (!storming_)
    return scenario::on_ready(c);
  ++back_;
  auto since = steady::now() - storm_start_.at;
  back_latency_.record(static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::nanoseconds>(since).count()));
  if (since <= target_time)
    ++back_within_target_;
  if (back_ == clients_.size())
    report();
}

void storm::on_failed(client& c, const std::string& reason) {
  if (!storming_)
    return scenario::on_failed(c, reason);
  count_error(reason);
  if (c.was_ready()) {
    // Lost again after coming back: it has to come back once more.
    --back_;
  } else if (reason == "http_429" || reason == "http_503") {
    ++allowed_refusals_;
  } else {
    ++other_errors_;
  }
  auto index = c.index();
  if (tries_[index] >= max_tries) {
    count_error("gave_up");
    return;
  }
  rng_ ^= rng_ << 13;
  rng_ ^= rng_ >> 17;
  rng_ ^= rng_ << 5;
  auto delay = std::chrono::milliseconds(100 + rng_ % 201);
  after(delay, [this, index] { attempt(index); });
}

void storm::tick(steady::time_point) {
  // The scenario's hard deadline (in the watchdog) ends a storm that does
  // not complete; report what came back before it does.
  if (!storming_)
    return;
  result_["back"] = back_;
  result_["back_within_5s"] = back_within_target_;
  result_["attempts"] = attempts_;
  result_["refused_429_503"] = allowed_refusals_;
  result_["other_errors"] = other_errors_;
}

void storm::report() {
  auto end = mark_cpu();
  announce(false);
  put_cpu(storm_start_, end);
  tick(end.at);
  result_["all_back_s"]
    = std::chrono::duration<double>(end.at - storm_start_.at).count();
  result_["back_latency_us"] = latency_us(back_latency_);
  finish();
}

} // namespace bench
