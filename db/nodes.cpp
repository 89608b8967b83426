#include "db/nodes.hpp"

#include <memory>
#include <optional>

#include <caf/event_based_actor.hpp>
#include <pqxx/connection>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include "db/conninfo.hpp"
#include "db/log_text.hpp"
#include "db/queries.hpp"
#include "interfaces/atoms.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

// The key of the advisory lock sockd's migrations hold ("sockd"), so that
// nodes starting together do not race on CREATE TABLE.
constexpr long long lock_key = 0x736f636b64;

// The connection and what it needs; shared with the exit hook, which runs
// after the actor's state is gone.
struct node_link {
  node_table_config cfg;
  std::string table; // quoted schema + table name
  std::unique_ptr<pqxx::connection> conn;
  bool logged_down = false;

  void connect() {
    conn = std::make_unique<pqxx::connection>(db::make_conninfo(cfg.url));
    {
      pqxx::nontransaction tx{*conn};
      tx.exec0("SET statement_timeout = 2000");
      tx.exec0("SET client_min_messages = warning");
    }
    pqxx::work tx{*conn, "sockd_nodes_migrate"};
    tx.exec_params("SELECT pg_advisory_xact_lock($1::bigint)", lock_key);
    tx.exec0("CREATE SCHEMA IF NOT EXISTS " + db::quote_ident(cfg.schema));
    tx.exec0("CREATE TABLE IF NOT EXISTS " + table
             + " (name text PRIMARY KEY, address text NOT NULL,"
               " heartbeat timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }

  // Upserts this node and reads the live ones, in one transaction.
  node_rows beat() {
    pqxx::work tx{*conn, "sockd_nodes_beat"};
    tx.exec_params("INSERT INTO " + table
                     + " (name, address, heartbeat) VALUES ($1, $2, now())"
                       " ON CONFLICT (name) DO UPDATE SET"
                       " address = EXCLUDED.address,"
                       " heartbeat = EXCLUDED.heartbeat",
                   cfg.name, cfg.address);
    auto ttl_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(cfg.ttl).count();
    auto rows = tx.exec_params("SELECT name, address FROM " + table
                                 + " WHERE heartbeat > now()"
                                   " - make_interval(secs => $1::float8"
                                   " / 1000) ORDER BY name",
                               static_cast<long long>(ttl_ms));
    tx.commit();
    node_rows result;
    for (auto row : rows)
      result.push_back(
        node_row{row[0].as<std::string>(), row[1].as<std::string>()});
    return result;
  }

  // The live nodes, or nothing while the database is unavailable.
  std::optional<node_rows> tick() {
    try {
      if (!conn)
        connect();
      auto rows = beat();
      if (logged_down)
        log_info(db::log_text("node table: available again"));
      logged_down = false;
      return rows;
    } catch (const std::exception& e) {
      conn.reset();
      if (!logged_down)
        log_warn(db::log_text(std::string{"node table: heartbeat failed: "}
                              + e.what()));
      logged_down = true;
      return std::nullopt;
    }
  }

  void leave() {
    if (!conn)
      return;
    try {
      pqxx::work tx{*conn, "sockd_nodes_leave"};
      tx.exec_params("DELETE FROM " + table
                       + " WHERE name = $1 AND address = $2",
                     cfg.name, cfg.address);
      tx.commit();
    } catch (const std::exception& e) {
      log_warn(db::log_text(std::string{"node table: cannot remove this node: "}
                            + e.what()));
    }
  }
};

caf::behavior node_table(caf::event_based_actor* self, node_table_config cfg,
                         caf::actor listener) {
  auto link = std::make_shared<node_link>();
  link->table = db::quote_ident(cfg.schema) + ".sockd_nodes";
  link->cfg = std::move(cfg);
  // A clean stop removes the row, so that the others drop this node at once
  // instead of after the heartbeat ttl.
  self->attach_functor([link](const caf::error&) { link->leave(); });
  self->send(self, tick_atom::value);
  return {
    [=](tick_atom) {
      if (auto rows = link->tick())
        self->send(listener, nodes_atom::value, std::move(*rows));
      self->delayed_send(self, link->cfg.interval, tick_atom::value);
    },
  };
}

} // namespace

caf::actor spawn_node_table(caf::actor_system& sys, node_table_config cfg,
                            caf::actor listener) {
  return sys.spawn<caf::detached>(node_table, std::move(cfg),
                                  std::move(listener));
}

} // namespace sockd
