// sockd_loadgen: drives one scenario against one server and prints one JSON
// line of results. ONE io thread; all traffic to loopback.
//
//   sockd_loadgen --scenario=fanout|rooms|conns|storm|failover
//                 --target=sockd|nats
//                 --port=N|--ports=N,N,N [--label=NAME] [--jwt_secret=S]
//                 [--users=64] [--server_pids=PID,PID,PID]
//                 [--server_pid=PID] [--db_pid=PID] [--tls=1 [--ca=FILE]]
//                 [scenario knobs...]
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <nlohmann/json.hpp>
#include <openssl/ssl.h>

#include "auth/jwt.hpp"
#include "common/file_limit.hpp"
#include "loadgen/scenario.hpp"

namespace {

namespace net = boost::asio;

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(
    stderr,
    "sockd_loadgen: %s\n"
    "usage: sockd_loadgen --scenario=fanout|rooms|conns|storm|failover\n"
    "  --target=sockd|nats   dialect (the bare server speaks sockd's)\n"
    "  --port=N [--host=127.0.0.1]  loopback only\n"
    "  --ports=N,N,...       a cluster's nodes instead of --port: client i\n"
    "                        uses the (i mod count)-th\n"
    "  --server_pids=PID,... the nodes' processes: CPU summed and per node\n"
    "  --label=NAME          server name in the results\n"
    "  --tls=0|1             https for the ticket and wss (default 0)\n"
    "  --ticket_keepalive=0|1  plain mode: tickets over kept-alive HTTP\n"
    "                        connections shared by the clients (default 0:\n"
    "                        one connection per ticket)\n"
    "  --ca=FILE             with --tls=1: verify the server's chain against\n"
    "                        this PEM CA and its name against --host;\n"
    "                        without it, no verification (throwaway certs)\n"
    "  --jwt_secret=S --users=N   HS256 tokens for users bench-0..N-1\n"
    "  --server_pid=PID --db_pid=PID   processes whose CPU/RSS to read\n"
    "  --warmup=S --duration=S --deadline=S --concurrency=N\n"
    "  --connect_timeout=S   per client: ticket + upgrade + subscribe\n"
    "  --subscribers=N --window=N          (fanout)\n"
    "  --topics=N --per_topic=N --rate=R   (rooms)\n"
    "  --conns=N                           (conns)\n"
    "  --clients=N                         (storm)\n"
    "  --subscribers=N --rate=R --topic=T  (failover)\n"
    "  --kill_pid=PID --kill_node=I        (failover: SIGKILL PID, the\n"
    "                        process behind the I-th of --ports)\n",
    why.c_str());
  std::exit(2);
}

double number(const std::string& key, const std::string& value, double lo,
              double hi) {
  char* end = nullptr;
  auto n = std::strtod(value.c_str(), &end);
  if (value.empty() || *end != '\0' || !(n >= lo && n <= hi))
    usage("bad value for --" + key + ": " + value);
  return n;
}

/// "a,b,c" as numbers in [lo, hi].
std::vector<int> number_list(const std::string& key, const std::string& value,
                             double lo, double hi) {
  std::vector<int> out;
  size_t from = 0;
  while (from <= value.size()) {
    auto comma = value.find(',', from);
    if (comma == std::string::npos)
      comma = value.size();
    out.push_back(
      static_cast<int>(number(key, value.substr(from, comma - from), lo, hi)));
    from = comma + 1;
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  bench::run_config cfg;
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos)
      usage("bad argument: " + arg);
    args[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
  std::string host = "127.0.0.1";
  std::string target = "sockd";
  std::string secret;
  int port = 0;
  std::vector<int> ports;
  size_t users = 64;
  bool tls = false;
  bool ticket_keepalive = false;
  std::string ca;
  using setter = std::function<void(const std::string&, const std::string&)>;
  auto size = [](size_t& field, double hi) -> setter {
    return [&field, hi](const std::string& k, const std::string& v) {
      field = static_cast<size_t>(number(k, v, 1, hi));
    };
  };
  auto real = [](double& field, double lo, double hi) -> setter {
    return [&field, lo, hi](const std::string& k, const std::string& v) {
      field = number(k, v, lo, hi);
    };
  };
  std::map<std::string, setter> setters{
    {"scenario", [&](auto&, auto& v) { cfg.scenario = v; }},
    {"target", [&](auto&, auto& v) { target = v; }},
    {"host", [&](auto&, auto& v) { host = v; }},
    {"port",
     [&](auto& k, auto& v) {
       port = static_cast<int>(number(k, v, 1, 65535));
     }},
    {"ports", [&](auto& k, auto& v) { ports = number_list(k, v, 1, 65535); }},
    {"server_pids",
     [&](auto& k, auto& v) { cfg.server_pids = number_list(k, v, 1, 1e9); }},
    {"topic", [&](auto&, auto& v) { cfg.topic = v; }},
    {"kill_pid",
     [&](auto& k, auto& v) {
       cfg.kill_pid = static_cast<int>(number(k, v, 2, 1e9));
     }},
    {"kill_node",
     [&](auto& k, auto& v) {
       cfg.kill_node = static_cast<size_t>(number(k, v, 0, 64));
     }},
    {"label", [&](auto&, auto& v) { cfg.label = v; }},
    {"tls", [&](auto& k, auto& v) { tls = number(k, v, 0, 1) != 0; }},
    {"ca", [&](auto&, auto& v) { ca = v; }},
    {"ticket_keepalive",
     [&](auto& k, auto& v) { ticket_keepalive = number(k, v, 0, 1) != 0; }},
    {"jwt_secret", [&](auto&, auto& v) { secret = v; }},
    {"users", size(users, 1e5)},
    {"server_pid",
     [&](auto& k, auto& v) {
       cfg.server_pid = static_cast<int>(number(k, v, 1, 1e9));
     }},
    {"db_pid",
     [&](auto& k, auto& v) {
       cfg.db_pid = static_cast<int>(number(k, v, 1, 1e9));
     }},
    {"warmup", real(cfg.warmup_s, 0, 600)},
    {"duration", real(cfg.duration_s, 0.1, 600)},
    {"deadline", real(cfg.deadline_s, 1, 3600)},
    {"concurrency", size(cfg.concurrency, 1e5)},
    {"subscribers", size(cfg.subscribers, 1e5)},
    {"window", size(cfg.window, 1000)},
    {"topics", size(cfg.topics, 1e5)},
    {"per_topic", size(cfg.per_topic, 1000)},
    {"rate", real(cfg.rate, 1, 1e7)},
    {"conns", size(cfg.conns, 1e6)},
    {"clients", size(cfg.storm_clients, 1e6)},
    {"connect_timeout",
     [&](auto& k, auto& v) {
       cfg.connect_timeout = std::chrono::milliseconds(
         static_cast<int64_t>(number(k, v, 0.1, 3600) * 1000));
     }},
  };
  for (auto& [k, v] : args) {
    auto i = setters.find(k);
    if (i == setters.end())
      usage("unknown option --" + k);
    i->second(k, v);
  }
  if (port != 0 && !ports.empty())
    usage("--port and --ports exclude each other");
  if (port == 0 && ports.empty())
    usage("--port or --ports is required");
  if (port == 0)
    port = ports.front();
  boost::system::error_code ec;
  auto addr = net::ip::make_address(host, ec);
  // This tool only ever loads servers on this machine.
  if (ec || !addr.is_loopback())
    usage("--host must be a loopback address");
  if (target == "sockd") {
    cfg.target.kind = bench::wire_kind::sockd;
    cfg.target.ws_path = "/sock";
    cfg.target.ticket = true;
    if (secret.empty())
      usage("--jwt_secret is required for --target=sockd");
  } else if (target == "nats") {
    cfg.target.kind = bench::wire_kind::nats;
    cfg.target.ws_path = "/";
    cfg.target.ticket = false;
  } else {
    usage("--target is sockd or nats");
  }
  if (cfg.label.empty())
    cfg.label = target;
  cfg.target.endpoint = {addr, static_cast<unsigned short>(port)};
  cfg.target.host = host + ":" + std::to_string(port);
  if (!secret.empty()) {
    auto now = static_cast<int64_t>(std::time(nullptr));
    for (size_t u = 0; u < users; ++u)
      cfg.tokens.push_back(sockd::sign_hs256(
        secret, {{"sub", "bench-" + std::to_string(u)},
                 {"iat", now},
                 {"exp", now + 3600}}));
  }
  // One client context for every connection: TLS 1.2+ as sockd and
  // nats-server offer; no session resumption (each connection pays a full
  // handshake, as browsers' first visits do; only the connect phase sees it).
  net::ssl::context tls_ctx{net::ssl::context::tls_client};
  if (!ca.empty() && !tls)
    usage("--ca needs --tls=1");
  if (tls) {
    tls_ctx.set_options(net::ssl::context::no_sslv2
                        | net::ssl::context::no_sslv3
                        | net::ssl::context::no_tlsv1
                        | net::ssl::context::no_tlsv1_1);
    // TLS 1.3 suites in Chromium's order (AES-128-GCM first), so that each
    // server negotiates what it would with a browser, not OpenSSL's
    // client default (AES-256-GCM first).
    SSL_CTX_set_ciphersuites(tls_ctx.native_handle(),
                             "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:"
                             "TLS_CHACHA20_POLY1305_SHA256");
    if (ca.empty()) {
      tls_ctx.set_verify_mode(net::ssl::verify_none);
    } else {
      tls_ctx.load_verify_file(ca, ec);
      if (ec)
        usage("--ca: cannot load " + ca + ": " + ec.message());
      tls_ctx.set_verify_mode(net::ssl::verify_peer);
      tls_ctx.set_verify_callback(net::ssl::host_name_verification(host));
    }
    cfg.target.tls = &tls_ctx;
  }
  // After the TLS context: every node's target shares it.
  for (auto p : ports) {
    auto t = cfg.target;
    t.endpoint = {addr, static_cast<unsigned short>(p)};
    t.host = host + ":" + std::to_string(p);
    cfg.targets.push_back(t);
  }
  if (cfg.scenario == "failover"
      && (cfg.targets.size() < 2 || cfg.kill_node >= cfg.targets.size()))
    usage("failover needs --ports of two nodes or more and --kill_node"
          " naming one of them");
  bench::raise_file_limit();
  net::io_context ioc{1};
  // After the io_context: its sockets close before it goes.
  bench::ticket_pool tickets;
  if (ticket_keepalive && !tls && cfg.target.ticket)
    cfg.target.tickets = &tickets;
  auto sc = bench::make_scenario(ioc, cfg);
  if (!sc)
    usage("unknown --scenario: " + cfg.scenario);
  auto result = sc->run();
  std::printf("%s\n", result.dump().c_str());
  std::fflush(stdout);
  return 0;
}
