#include "actors/fanout_stats.hpp"

#include <atomic>

namespace sockd {

namespace {

std::atomic<uint64_t> broadcasts{0};
std::atomic<uint64_t> cross_node{0};
std::atomic<uint64_t> max_cross_node{0};

} // namespace

void record_fanout(size_t cross_node_messages) {
  auto n = static_cast<uint64_t>(cross_node_messages);
  broadcasts.fetch_add(1, std::memory_order_relaxed);
  cross_node.fetch_add(n, std::memory_order_relaxed);
  auto seen = max_cross_node.load(std::memory_order_relaxed);
  // Fails only while another thread raises the maximum; each retry sees a
  // larger value, so this ends.
  while (n > seen
         && !max_cross_node.compare_exchange_weak(seen, n,
                                                  std::memory_order_relaxed))
    ; // retry with the value another thread stored
}

fanout_totals fanout_stats() {
  fanout_totals result;
  result.broadcasts = broadcasts.load(std::memory_order_relaxed);
  result.cross_node_messages = cross_node.load(std::memory_order_relaxed);
  result.max_per_broadcast = max_cross_node.load(std::memory_order_relaxed);
  return result;
}

} // namespace sockd
