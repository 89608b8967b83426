// How many cross-node messages broadcasts cost, for the whole process. A
// topic with members behind relays records each delivery: the number of
// relays on other nodes it sent the frame to. cluster/fanout_log.hpp logs
// the totals; tests read them to check that a broadcast costs at most one
// message per node.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sockd {

struct fanout_totals {
  uint64_t broadcasts = 0;          // deliveries by topics with relays
  uint64_t cross_node_messages = 0; // messages those sent to other nodes
  uint64_t max_per_broadcast = 0;   // the most one delivery sent
};

/// Adds one delivery that sent `cross_node_messages` messages to relays on
/// other nodes. Lock-free; any thread.
void record_fanout(size_t cross_node_messages);

/// The totals so far.
fanout_totals fanout_stats();

} // namespace sockd
