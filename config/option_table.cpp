#include "config/option_table.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "support/strings.hpp"

namespace sockd::config {

namespace {

constexpr int64_t int_max = std::numeric_limits<int>::max();
constexpr int64_t int64_max = std::numeric_limits<int64_t>::max();

} // namespace

const std::vector<spec>& specs() {
  using o = options;
  static const std::vector<spec> table{
    {"listen", "HOST:PORT", "127.0.0.1:8080",
     "HTTP and WebSocket address ([::1]:8080 for IPv6; port 0: any)",
     address(&o::listen, false)},
    {"database_url", "URI", "(empty)",
     "libpq URI; empty: a private PostgreSQL under data_dir",
     text(&o::database_url)},
    {"data_dir", "DIR", "./var", "where the private database lives",
     non_empty_text(&o::data_dir)},
    {"schema", "NAME", "dbtable_schema", "schema of sockd's tables",
     set_schema},
    {"db_pool_size", "N", "4", "database actors, one connection each (1-64)",
     integer(&o::db_pool_size, 1, 64)},
    {"jwt_secret", "SECRET", "(empty)", "HS256 secret", text(&o::jwt_secret)},
    {"jwt_public_key", "FILE", "(empty)", "PEM public key file for RS256",
     text(&o::jwt_public_key)},
    {"jwt_issuer", "ISS", "(empty)", "required iss claim when set",
     text(&o::jwt_issuer)},
    {"jwt_audience", "AUD", "(empty)", "required aud claim when set",
     text(&o::jwt_audience)},
    {"jwt_leeway", "SECONDS", "30", "clock skew allowed for exp and nbf",
     integer(&o::jwt_leeway, 0, 86400)},
    {"dev", "BOOL", "false",
     "POST /dev/token and the demo page; never in production", boolean(&o::dev),
     true},
    {"ticket_ttl", "SECONDS", "30", "lifetime of an unused ticket",
     integer(&o::ticket_ttl, 1, 86400)},
    {"ping_interval", "SECONDS", "30", "time between keepalive PINGs",
     integer(&o::ping_interval, 1, 86400)},
    {"ping_timeout", "SECONDS", "90", "silence after which a socket is closed",
     integer(&o::ping_timeout, 1, 86400)},
    {"max_frame_bytes", "BYTES", "65536", "largest inbound frame (16-16777216)",
     integer(&o::max_frame_bytes, 16, 16 * 1024 * 1024)},
    {"messages_per_second", "RATE", "20", "inbound frames per connection",
     positive_real(&o::messages_per_second)},
    {"messages_burst", "N", "10", "frames allowed above the rate at once",
     integer(&o::messages_burst, 1, int_max)},
    {"max_queued_bytes", "BYTES", "1048576",
     "outbound bytes queued before a slow socket is closed",
     integer(&o::max_queued_bytes, 1024, int64_max)},
    {"max_connections", "N", "100000", "open sockets on this node",
     integer(&o::max_connections, 1, int64_max)},
    {"max_connections_per_user", "N", "10", "open sockets per user",
     integer(&o::max_connections_per_user, 1, int_max)},
    {"allowed_origins", "LIST", "(empty: any)",
     "comma-separated Origins allowed to connect", set_origins},
    {"node_name", "NAME", "(host name)", "this node's name in a cluster",
     text(&o::node_name)},
    {"cluster_listen", "HOST:PORT", "(empty: single node)",
     "where this node accepts other nodes", address(&o::cluster_listen, true)},
    {"cluster_seeds", "LIST", "(empty)",
     "comma-separated host:port of nodes to join", set_seeds},
    {"max_topics_per_connection", "N", "100",
     "memberships one socket may hold", integer(&o::max_topics_per_connection,
                                                1, int_max)},
    {"allowance_recheck_interval", "SECONDS", "0",
     "re-check every live membership against its allowance query once per"
     " period, spread over it (0: off; at most 86400)",
     integer(&o::allowance_recheck_interval, 0, 86400)},
    {"max_topic_bytes", "BYTES", "256", "longest topic name (3-65536)",
     integer(&o::max_topic_bytes, 3, 65536)},
    {"max_json_depth", "N", "64", "deepest JSON nesting in a frame (1-1024)",
     integer(&o::max_json_depth, 1, 1024)},
    {"max_tickets_per_user", "N", "100",
     "outstanding (issued, unredeemed) tickets of one user",
     integer(&o::max_tickets_per_user, 1, int_max)},
    {"max_pending_connections", "N", "1024",
     "sockets of this node not yet upgraded (HTTP, handshakes)",
     integer(&o::max_pending_connections, 1, int_max)},
    {"max_pending_per_address", "N", "64",
     "sockets of one client address not yet upgraded",
     integer(&o::max_pending_per_address, 1, int_max)},
    {"handshake_timeout", "SECONDS", "10",
     "time from accept to a finished upgrade (1-3600)",
     integer(&o::handshake_timeout, 1, 3600)},
    {"jwt_require_exp", "BOOL", "false", "refuse tokens without exp",
     boolean(&o::jwt_require_exp), true},
    {"cluster_tls_cert", "FILE", "(empty)",
     "PEM certificate of this node (mutual TLS between nodes)",
     text(&o::cluster_tls_cert)},
    {"cluster_tls_key", "FILE", "(empty)", "PEM private key of that certificate",
     text(&o::cluster_tls_key)},
    {"cluster_tls_ca", "FILE", "(empty)",
     "PEM CA certificate that signs every node of the cluster",
     text(&o::cluster_tls_ca)},
    {"cluster_insecure", "BOOL", "false",
     "allow plain BASP on a non-loopback cluster_listen (logs a warning)",
     boolean(&o::cluster_insecure), true},
    {"tls_cert", "FILE", "(empty)",
     "PEM certificate chain of the listen port (with tls_key: HTTPS/WSS "
     "only; reloaded on SIGHUP)",
     text(&o::tls_cert)},
    {"tls_key", "FILE", "(empty)", "PEM private key of tls_cert",
     text(&o::tls_key)},
    {"turn_secret", "SECRET", "(empty: GET /turn off)",
     "coturn's static-auth-secret, for TURN REST credentials",
     text(&o::turn_secret)},
    {"turn_uris", "LIST", "(empty)",
     "comma-separated turn:/stun: URIs that GET /turn hands out",
     set_turn_uris},
    {"turn_ttl", "SECONDS", "3600",
     "lifetime of a TURN credential (60-86400)",
     integer(&o::turn_ttl, 60, 86400)},
    {"admin_listen", "HOST:PORT", "127.0.0.1:8081",
     "operator address: /metrics and /api/* only (empty: off; port 0: any)",
     address(&o::admin_listen, true)},
    {"api_key", "SECRET", "(empty: /api/* off)",
     "bearer key of the backend API on admin_listen (at least 32 bytes)",
     text(&o::api_key)},
    {"api_key_file", "FILE", "(empty)",
     "file holding api_key (one trailing newline trimmed); not with api_key",
     text(&o::api_key_file)},
    {"admin_max_connections", "N", "64",
     "open connections to admin_listen; more are answered 503 and closed",
     integer(&o::admin_max_connections, 1, 100000)},
    {"metrics_require_key", "BOOL", "false",
     "GET /metrics needs the api_key as a bearer too",
     boolean(&o::metrics_require_key), true},
    {"dev_allow_remote", "BOOL", "false",
     "allow dev on a listen address other than loopback",
     boolean(&o::dev_allow_remote), true},
    {"max_inbound_frames", "N", "16",
     "frames of one socket in flight to its actor before reading pauses",
     integer(&o::max_inbound_frames, 1, 4096)},
    {"max_inbound_bytes", "BYTES", "262144",
     "bytes of those frames before reading pauses (one frame always fits)",
     integer(&o::max_inbound_bytes, 1024, int64_max)},
    {"max_history_rows", "N", "10000",
     "deepest stored row LOAD_MESSAGES pages may reach",
     integer(&o::max_history_rows, 1, int_max)},
    {"history_size", "N", "100",
     "recent broadcasts a topic keeps for SUBSCRIBE since (0-100000; 0: off)",
     integer(&o::history_size, 0, 100000)},
    {"history_ttl", "SECONDS", "300",
     "longest a topic keeps a broadcast for SUBSCRIBE since (1-86400)",
     integer(&o::history_ttl, 1, 86400)},
    {"io_threads", "N", "0", "network threads (0: half the cores, max 256)",
     integer(&o::io_threads, 0, 256)},
    {"actor_threads", "N", "0",
     "actor scheduler threads (0: half the cores, max 256)",
     integer(&o::actor_threads, 0, 256)},
    {"static_dir", "DIR", "(empty: the shipped web/)",
     "demo page files served at / in dev mode", text(&o::static_dir)},
    {"participant_query", "SQL", "(empty)",
     "LOAD_SUBSCRIBERS name and role query ($1 user id)",
     text(&o::participant_query)},
    {"enforce_token_exp", "BOOL", "false",
     "close a socket with 4002 when its login token expires (exp + "
     "jwt_leeway)",
     boolean(&o::enforce_token_exp), true},
    {"log_format", "FORMAT", "text",
     "log lines as text or json (one object per line)", set_log_format},
    {"log_level", "LEVEL", "info",
     "lowest level logged: debug, info, warn or error", set_log_level},
  };
  return table;
}

const spec* find_spec(std::string_view name) {
  for (auto& s : specs())
    if (name == s.name)
      return &s;
  return nullptr;
}

bool known_name(std::string_view name) {
  return find_spec(name) != nullptr || starts_with(name, allowance_prefix);
}

} // namespace sockd::config

namespace sockd {

std::string usage() {
  auto entry = [](std::string left, const std::string& default_text,
                  const std::string& meaning) {
    left = "  " + left;
    if (default_text.empty())
      return left + "\n      " + meaning + "\n";
    if (left.size() < 40)
      left.resize(40, ' ');
    else
      left += ' ';
    return left + default_text + "\n      " + meaning + "\n";
  };
  std::string out
    = "usage: sockd [--config=FILE] [--name=value ...]\n"
      "\n"
      "Every option is also read from the environment as SOCKD_<NAME> and\n"
      "from the config file as `name = value`; the command line wins, then\n"
      "the environment, then the file. SOCKD_CONFIG names the file too.\n"
      "\n"
      "options:\n";
  for (auto& s : config::specs())
    out += entry(std::string{"--"} + s.name + "=" + s.metavar,
                 std::string{"default "} + s.default_text, s.meaning);
  out += entry("--allowance.<type>=SQL", "default (shipped rules)",
               "who may subscribe to a type ($1 user, $2 handle, $3 topic);\n"
               "      allowance.* for every other type, empty: deny");
  out += entry("--config=FILE", "default (none)",
               "config file of `name = value` lines");
  out += entry("--help, -h", "", "this text");
  return out;
}

} // namespace sockd
