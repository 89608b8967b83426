// sockd's process: wiring only. Options, keys and the database first; then the actor
// system, the actors and the server; then wait for SIGINT/SIGTERM and stop
// in the reverse order. SIGHUP reloads the listen port's certificate.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

#include <pthread.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include "actors/access.hpp"
#include "actors/admin.hpp"
#include "actors/admission.hpp"
#include "actors/bridge.hpp"
#include "actors/keepalive.hpp"
#include "actors/ticket_registry.hpp"
#include "actors/topic_type.hpp"
#include "actors/topics/builtin.hpp"
#include "app/run.hpp"
#include "auth/jwt.hpp"
#include "auth/random.hpp"
#include "cluster/node.hpp"
#include "cluster/transport.hpp"
#include "config/options.hpp"
#include "db/access_listener.hpp"
#include "db/database.hpp"
#include "db/private_postgres.hpp"
#include "interfaces/messages.hpp"
#include "net/server.hpp"
#include "support/log.hpp"
#include "support/systemd_notify.hpp"

extern char** environ;

namespace {

using namespace sockd;

// How long shutdown waits for queued database writes.
constexpr auto drain_budget = std::chrono::seconds(10);

// Dev mode's own HS256 key: as long as the hash (RFC 7518 section 3.2).
constexpr size_t dev_key_bytes = 32;

constexpr int exit_usage = 2;
constexpr int exit_failure = 1;

bool read_file(const std::string& path, std::string& text) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return false;
  std::ostringstream out;
  out << in.rdbuf();
  text = out.str();
  return !in.bad();
}

// Builds the verifier. Dev mode adds a key of its own, made here for this
// process only and never jwt_secret: /dev/token's tokens log in on this
// process alone, not on a production node that shares jwt_secret.
std::shared_ptr<const jwt_verifier>
make_verifier(const options& opts, std::string& dev_secret,
              std::string& error) {
  jwt_config cfg;
  cfg.hs256_secret = opts.jwt_secret;
  cfg.issuer = opts.jwt_issuer;
  cfg.audience = opts.jwt_audience;
  cfg.leeway_seconds = opts.jwt_leeway;
  cfg.require_exp = opts.jwt_require_exp;
  if (!opts.jwt_public_key.empty()
      && !read_file(opts.jwt_public_key, cfg.rs256_public_key)) {
    error = "jwt_public_key: cannot read " + opts.jwt_public_key;
    return nullptr;
  }
  if (opts.dev) {
    dev_secret = random_hex(dev_key_bytes);
    cfg.dev_hs256_secret = dev_secret;
    log_warn("DEV MODE: POST /dev/token hands out signed tokens for any "
             "user to anyone who asks; they are signed with a key made for "
             "this process (never jwt_secret) and log in here only; never "
             "enable dev in production");
    if (opts.dev_allow_remote)
      log_warn("DEV MODE with dev_allow_remote: dev is served on " + opts.listen
               + ", so anyone who reaches that address gets tokens");
  }
  auto verifier = jwt_verifier::make(std::move(cfg), error);
  if (!verifier)
    error = "jwt: " + error;
  return verifier;
}

// Allowances by precedence: configured, then dev mode's allow-all, then
// what registered types bring; the pool lays them over the shipped
// default_allowances().
std::map<std::string, std::string> allowances(const options& opts,
                                              const topic_types& types) {
  auto result = opts.allowances;
  if (opts.dev) {
    log_warn("DEV MODE: every topic type without a configured allowance "
             "allows everyone");
    for (auto& type : builtin_topic_patterns())
      result.emplace(type, "SELECT true");
    for (auto& kvp : types.allowances())
      result.emplace(kvp.first, "SELECT true");
  }
  for (auto& kvp : types.allowances())
    result.emplace(kvp.first, kvp.second);
  return result;
}

database_config make_database_config(const options& opts, std::string url,
                                     const topic_types& types) {
  database_config cfg;
  cfg.url = std::move(url);
  cfg.schema = opts.schema;
  cfg.node_name = opts.node_name;
  cfg.pool_size = opts.db_pool_size;
  cfg.allowances = allowances(opts, types);
  cfg.participant_query = opts.participant_query;
  cfg.max_history_rows = opts.max_history_rows;
  return cfg;
}

// How much of its recent broadcasts a live topic keeps for recovery.
topic_history_limits history_limits(const options& opts) {
  return topic_history_limits{static_cast<size_t>(opts.history_size),
                              std::chrono::seconds(opts.history_ttl)};
}

// Under systemd's Type=notify (deploy/systemd/sockd.service); a failure is
// logged, never fatal: sockd serves either way.
void tell_systemd(std::string_view state) {
  std::string error;
  if (!systemd_notify(state, error))
    log_warn("systemd: " + error);
}

// SIGHUP (`systemctl reload`): new handshakes get the files' certificate,
// open sockets keep theirs; a bad file keeps the old one.
void reload_certificate(server& srv, const options& opts) {
  if (opts.tls_cert.empty()) {
    log_info("received SIGHUP: no tls_cert and tls_key set, nothing to "
             "reload");
    return;
  }
  std::string error;
  if (srv.reload_tls(error))
    log_info("received SIGHUP: reloaded tls_cert and tls_key; new "
             "handshakes use them, open sockets keep theirs");
  else
    log_error("received SIGHUP: certificate not reloaded, the current one "
              "stays: " + error);
}

int run(const options& opts, const std::shared_ptr<const jwt_verifier>& jwt,
        const std::string& dev_secret, const std::string& db_url,
        const sigset_t& signals, const type_registration& extend,
        const cluster::tls_identity_ptr& identity) {
  caf::actor_system_config cfg;
  register_message_types(cfg);
  cluster::register_cluster_types(cfg);
  cfg.load<caf::io::middleman>(); // clustering runs over it
  cluster::configure_transport(
    cfg, cluster::transport_settings{opts.cluster_listen, identity,
                                     opts.cluster_tls_ca,
                                     opts.cluster_insecure});
  // One shared queue with a condition variable: idle workers sleep instead
  // of polling (work stealing's polling cost ~18 % of a fan-out profile and
  // one context switch per 50 us; docs/performance.md).
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", opts.scheduler_threads());
  caf::actor_system sys{cfg};
  server_services svc;
  svc.sys = &sys;
  svc.opts = opts;
  svc.jwt = jwt;
  svc.dev_secret = dev_secret;
  svc.bridge = spawn_bridge(sys);
  svc.keepalive =
    spawn_keepalive(sys, std::chrono::seconds(opts.ping_interval));
  svc.admission = spawn_admission(sys, opts.max_connections,
                                  opts.max_connections_per_user);
  auto types = std::make_shared<topic_types>();
  register_builtin_topic_types(*types);
  if (extend)
    extend(*types);
  auto dbcfg = make_database_config(opts, db_url, *types);
  auto allowance_cache = std::make_shared<db::allowance_cache>();
  dbcfg.allowance_cache = allowance_cache;
  svc.db = spawn_database_pool(sys, std::move(dbcfg));
  // Revocation while connected (docs/security.md): the node's memberships,
  // re-checked on every NOTIFY of the listener and periodically.
  access_config acfg;
  acfg.db = svc.db;
  acfg.schema = opts.schema;
  acfg.interval = std::chrono::seconds(opts.allowance_recheck_interval);
  svc.access = spawn_access(sys, std::move(acfg));
  access_listener_config lcfg;
  lcfg.url = db_url;
  lcfg.cache = allowance_cache;
  svc.access_notifier = spawn_access_listener(sys, std::move(lcfg), svc.access);
  // Clustered: connections talk to relays, tickets are redeemable on every
  // node (docs/cluster.md). Single node: no extra actor, no extra hop.
  std::optional<cluster::node> node;
  if (opts.cluster_listen.empty()) {
    svc.tickets =
      spawn_ticket_registry(sys, std::chrono::seconds(opts.ticket_ttl),
                            static_cast<size_t>(opts.max_tickets_per_user));
    svc.directory = spawn_topic_directory(sys, types, svc.db,
                                          history_limits(opts));
    svc.admin = spawn_local_admin(sys, svc.admission, svc.directory,
                                  opts.node_name);
  } else {
    cluster::node_config ncfg;
    ncfg.name = opts.node_name;
    ncfg.seeds = opts.cluster_seeds;
    ncfg.types = types;
    ncfg.db = svc.db;
    ncfg.ticket_ttl = std::chrono::seconds(opts.ticket_ttl);
    ncfg.max_tickets_per_user = static_cast<size_t>(opts.max_tickets_per_user);
    ncfg.identity = identity;
    ncfg.tls = identity != nullptr;
    ncfg.admission = svc.admission;
    ncfg.history = history_limits(opts);
    node = cluster::spawn_node(sys, std::move(ncfg));
    svc.admin = node->admin;
    svc.tickets = node->tickets;
    svc.directory = node->directory;
  }
  auto stop_actors = [&] {
    if (node)
      node->stop();
    caf::anon_send_exit(svc.bridge, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.keepalive, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.tickets, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.admission, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.directory, caf::exit_reason::user_shutdown);
    if (!node)
      caf::anon_send_exit(svc.admin, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.db, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.access, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(svc.access_notifier, caf::exit_reason::user_shutdown);
  };
  std::string error;
  if (node) {
    node_table_config table;
    table.url = db_url;
    table.schema = opts.schema;
    table.name = opts.node_name;
    if (opts.database_url.empty())
      log_warn("cluster: no database_url; this node's private PostgreSQL "
               "is not shared, so only cluster_seeds find other nodes");
    // config fills an empty node_name with the host name.
    cluster::start_node(sys, *node, opts.cluster_listen, std::move(table),
                        error);
    if (!error.empty()) {
      log_error("cannot start: " + error);
      stop_actors();
      return exit_failure;
    }
  }
  server srv{svc};
  if (!srv.start(error)) {
    log_error("cannot start: " + error);
    stop_actors();
    return exit_failure;
  }
  tell_systemd("READY=1");
  int sig = 0;
  for (;;) {
    while (sigwait(&signals, &sig) != 0) {
      // retry: sigwait only fails on a bad set, which cannot happen here
    }
    if (sig != SIGHUP)
      break;
    tell_systemd("RELOADING=1");
    reload_certificate(srv, opts);
    tell_systemd("READY=1");
  }
  tell_systemd("STOPPING=1");
  log_info(std::string{"received "} + (sig == SIGINT ? "SIGINT" : "SIGTERM")
           + ": stopping");
  srv.stop();
  if (!drain_database(sys, svc.db, opts.db_pool_size, drain_budget))
    log_warn("stopping: the database did not answer; pending writes may "
             "be lost");
  stop_actors();
  return 0; // ~actor_system waits for every actor
}

} // namespace

namespace sockd {

int run_sockd(int argc, char** argv, const type_registration& extend) {
  // Before any thread exists, so every thread inherits the mask and the
  // signals reach sigwait() only.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto parsed = parse_options(argc - 1, argv + 1, environ);
  if (parsed.help) {
    std::cout << usage();
    return 0;
  }
  if (!parsed.opts) {
    std::fprintf(stderr, "sockd: %s\n", parsed.error.c_str());
    return exit_usage;
  }
  const auto& opts = *parsed.opts;
  // Checked by config (set_log_format, set_log_level), so both parse.
  configure_log(parse_log_format(opts.log_format).value_or(log_format::text),
                parse_log_level(opts.log_level).value_or(log_level::info));
  std::string dev_secret;
  std::string error;
  auto jwt = make_verifier(opts, dev_secret, error);
  if (!jwt) {
    std::fprintf(stderr, "sockd: %s\n", error.c_str());
    return exit_usage;
  }
  // The cluster's certificate files, checked before anything starts.
  cluster::tls_identity_ptr identity;
  if (opts.cluster_tls()) {
    identity = cluster::tls_identity::load(opts.cluster_tls_cert,
                                           opts.cluster_tls_key,
                                           opts.cluster_tls_ca,
                                           opts.node_name, error);
    if (!identity) {
      std::fprintf(stderr, "sockd: %s\n", error.c_str());
      return exit_usage;
    }
  }
  // The listen port's certificate files, likewise.
  error = server::check_tls(opts);
  if (!error.empty()) {
    std::fprintf(stderr, "sockd: %s\n", error.c_str());
    return exit_usage;
  }
  std::optional<private_postgres> pg;
  auto db_url = opts.database_url;
  if (db_url.empty()) {
    pg.emplace(opts.data_dir);
    auto err = pg->start();
    if (!err.empty()) {
      log_error("cannot start the private PostgreSQL: " + err);
      return exit_failure;
    }
    db_url = pg->url();
  }
  auto rc = run(opts, jwt, dev_secret, db_url, signals, extend, identity);
  if (pg) {
    auto err = pg->stop();
    if (!err.empty())
      log_error("stopping the private PostgreSQL: " + err);
  }
  if (rc == 0)
    log_info("sockd stopped");
  return rc;
}

} // namespace sockd
