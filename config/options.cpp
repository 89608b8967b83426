// Options come from three sources, merged by name before any is validated,
// so a bad value in the file that the command line overrides is harmless:
//
//   file (--config / SOCKD_CONFIG)  <  environment (SOCKD_<NAME>)  <  argv
//
// Every option is one row of `specs()`: name, default, meaning and a setter
// that validates the text and stores it.
#include "config/options.hpp"
#include "support/strings.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <string_view>
#include <thread>
#include <unistd.h>

namespace sockd {

namespace {

// A config file larger than this is a mistake, not a configuration.
constexpr size_t max_file_size = 1024 * 1024;

// Values quoted in error messages are cut here (SQL can be long).
constexpr size_t max_quoted_value = 64;

constexpr std::string_view allowance_prefix = "allowance.";

constexpr int64_t int_max = std::numeric_limits<int>::max();
constexpr int64_t int64_max = std::numeric_limits<int64_t>::max();

// -- text helpers -------------------------------------------------------------

std::string quote(std::string_view value) {
  std::string out = "'";
  if (value.size() > max_quoted_value) {
    out += value.substr(0, max_quoted_value);
    out += "...";
  } else {
    out += value;
  }
  out += '\'';
  return out;
}

// -- value parsers ------------------------------------------------------------

std::optional<int64_t> parse_int(std::string_view text) {
  text = trim(text);
  int64_t x = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return x;
}

std::optional<bool> parse_bool(std::string_view text) {
  auto s = ascii_lower(trim(text));
  if (s == "true" || s == "1" || s == "yes" || s == "on")
    return true;
  if (s == "false" || s == "0" || s == "no" || s == "off")
    return false;
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

struct host_port {
  std::string host; // without IPv6 brackets
  uint16_t port = 0;
};

// Splits `host:port` (`[v6]:port` for IPv6); returns the problem or empty.
std::string split_host_port(std::string_view text, host_port& out,
                            uint32_t min_port) {
  auto q = quote(text);
  auto colon = text.rfind(':');
  if (colon == text.npos)
    return q + " is not host:port";
  auto host = text.substr(0, colon);
  auto port = text.substr(colon + 1);
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']')
      return q + " is not host:port";
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != host.npos) {
    return q + " needs brackets around the IPv6 host, e.g. [::1]:8080";
  }
  if (host.empty())
    return q + " has no host";
  if (std::any_of(host.begin(), host.end(), [](char c) {
        return is_ascii_space(c) || c == '[' || c == ']' || c == '/';
      }))
    return q + " has a bad host";
  if (!all_digits(port) || port.size() > 5)
    return q + " has a bad port";
  auto n = static_cast<uint32_t>(*parse_int(port));
  if (n < min_port || n > 65535)
    return q + " has a port out of range (" + std::to_string(min_port)
           + " to 65535)";
  out.host = std::string{host};
  out.port = static_cast<uint16_t>(n);
  return {};
}

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    auto item = trim(text.substr(0, comma));
    if (!item.empty())
      out.emplace_back(item);
    if (comma == text.npos)
      return out;
    text.remove_prefix(comma + 1);
  }
}

// -- option table -------------------------------------------------------------

// Stores `value` into the options or returns what is wrong with it.
using setter = std::function<std::string(options&, std::string_view)>;

struct spec {
  const char* name;
  const char* metavar; // shown in usage: --name=METAVAR
  const char* default_text;
  const char* meaning;
  setter set;
  bool is_bool = false;
};

std::string range_text(int64_t lo, int64_t hi, int64_t type_max) {
  if (hi == type_max)
    return "(at least " + std::to_string(lo) + ")";
  return "(" + std::to_string(lo) + " to " + std::to_string(hi) + ")";
}

template <class T>
setter integer(T options::*field, int64_t lo, int64_t hi) {
  return [field, lo, hi](options& o, std::string_view v) -> std::string {
    auto x = parse_int(v);
    if (!x)
      return quote(v) + " is not an integer";
    if (*x < lo || *x > hi)
      return quote(v) + " is out of range "
             + range_text(lo, hi, std::numeric_limits<T>::max());
    o.*field = static_cast<T>(*x);
    return {};
  };
}

setter positive_real(double options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    auto text = trim(v);
    double x = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()
        || !std::isfinite(x))
      return quote(v) + " is not a number";
    if (x <= 0)
      return quote(v) + " is out of range (greater than 0)";
    o.*field = x;
    return {};
  };
}

setter boolean(bool options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    auto x = parse_bool(v);
    if (!x)
      return quote(v) + " is not a boolean (true/false, 1/0, yes/no, on/off)";
    o.*field = *x;
    return {};
  };
}

setter text(std::string options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    o.*field = std::string{v};
    return {};
  };
}

setter non_empty_text(std::string options::*field) {
  return [field](options& o, std::string_view v) -> std::string {
    if (trim(v).empty())
      return "must not be empty";
    o.*field = std::string{v};
    return {};
  };
}

// The schema is spliced into SQL, so only plain identifiers pass.
std::string set_schema(options& o, std::string_view v) {
  auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
           || (c >= '0' && c <= '9');
  };
  if (v.empty() || v.size() > 63 || (v.front() >= '0' && v.front() <= '9')
      || !std::all_of(v.begin(), v.end(), ok_char))
    return quote(v)
           + " is not a plain SQL identifier (letters, digits and _,"
             " not starting with a digit, at most 63)";
  o.schema = std::string{v};
  return {};
}

setter address(std::string options::*field, bool allow_empty) {
  return [field, allow_empty](options& o, std::string_view v) -> std::string {
    auto t = trim(v);
    if (t.empty() && allow_empty) {
      (o.*field).clear();
      return {};
    }
    host_port hp;
    if (auto err = split_host_port(t, hp, 0); !err.empty())
      return err;
    o.*field = std::string{t};
    return {};
  };
}

std::string set_origins(options& o, std::string_view v) {
  o.allowed_origins = split_list(v);
  return {};
}

std::string set_seeds(options& o, std::string_view v) {
  auto seeds = split_list(v);
  for (auto& seed : seeds) {
    host_port hp;
    if (auto err = split_host_port(seed, hp, 1); !err.empty())
      return err;
  }
  o.cluster_seeds = std::move(seeds);
  return {};
}

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
  };
  return table;
}

const spec* find_spec(std::string_view name) {
  for (auto& s : specs())
    if (name == s.name)
      return &s;
  return nullptr;
}

// -- sources ------------------------------------------------------------------

struct raw_value {
  std::string value;
  std::string source; // "command line", "environment SOCKD_X", "FILE:LINE"
};

// Option name -> the value of the strongest source seen so far.
using raw_map = std::map<std::string, raw_value>;

bool known_name(std::string_view name) {
  return find_spec(name) != nullptr || starts_with(name, allowance_prefix);
}

std::string read_file(const std::string& path, std::string& out) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return "cannot read config file " + quote(path) + ": "
           + std::strerror(errno);
  // In pieces up to one byte past the limit: a small file costs its size,
  // not the limit.
  std::string buf;
  std::array<char, 16384> piece;
  while (in && buf.size() <= max_file_size) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    buf.append(piece.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad())
    return "cannot read config file " + quote(path);
  if (buf.size() > max_file_size)
    return "config file " + quote(path) + " is larger than 1 MiB";
  out = std::move(buf);
  return {};
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    if (nl == text.npos)
      break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// Reads a double-quoted value starting after the opening quote at line `i`;
// it may continue over several lines. Only \" and \\ are escapes.
std::string read_quoted(const std::vector<std::string_view>& lines, size_t& i,
                        std::string_view rest, const std::string& where,
                        std::string& value) {
  while (true) {
    for (size_t k = 0; k < rest.size(); ++k) {
      auto c = rest[k];
      if (c == '\\' && k + 1 < rest.size()
          && (rest[k + 1] == '"' || rest[k + 1] == '\\')) {
        value += rest[++k];
      } else if (c == '"') {
        auto tail = trim(rest.substr(k + 1));
        if (!tail.empty() && tail.front() != '#')
          return where + ": text after the closing quote";
        return {};
      } else {
        value += c;
      }
    }
    if (++i == lines.size())
      return where + ": unterminated quote";
    value += '\n';
    rest = lines[i];
  }
}

std::string parse_file(const std::string& path, raw_map& out) {
  std::string content;
  if (auto err = read_file(path, content); !err.empty())
    return err;
  auto lines = split_lines(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto line = trim(lines[i]);
    if (line.empty() || line.front() == '#')
      continue;
    auto where = path + ":" + std::to_string(i + 1);
    auto eq = line.find('=');
    if (eq == line.npos)
      return where + ": expected 'name = value'";
    auto name = std::string{trim(line.substr(0, eq))};
    if (name == "config")
      return where + ": config cannot be set inside a config file";
    if (!known_name(name))
      return "unknown option " + quote(name) + " (" + where + ")";
    auto rest = trim(line.substr(eq + 1));
    std::string value;
    if (!rest.empty() && rest.front() == '"') {
      auto start = lines[i].find('"', lines[i].find('=')) + 1;
      auto err = read_quoted(lines, i, lines[i].substr(start), where, value);
      if (!err.empty())
        return err;
    } else {
      value = std::string{rest};
    }
    out[name] = raw_value{std::move(value), where};
  }
  return {};
}

// SOCKD_<NAME> for every option; empty variables count as unset, and other
// SOCKD_ variables (SOCKD_BIN of the test harness, say) are not ours.
void parse_env(const char* const* envp, raw_map& out) {
  if (envp == nullptr)
    return;
  for (auto& s : specs()) {
    auto key = "SOCKD_" + ascii_upper(s.name) + "=";
    for (auto e = envp; *e != nullptr; ++e) {
      std::string_view entry{*e};
      if (starts_with(entry, key) && entry.size() > key.size())
        out[s.name] = raw_value{std::string{entry.substr(key.size())},
                                "environment " + key.substr(0, key.size() - 1)};
    }
  }
}

std::optional<std::string> env_value(const char* const* envp,
                                     std::string_view key) {
  if (envp == nullptr)
    return std::nullopt;
  std::optional<std::string> result;
  for (auto e = envp; *e != nullptr; ++e) {
    std::string_view entry{*e};
    if (entry.size() > key.size() + 1 && starts_with(entry, key)
        && entry[key.size()] == '=')
      result = std::string{entry.substr(key.size() + 1)};
  }
  return result;
}

struct command_line {
  raw_map values;
  std::optional<std::string> config_path;
};

std::string parse_args(int argc, const char* const* argv, command_line& out) {
  const std::string source = "command line";
  for (int i = 0; i < argc; ++i) {
    std::string_view arg{argv[i] != nullptr ? argv[i] : ""};
    if (!starts_with(arg, "--") || arg == "--")
      return "unexpected argument " + quote(arg)
             + " (options are --name=value)";
    arg.remove_prefix(2);
    auto eq = arg.find('=');
    auto name = std::string{arg.substr(0, eq)};
    std::optional<std::string> value;
    if (eq != arg.npos)
      value = std::string{arg.substr(eq + 1)};
    auto s = find_spec(name);
    if (name != "config" && !known_name(name))
      return "unknown option " + quote(name) + " (" + source + ")";
    if (!value) {
      auto has_next = i + 1 < argc && argv[i + 1] != nullptr;
      std::string_view next{has_next ? argv[i + 1] : ""};
      if (s != nullptr && s->is_bool) {
        // `--dev` alone is true; `--dev false` is understood too.
        if (has_next && parse_bool(next)) {
          value = std::string{next};
          ++i;
        } else {
          value = "true";
        }
      } else if (!has_next || starts_with(next, "--")) {
        return "option --" + name + " needs a value";
      } else {
        value = std::string{next};
        ++i;
      }
    }
    if (name == "config")
      out.config_path = std::move(*value);
    else
      out.values[name] = raw_value{std::move(*value), source};
  }
  return {};
}

// -- applying -----------------------------------------------------------------

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

// Loopback hosts: 127.0.0.0/8, ::1 and localhost.
bool is_loopback(std::string_view host) {
  return starts_with(host, "127.") || host == "::1" || host == "localhost";
}

// RFC 7518 section 3.2: an HS256 key at least as long as the hash.
constexpr size_t min_secret_bytes = 32;

// Checks that span options: the combination is wrong, not one value.
std::string check_combinations(const options& o) {
  if (o.jwt_secret.empty() && o.jwt_public_key.empty() && !o.dev)
    return "no JWT key: set jwt_secret or jwt_public_key "
           "(or dev for local testing)";
  if (!o.jwt_secret.empty() && o.jwt_secret.size() < min_secret_bytes)
    return "jwt_secret: " + std::to_string(o.jwt_secret.size())
           + " bytes is too short for HS256 (at least "
           + std::to_string(min_secret_bytes) + ", RFC 7518 section 3.2)";
  if (o.dev && !o.dev_allow_remote && !is_loopback(o.listen_host()))
    return "dev: listen " + quote(o.listen)
           + " is not a loopback address; dev hands out tokens to anyone, "
             "so it needs dev_allow_remote as well";
  int tls_files = !o.cluster_tls_cert.empty() + !o.cluster_tls_key.empty()
                  + !o.cluster_tls_ca.empty();
  if (tls_files != 0 && tls_files != 3)
    return "cluster_tls_cert, cluster_tls_key and cluster_tls_ca go "
           "together: set all three or none";
  if (!o.cluster_listen.empty() && tls_files == 0 && !o.cluster_insecure) {
    host_port hp;
    split_host_port(o.cluster_listen, hp, 0);
    if (!is_loopback(hp.host))
      return "cluster_listen: " + quote(o.cluster_listen)
             + " is not a loopback address; set cluster_tls_cert, "
               "cluster_tls_key and cluster_tls_ca (or cluster_insecure)";
  }
  return {};
}

parse_result failure(std::string error) {
  parse_result result;
  result.error = std::move(error);
  return result;
}

} // namespace

std::string options::listen_host() const {
  host_port hp;
  if (!split_host_port(listen, hp, 0).empty())
    return listen;
  return hp.host;
}

namespace {

int half_the_cores() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

} // namespace

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
  if (auto err = check_combinations(opts); !err.empty())
    return failure(std::move(err));
  parse_result result;
  result.opts = std::move(opts);
  return result;
}

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
  for (auto& s : specs())
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
