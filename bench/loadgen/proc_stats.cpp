#include "loadgen/proc_stats.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <unistd.h>

namespace bench {

namespace {

// The fields of /proc/<pid>/stat after the command name, which may itself
// hold spaces and parentheses; fields[0] is the state (field 3).
std::optional<std::vector<std::string>> stat_fields(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  if (!in || !std::getline(in, line))
    return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos)
    return std::nullopt;
  std::istringstream rest{line.substr(close + 1)};
  std::vector<std::string> fields;
  std::string field;
  while (rest >> field && fields.size() < 20)
    fields.push_back(field);
  if (fields.size() < 13)
    return std::nullopt;
  return fields;
}

} // namespace

std::optional<uint64_t> cpu_ticks(pid_t pid) {
  auto fields = stat_fields(pid);
  if (!fields)
    return std::nullopt;
  // utime is field 14, stime field 15.
  return std::strtoull((*fields)[11].c_str(), nullptr, 10)
         + std::strtoull((*fields)[12].c_str(), nullptr, 10);
}

uint64_t tree_cpu_ticks(pid_t pid) {
  uint64_t total = cpu_ticks(pid).value_or(0);
  auto dir = opendir("/proc");
  if (dir == nullptr)
    return total;
  while (auto entry = readdir(dir)) {
    char* end = nullptr;
    auto child = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || child <= 0 || child == pid)
      continue;
    auto fields = stat_fields(static_cast<pid_t>(child));
    if (fields && std::strtol((*fields)[1].c_str(), nullptr, 10) == pid)
      total += std::strtoull((*fields)[11].c_str(), nullptr, 10)
               + std::strtoull((*fields)[12].c_str(), nullptr, 10);
  }
  closedir(dir);
  return total;
}

std::optional<uint64_t> rss_kib(pid_t pid) {
  std::ifstream in{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (in && std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::strtoull(line.c_str() + 6, nullptr, 10);
  return std::nullopt;
}

machine_ticks machine_cpu() {
  std::ifstream in{"/proc/stat"};
  std::string label;
  machine_ticks m;
  if (!(in >> label) || label != "cpu")
    return m;
  // user nice system idle iowait irq softirq steal
  uint64_t v[8] = {};
  for (auto& x : v)
    in >> x;
  for (auto x : v)
    m.total += x;
  m.busy = m.total - v[3] - v[4];
  return m;
}

long cpu_count() {
  return sysconf(_SC_NPROCESSORS_ONLN);
}

long ticks_per_second() {
  return sysconf(_SC_CLK_TCK);
}

} // namespace bench
