// Every option of docs/configuration.md, parsed from a config file, the
// environment (SOCKD_<NAME>) and the command line (--name=value), the command
// line winning, then the environment, then the file. Each option's name,
// default, range and help text is one row of config/option_table.cpp.
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
  // Limits on what one client can make a node hold (docs/security.md).
  int max_topics_per_connection = 100;
  // Seconds between periodic re-checks of live memberships; 0: off.
  int allowance_recheck_interval = 0;
  int max_topic_bytes = 256;
  int max_json_depth = 64;
  int max_tickets_per_user = 100;
  int64_t max_pending_connections = 1024;
  int max_pending_per_address = 64;
  int handshake_timeout = 10;        // seconds from accept to upgrade
  bool jwt_require_exp = false;
  // Close a socket when the login token behind its ticket expires
  // (exp + jwt_leeway), with close code 4002; off for Awayto's client.
  bool enforce_token_exp = false;
  // Mutual TLS between cluster nodes (docs/cluster.md).
  std::string cluster_tls_cert;      // PEM: this node's certificate
  std::string cluster_tls_key;       // PEM: its private key
  std::string cluster_tls_ca;        // PEM: the CA that signs every node
  bool cluster_insecure = false;     // plain BASP on a non-loopback address
  // TLS on the listen port (docs/operations.md): both set, HTTPS/WSS only.
  std::string tls_cert;              // PEM: certificate chain, leaf first
  std::string tls_key;               // PEM: its private key
  // TURN REST credentials for coturn's use-auth-secret (docs/operations.md).
  std::string turn_secret;           // empty: GET /turn answers 404
  std::vector<std::string> turn_uris; // turn:/turns:/stun:/stuns: URIs
  int turn_ttl = 3600;               // seconds a credential is valid
  // The admin listener (docs/operations.md, "Admin listener").
  std::string admin_listen = "127.0.0.1:8081"; // empty: off
  std::string api_key;               // empty: /api/* off; else >= 32 bytes
  std::string api_key_file;          // read into api_key at parse time
  bool metrics_require_key = false;  // /metrics needs the api_key too
  int admin_max_connections = 64;    // open connections to admin_listen
  // sockd additions (docs/configuration.md)
  bool dev_allow_remote = false;     // dev on a non-loopback listen address
  int max_inbound_frames = 16;       // frames in flight to a connection actor
  int64_t max_inbound_bytes = 262144; // bytes of those frames
  int max_history_rows = 10000;      // deepest row LOAD_MESSAGES pages reach
  int history_size = 100;            // broadcasts a topic keeps for `since`
  int history_ttl = 300;             // seconds it keeps each
  int io_threads = 0;                // 0: half the cores (at least 1)
  int actor_threads = 0;             // CAF scheduler workers; 0: likewise
  std::string static_dir;            // demo page files served at / with dev
  std::string participant_query;     // LOAD_SUBSCRIBERS name/role query
  // The log (support/log.hpp): checked names, applied at start.
  std::string log_format = "text";   // text or json
  std::string log_level = "info";    // debug, info, warn, error
  /// Allowance SQL per topic type (`allowance.<type>` in the file or
  /// `--allowance.<type>=SQL`); types absent here use the shipped defaults.
  std::map<std::string, std::string> allowances;

  /// Threads of the network (Asio) and actor (CAF) pools: the option, or
  /// for 0 half the cores each, so that the two busy pools together do
  /// not outnumber the cores (docs/performance.md).
  int network_threads() const;
  int scheduler_threads() const;

  /// True when cluster_listen is set and the three cluster_tls_* are.
  bool cluster_tls() const;

  /// The listen address split into host and port.
  std::string listen_host() const;
  uint16_t listen_port() const;

  /// admin_listen split likewise (only meaningful when it is not empty).
  std::string admin_host() const;
  uint16_t admin_port() const;
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
