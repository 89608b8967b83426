// The three sources of option text, each read into name -> raw text without
// judging the values, so that a bad value a stronger source overrides is
// harmless (config/options.cpp merges them, then applies the winners):
//
//   the config file (`name = value` lines)      config/file_source.cpp
//   the environment (SOCKD_<NAME>)               config/env_source.cpp
//   the command line (--name=value, --name value) config/argv_source.cpp
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace sockd::config {

struct raw_value {
  std::string value;
  std::string source; // "command line", "environment SOCKD_X", "FILE:LINE"
};

/// Option name -> the value of the strongest source seen so far.
using raw_map = std::map<std::string, raw_value>;

/// Reads the config file at `path` into `out`; returns the problem (with
/// FILE:LINE) or empty. Unknown names and `config` itself are errors.
std::string parse_file(const std::string& path, raw_map& out);

/// SOCKD_<NAME> for every option of the table into `out`; empty variables
/// count as unset, and other SOCKD_ variables are not ours.
void parse_env(const char* const* envp, raw_map& out);

/// The last non-empty value of the environment variable `key`, or nullopt.
std::optional<std::string> env_value(const char* const* envp,
                                     std::string_view key);

struct command_line {
  raw_map values;
  std::optional<std::string> config_path; // --config, which is no option
};

/// Reads argv (without argv[0]) into `out`; returns the problem or empty.
std::string parse_args(int argc, const char* const* argv, command_line& out);

} // namespace sockd::config
