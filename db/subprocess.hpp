// Runs a program without a shell (posix_spawn), collects what it prints
// (bounded) and waits for it, killing it when it overstays its time.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace sockd::db {

struct process_result {
  bool ran = false;    // false: could not start, or killed after the timeout
  int exit_code = -1;  // when it ran and exited normally
  std::string output;  // stdout and stderr, at most 64 KiB
  std::string error;   // why it did not run
};

/// Runs argv[0] (searched in PATH when it has no '/') with `cwd` as its
/// working directory (unchanged when empty) and stdin from /dev/null.
process_result run_process(const std::vector<std::string>& argv,
                           const std::string& cwd,
                           std::chrono::seconds timeout);

} // namespace sockd::db
