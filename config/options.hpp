// Every option of PROTOCOL.md section 7, parsed from a config file, the
// environment (SOCKD_<NAME>) and the command line (--name=value), the command
// line winning, then the environment, then the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sockd {

struct options {
  std::string listen = "127.0.0.1:8080";
  std::string database_url;          // empty: private PostgreSQL in data_dir
  std::string data_dir = "./var";
  std::string schema = "dbtable_schema";
  int db_pool_size = 4;
  std::string jwt_secret;
  std::string jwt_public_key;        // path of a PEM file
  std::string jwt_issuer;
  std::string jwt_audience;
  bool dev = false;
  int ticket_ttl = 30;               // seconds
  int ping_interval = 30;            // seconds
  int ping_timeout = 90;             // seconds
  int64_t max_frame_bytes = 65536;
  double messages_per_second = 20;
  int messages_burst = 10;
  int64_t max_queued_bytes = 1048576;
  int jwt_leeway = 30;               // seconds
  int64_t max_connections = 100000;
  int max_connections_per_user = 10;
  std::vector<std::string> allowed_origins; // empty: any
  std::string node_name;             // default: host name
  std::string cluster_listen;
  std::vector<std::string> cluster_seeds;
  // sockd additions (docs/configuration.md)
  int io_threads = 0;                // 0: half the cores (at least 1)
  int actor_threads = 0;             // CAF scheduler workers; 0: likewise
  std::string static_dir;            // demo page files served at / with dev
  std::string participant_query;     // LOAD_SUBSCRIBERS name/role query
  /// Allowance SQL per topic type (`allowance.<type>` in the file or
  /// `--allowance.<type>=SQL`); types absent here use the shipped defaults.
  std::map<std::string, std::string> allowances;

  /// Threads of the network (Asio) and actor (CAF) pools: the option, or
  /// for 0 half the cores each, so that the two busy pools together do
  /// not outnumber the cores (docs/performance.md).
  int network_threads() const;
  int scheduler_threads() const;

  /// The listen address split into host and port.
  std::string listen_host() const;
  uint16_t listen_port() const;
};

/// Parses argv (without argv[0]), the environment and, when `--config FILE`
/// (or SOCKD_CONFIG) names one, the file. Returns the options or a message
/// naming the offending option.
struct parse_result {
  std::optional<options> opts;
  std::string error;
  bool help = false;
};

parse_result parse_options(int argc, const char* const* argv,
                           const char* const* envp);

/// The usage text for --help.
std::string usage();

} // namespace sockd
