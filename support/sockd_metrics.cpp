#include "support/sockd_metrics.hpp"

#include <map>
#include <memory>
#include <mutex>

namespace sockd::metrics {

catalogue sockd;

namespace {

std::mutex topic_types_mutex;
// unique_ptr: the gauges stay where they are while the map grows.
std::map<std::string, std::unique_ptr<gauge>> topic_types;

} // namespace

size_t close_bucket(uint16_t code) {
  for (size_t i = 0; i < known_close_codes.size(); ++i)
    if (known_close_codes[i] == code)
      return i;
  return known_close_codes.size();
}

const char* to_string(db_kind kind) {
  switch (kind) {
    case db_kind::allow:
      return "allow";
    case db_kind::recheck:
      return "recheck";
    case db_kind::store:
      return "store";
    case db_kind::history:
      return "history";
    case db_kind::writers:
      return "writers";
    case db_kind::connections:
      return "connections";
    case db_kind::ping:
      return "ping";
    case db_kind::count_:
      break;
  }
  return "other";
}

std::vector<double> db_latency_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,   0.25,   0.5,   1,    2.5, 5, 10};
}

gauge& topics_of_type(const std::string& type) {
  std::lock_guard<std::mutex> guard{topic_types_mutex};
  auto& slot = topic_types[type];
  if (!slot)
    slot = std::make_unique<gauge>();
  return *slot;
}

std::vector<std::pair<std::string, const gauge*>> topic_gauges() {
  std::lock_guard<std::mutex> guard{topic_types_mutex};
  std::vector<std::pair<std::string, const gauge*>> out;
  for (auto& kvp : topic_types)
    out.emplace_back(kvp.first, kvp.second.get());
  return out;
}

} // namespace sockd::metrics
