// Options come from three sources, merged by name before any is validated,
// so a bad value in the file that the command line overrides is harmless:
//
//   file (--config / SOCKD_CONFIG)  <  environment (SOCKD_<NAME>)  <  argv
//
// This file merges them and applies the winners; the rest of config/ has
// one job a file: the sources (config/sources.hpp), the option table
// (config/option_table.hpp), a setter per kind of value
// (config/setters.hpp), the text-to-value parsers (config/values.hpp) and
// the checks that span options (config/checks.hpp).
#include "config/options.hpp"

#include <algorithm>
#include <cstring>
#include <thread>
#include <unistd.h>

#include "config/checks.hpp"
#include "config/option_table.hpp"
#include "config/sources.hpp"
#include "config/values.hpp"
#include "support/strings.hpp"

namespace sockd {

// This file is config/'s entry point: its helpers are config's own.
using namespace config;

namespace {

std::string apply_allowance(options& o, const std::string& name,
                            const raw_value& raw) {
  auto type = name.substr(allowance_prefix.size());
  auto bad_type = [](char c) {
    return c == ':' || is_ascii_space(c) || static_cast<unsigned char>(c) < 0x20;
  };
  if (type.empty())
    return name + ": the topic type is empty (" + raw.source + ")";
  if (std::any_of(type.begin(), type.end(), bad_type))
    return name + ": " + quote(type)
           + " is not a topic type (no ':' or spaces) (" + raw.source + ")";
  // An empty query is kept: it denies the type (db/allowances.hpp), which
  // is how a shipped default is switched off.
  o.allowances[type] = trim(raw.value).empty() ? "" : raw.value;
  return {};
}

std::string apply_all(options& o, const raw_map& values) {
  for (auto& [name, raw] : values) {
    if (starts_with(name, allowance_prefix)) {
      if (auto err = apply_allowance(o, name, raw); !err.empty())
        return err;
      continue;
    }
    auto s = find_spec(name);
    if (auto err = s->set(o, raw.value); !err.empty())
      return name + ": " + err + " (" + raw.source + ")";
  }
  return {};
}

std::string host_name() {
  char buf[256] = {};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == '\0')
    return "sockd";
  return buf;
}

parse_result failure(std::string error) {
  parse_result result;
  result.error = std::move(error);
  return result;
}

int half_the_cores() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

} // namespace

std::string options::listen_host() const {
  host_port hp;
  if (!split_host_port(listen, hp, 0).empty())
    return listen;
  return hp.host;
}

bool options::cluster_tls() const {
  return !cluster_listen.empty() && !cluster_tls_cert.empty()
         && !cluster_tls_key.empty() && !cluster_tls_ca.empty();
}

int options::network_threads() const {
  return io_threads > 0 ? io_threads : half_the_cores();
}

int options::scheduler_threads() const {
  return actor_threads > 0 ? actor_threads : half_the_cores();
}

std::string options::admin_host() const {
  host_port hp;
  if (!split_host_port(admin_listen, hp, 0).empty())
    return admin_listen;
  return hp.host;
}

uint16_t options::admin_port() const {
  host_port hp;
  if (!split_host_port(admin_listen, hp, 0).empty())
    return 0;
  return hp.port;
}

uint16_t options::listen_port() const {
  host_port hp;
  if (!split_host_port(listen, hp, 0).empty())
    return 0;
  return hp.port;
}

parse_result parse_options(int argc, const char* const* argv,
                           const char* const* envp) {
  for (int i = 0; i < argc; ++i) {
    if (argv[i] != nullptr
        && (std::strcmp(argv[i], "--help") == 0
            || std::strcmp(argv[i], "-h") == 0)) {
      parse_result result;
      result.help = true;
      return result;
    }
  }
  command_line args;
  if (auto err = parse_args(argc, argv, args); !err.empty())
    return failure(std::move(err));
  auto config_path = args.config_path;
  if (!config_path)
    config_path = env_value(envp, "SOCKD_CONFIG");
  raw_map values;
  if (config_path) {
    if (config_path->empty())
      return failure("config: the file name is empty");
    if (auto err = parse_file(*config_path, values); !err.empty())
      return failure(std::move(err));
  }
  parse_env(envp, values);
  for (auto& [name, raw] : args.values)
    values[name] = raw;
  options opts;
  if (auto err = apply_all(opts, values); !err.empty())
    return failure(std::move(err));
  if (opts.node_name.empty())
    opts.node_name = host_name();
  if (auto err = read_api_key_file(opts); !err.empty())
    return failure(std::move(err));
  if (auto err = check_combinations(opts); !err.empty())
    return failure(std::move(err));
  parse_result result;
  result.opts = std::move(opts);
  return result;
}

} // namespace sockd
