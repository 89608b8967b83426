// The process_* metrics Prometheus client libraries export, read from
// /proc on each scrape (Linux): resident memory, CPU seconds, open and
// maximum file descriptors, start time.
#pragma once

#include "support/metrics.hpp"

namespace sockd::metrics {

/// Adds process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_cpu_seconds_total, process_open_fds, process_max_fds and
/// process_start_time_seconds to `reg`.
void add_process_metrics(registry& reg);

} // namespace sockd::metrics
