// What the config.* suites share: parse_options over plain argument and
// environment lists, its error or options, and a throwaway config file.
#pragma once

#include <caf/test/unit_test.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "config/options.hpp"

namespace sockd::options_test {

using strings = std::vector<std::string>;

inline parse_result parse(const strings& args, const strings& env = {}) {
  std::vector<const char*> argv;
  for (auto& a : args)
    argv.push_back(a.c_str());
  std::vector<const char*> envp;
  for (auto& e : env)
    envp.push_back(e.c_str());
  envp.push_back(nullptr);
  return parse_options(static_cast<int>(argv.size()), argv.data(), envp.data());
}

// The error of a parse that must fail.
inline std::string error_of(const strings& args, const strings& env = {}) {
  auto res = parse(args, env);
  if (res.opts)
    return "(no error)";
  return res.error;
}

// The options of a parse that must succeed, by value: CAF_CHECK_EQUAL binds
// its arguments to references, so no member of a temporary parse_result.
inline options opts_of(const strings& args, const strings& env = {}) {
  auto res = parse(args, env);
  if (!res.opts)
    CAF_FAIL("unexpected error: " << res.error);
  return *res.opts;
}

// Every parse below needs a JWT key or dev; this one adds it.
inline strings dev(strings args) {
  args.insert(args.begin(), "--dev");
  return args;
}

inline std::string host_name() {
  char buf[256] = {};
  gethostname(buf, sizeof(buf) - 1);
  return buf;
}

// A config file in /tmp, removed when the test ends.
struct temp_file {
  std::string path;

  explicit temp_file(const std::string& content) {
    char name[] = "/tmp/sockd-options-test-XXXXXX";
    auto fd = mkstemp(name);
    if (fd < 0)
      CAF_FAIL("mkstemp failed");
    close(fd);
    path = name;
    std::ofstream out{path, std::ios::binary};
    out << content;
  }

  ~temp_file() {
    std::remove(path.c_str());
  }
};

} // namespace sockd::options_test
