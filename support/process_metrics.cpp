#include "support/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace sockd::metrics {

namespace {

// The fields of /proc/self/stat after the command name (which may hold
// spaces, hence the search for its closing parenthesis); field 3 (state)
// is the first.
std::vector<std::string> stat_fields() {
  std::ifstream in{"/proc/self/stat"};
  std::string line;
  std::getline(in, line);
  auto close = line.rfind(')');
  std::vector<std::string> fields;
  if (close == std::string::npos)
    return fields;
  std::istringstream rest{line.substr(close + 1)};
  std::string field;
  while (rest >> field)
    fields.push_back(field);
  return fields;
}

// Field number `n` of proc(5) (1-based), as a number; 0 when missing.
double stat_field(const std::vector<std::string>& fields, size_t n) {
  auto i = n - 3;
  return i < fields.size() ? std::stod(fields[i]) : 0;
}

double boot_time() {
  std::ifstream in{"/proc/stat"};
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

double open_fds() {
  auto* dir = opendir("/proc/self/fd");
  if (dir == nullptr)
    return 0;
  double n = 0;
  while (auto* entry = readdir(dir))
    if (entry->d_name[0] != '.')
      ++n;
  closedir(dir);
  return n - 1; // the directory's own descriptor
}

} // namespace

void add_process_metrics(registry& reg) {
  auto ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  auto page = static_cast<double>(sysconf(_SC_PAGESIZE));
  reg.add_sampled("process_cpu_seconds_total",
                  "Total user and system CPU time spent in seconds.",
                  "counter", [ticks] {
                    auto f = stat_fields();
                    return (stat_field(f, 14) + stat_field(f, 15)) / ticks;
                  });
  reg.add_sampled("process_open_fds", "Number of open file descriptors.",
                  "gauge", open_fds);
  reg.add_sampled("process_max_fds",
                  "Maximum number of open file descriptors.", "gauge", [] {
                    rlimit lim{};
                    getrlimit(RLIMIT_NOFILE, &lim);
                    return static_cast<double>(lim.rlim_cur);
                  });
  reg.add_sampled("process_virtual_memory_bytes",
                  "Virtual memory size in bytes.", "gauge",
                  [] { return stat_field(stat_fields(), 23); });
  reg.add_sampled("process_resident_memory_bytes",
                  "Resident memory size in bytes.", "gauge", [page] {
                    return stat_field(stat_fields(), 24) * page;
                  });
  // The start time does not change: read once.
  auto start = boot_time() + stat_field(stat_fields(), 22) / ticks;
  reg.add_sampled("process_start_time_seconds",
                  "Start time of the process since unix epoch in seconds.",
                  "gauge", [start] { return start; });
}

} // namespace sockd::metrics
