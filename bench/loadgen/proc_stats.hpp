// What the benchmark reads from /proc: CPU time (utime + stime) of a process
// and its direct children, and resident memory.
#pragma once

#include <cstdint>
#include <optional>

#include <sys/types.h>

namespace bench {

/// utime + stime of `pid` in clock ticks, or nothing if it is gone.
std::optional<uint64_t> cpu_ticks(pid_t pid);

/// cpu_ticks of `pid` plus those of its live direct children (PostgreSQL's
/// backends are children of its postmaster).
uint64_t tree_cpu_ticks(pid_t pid);

/// VmRSS of `pid` in KiB, or nothing if it is gone.
std::optional<uint64_t> rss_kib(pid_t pid);

/// The whole machine's CPU time from /proc/stat, in clock ticks summed over
/// cores: time spent busy and time in total.
struct machine_ticks {
  uint64_t busy = 0;
  uint64_t total = 0;
};

machine_ticks machine_cpu();

/// The number of CPUs the kernel counts in /proc/stat.
long cpu_count();

/// Clock ticks per second (sysconf(_SC_CLK_TCK)).
long ticks_per_second();

} // namespace bench
