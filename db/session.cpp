#include "db/session.hpp"

#include <utility>

#include <pqxx/except>
#include <pqxx/nontransaction>

#include "db/conninfo.hpp"
#include "db/failure.hpp"
#include "db/log_text.hpp"
#include "db/migrations.hpp"
#include "db/queries.hpp"
#include "support/log.hpp"

namespace sockd::db {

namespace {

constexpr auto reconnect_interval = std::chrono::seconds{1};

// A failed connect that took longer than this (no answer from the host
// rather than a refusal) holds requests to the reconnect interval too.
constexpr auto slow_attempt = std::chrono::milliseconds{200};

// Bounds every statement sockd sends, so that no worker waits forever.
constexpr const char* statement_timeout_ms = "5000";

} // namespace

session::session(std::shared_ptr<const database_config> cfg,
                 std::shared_ptr<pool_shared> shared, size_t index)
  : cfg_(std::move(cfg)),
    shared_(std::move(shared)),
    index_(index),
    conninfo_(make_conninfo(cfg_->url)) {
  // nop
}

pqxx::connection* session::get(bool request) {
  if (conn_ && alive())
    return conn_.get();
  // After a lost connection, try at once. After a failed attempt, the
  // background waits a second before the next one; a request tries at once
  // unless that attempt was slow.
  auto now = std::chrono::steady_clock::now();
  if (failed_ && now - last_failure_ < reconnect_interval
      && (!request || last_attempt_ > slow_attempt))
    return nullptr;
  auto ok = connect();
  auto end = std::chrono::steady_clock::now();
  last_attempt_ = end - now;
  if (ok) {
    failed_ = false;
    return conn_.get();
  }
  failed_ = true;
  last_failure_ = end;
  return nullptr;
}

bool session::alive() {
  // Reads what the server sent while we were idle: a server that shut down
  // or killed this session left its goodbye and EOF on the socket. Finding
  // that here, before pqxx runs a statement on the dead connection, also
  // avoids a libpqxx 6.4 leak (it loses the PGresult of a statement that
  // fails on a broken connection).
  // The first read takes the goodbye, the second sees the EOF.
  try {
    conn_->get_notifs();
    conn_->get_notifs();
    return true;
  } catch (const std::exception& e) {
    drop(e.what());
    return false;
  }
}

void session::drop(const std::string& why) {
  if (!conn_)
    return;
  conn_.reset();
  if (logged_ == logged::up)
    log_warn(log_text("worker " + std::to_string(index_)
                      + ": database connection lost: " + why));
  logged_ = logged::lost;
}

bool session::connect() {
  auto fail = [this](const std::string& why) {
    conn_.reset();
    if (logged_ != logged::unavailable)
      log_warn(log_text("worker " + std::to_string(index_)
                        + ": database unavailable: " + why));
    logged_ = logged::unavailable;
    return false;
  };
  auto bad_schema = check_schema_name(cfg_->schema);
  if (!bad_schema.empty())
    return fail(bad_schema);
  try {
    conn_ = std::make_unique<pqxx::connection>(conninfo_);
    setup();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (logged_ != logged::up || (!ever_connected_ && index_ == 0))
    log_info(log_text("worker " + std::to_string(index_) + ": connected"));
  logged_ = logged::up;
  ever_connected_ = true;
  return true;
}

void session::setup() {
  auto& conn = *conn_;
  {
    pqxx::nontransaction tx{conn};
    tx.exec0(std::string{"SET statement_timeout = "} + statement_timeout_ms);
    // Keeps "already exists" and similar notices out of the log.
    tx.exec0("SET client_min_messages = warning");
  }
  migrate(conn, cfg_->schema);
  auto awayto = awayto_tables_exist(conn, cfg_->schema);
  log_exchange_rule(awayto);
  allowances_.prepare(conn,
                      effective_allowances(cfg_->allowances, cfg_->schema,
                                           awayto),
                      index_ == 0);
  prepare_statements(conn, cfg_->schema);
  participant_ok_ = false;
  if (!cfg_->participant_query.empty()) {
    try {
      prepare_participant_query(conn, cfg_->participant_query);
      conn.prepare_now(stmt::participant);
      participant_ok_ = true;
    } catch (const pqxx::sql_error& e) {
      if (index_ == 0)
        log_error(log_text(std::string{"participant query is invalid, names"
                                       " and roles stay empty: "}
                           + e.what()));
    }
  }
  // A cleanup that timed out is tried again before the next insert; it
  // must not make the connection unusable.
  try {
    swept();
  } catch (const pqxx::sql_error& e) {
    if (is_connection_state(e.sqlstate()))
      throw;
  }
}

bool session::swept() {
  auto state = shared_->sweep.load();
  if (state == pool_shared::sweep_done)
    return true;
  if (!conn_)
    return false;
  int expected = pool_shared::sweep_todo;
  if (!shared_->sweep.compare_exchange_strong(expected,
                                              pool_shared::sweep_running))
    return false;
  if (cfg_->node_name.empty()) {
    shared_->sweep = pool_shared::sweep_done;
    return true;
  }
  try {
    pqxx::nontransaction tx{*conn_};
    auto r = tx.exec_params(sweep_sql(cfg_->schema), cfg_->node_name);
    if (r.affected_rows() > 0)
      log_info(log_text("removed " + std::to_string(r.affected_rows())
                        + " sock_connections rows left by an earlier run"
                          " of node "
                        + cfg_->node_name));
  } catch (const pqxx::sql_error& e) {
    // Lost connection or statement timeout: try again later.
    if (is_connection_state(e.sqlstate()) || e.sqlstate() == "57014") {
      shared_->sweep = pool_shared::sweep_todo;
      throw;
    }
    // A cleanup that cannot work must not hold inserts back forever.
    log_error(log_text(std::string{"cleanup of stale sock_connections rows"
                                   " failed: "}
                       + e.what()));
  } catch (...) {
    shared_->sweep = pool_shared::sweep_todo;
    throw;
  }
  shared_->sweep = pool_shared::sweep_done;
  return true;
}

void session::log_exchange_rule(bool awayto) {
  // Logged once per process, and again if the choice changes.
  int rule = awayto ? 1 : 0;
  if (shared_->logged_rule.exchange(rule) == rule)
    return;
  auto configured = [this](const char* type) {
    return cfg_->allowances.count(type) > 0;
  };
  if (configured("exchange/0") && configured("exchange/1")
      && configured("exchange/2")) {
    log_info(log_text("exchange/0..2 use the configured allowance queries"));
    return;
  }
  if (awayto)
    log_info(log_text("exchange/0..2 use Awayto's booking rule (bookings,"
                      " quotes and schedule_bracket_slots exist in schema "
                      + cfg_->schema + ")"));
  else
    log_info(log_text("exchange/0..2 use topic_allowances (Awayto's tables"
                      " are not in schema "
                      + cfg_->schema + ")"));
}

} // namespace sockd::db
