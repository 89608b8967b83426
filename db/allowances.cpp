#include "db/allowances.hpp"

#include <stdexcept>

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "db/failure.hpp"
#include "db/log_text.hpp"
#include "db/queries.hpp"
#include "protocol/topic_name.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

// A pattern matches its topic exactly, or ends in '*' and the rest of it is
// a prefix of the topic. left()/length() instead of LIKE: '%' and '_' are
// literal, and so is every '*' but the last character.
std::string pattern_rule(const std::string& s) {
  return "SELECT EXISTS (SELECT 1 FROM " + s
         + ".topic_allowances a"
           " WHERE a.user_sub = $1"
           " AND (a.topic_pattern = $3"
           " OR (right(a.topic_pattern, 1) = '*'"
           " AND left($3, length(a.topic_pattern) - 1)"
           " = left(a.topic_pattern, length(a.topic_pattern) - 1))))";
}

// Awayto's own socket allowance (keybittech/awayto-v3,
// go/pkg/clients/db_sock.go): the handle is a booking id, and the user made
// the booking's quote or owns the booking's schedule bracket slot.
std::string awayto_rule(const std::string& s) {
  return "SELECT EXISTS (SELECT 1 FROM " + s
         + ".bookings b"
           " JOIN "
         + s
         + ".schedule_bracket_slots sbs"
           " ON sbs.id = b.schedule_bracket_slot_id"
           " JOIN "
         + s
         + ".quotes q ON q.id = b.quote_id"
           " WHERE b.id = $2::uuid"
           " AND (sbs.created_sub = $1::uuid OR q.created_sub = $1::uuid))";
}

constexpr const char* exchange_types[] = {"exchange/0", "exchange/1",
                                          "exchange/2"};

} // namespace

std::map<std::string, std::string>
default_allowances(const std::string& schema, bool awayto_tables_exist) {
  auto s = db::quote_ident(schema);
  std::map<std::string, std::string> rules;
  rules["*"] = pattern_rule(s);
  auto exchange = awayto_tables_exist ? awayto_rule(s) : pattern_rule(s);
  for (auto type : exchange_types)
    rules[type] = exchange;
  return rules;
}

} // namespace sockd

namespace sockd::db {

namespace {

constexpr unsigned bool_oid = 16; // pg_type.oid of boolean

std::string wrap(const std::string& sql) {
  // The parameter subquery comes first in FROM, so PostgreSQL types $1..$3
  // as text before it reads the configured query.
  return "SELECT sockd_q.* FROM (SELECT $1::text, $2::text, $3::text)"
         " AS sockd_p CROSS JOIN (\n"
         + trim_statement(sql) + "\n) AS sockd_q LIMIT 1";
}

// The dollar-quote tag around a function body; a body containing it gets
// no function (its re-checks run one statement per member).
constexpr const char* body_tag = "$sockd_allow_body$";

// The query as a session-local SQL function of ($1, $2, $3): inside an SQL
// function $1..$3 are its arguments, so the configured query keeps its
// meaning, and a batch calls it once per row of unnest(subs). Like the
// wrapped statement it answers the first row's boolean, NULL for no row.
// False when PostgreSQL refuses it (e.g. no TEMP privilege).
bool create_function(pqxx::connection& conn, const std::string& name,
                     const std::string& body) {
  if (body.find(body_tag) != std::string::npos)
    return false;
  try {
    pqxx::nontransaction tx{conn};
    tx.exec0("CREATE OR REPLACE FUNCTION pg_temp." + name
             + "(text, text, text) RETURNS boolean LANGUAGE sql STABLE AS "
             + body_tag + "\n" + body + "\n" + body_tag);
    return true;
  } catch (const pqxx::sql_error& e) {
    if (is_connection_state(e.sqlstate()))
      throw;
    log_warn(log_text("allowance re-checks of " + name
                      + " run one statement per member: " + e.what()));
    return false;
  }
}

} // namespace

std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0)
      out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

bool awayto_tables_exist(pqxx::connection& conn, const std::string& schema) {
  pqxx::nontransaction tx{conn};
  auto r = tx.exec_params1(
    "SELECT count(*) FROM pg_catalog.pg_class c"
    " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'f')"
    " AND c.relname IN ('bookings', 'quotes', 'schedule_bracket_slots')",
    schema);
  return r[0].as<int>() == 3;
}

std::map<std::string, std::string>
effective_allowances(const std::map<std::string, std::string>& configured,
                     const std::string& schema, bool awayto_tables_exist) {
  auto rules = default_allowances(schema, awayto_tables_exist);
  for (auto& [type, sql] : configured)
    rules[type] = sql;
  return rules;
}

void allowance_table::prepare(pqxx::connection& conn,
                              const std::map<std::string, std::string>& rules,
                              bool log_errors) {
  by_type_.clear();
  // Types sharing a query share its statement.
  std::map<std::string, entry> by_sql;
  for (auto& [type, sql] : rules) {
    auto body = trim_statement(sql);
    if (body.empty()) {
      by_type_[type] = entry{verdict::deny, {}};
      continue;
    }
    auto known = by_sql.find(body);
    if (known != by_sql.end()) {
      by_type_[type] = known->second;
      continue;
    }
    entry e{verdict::query, "sockd_allow_" + std::to_string(by_sql.size())};
    try {
      conn.prepare(e.statement, wrap(body));
      conn.prepare_now(e.statement);
      auto fn = "sockd_allow_fn_" + std::to_string(by_sql.size());
      if (create_function(conn, fn, body))
        e.function = "pg_temp." + fn;
    } catch (const pqxx::sql_error& err) {
      if (log_errors)
        log_error(log_text("allowance query for type '" + type
                           + "' is invalid, subscribing to it fails: "
                           + err.what()));
      e.kind = verdict::broken;
    }
    by_sql.emplace(body, e);
    by_type_[type] = e;
  }
}

allowance_table::entry
allowance_table::lookup(const std::string& type) const {
  auto i = protocol::find_type_pattern(
    by_type_.begin(), by_type_.end(), type,
    [](const auto& kvp) -> const std::string& { return kvp.first; });
  return i != by_type_.end() ? i->second : entry{verdict::deny, {}};
}

bool evaluate_allowance(pqxx::connection& conn, const std::string& statement,
                        const std::string& sub, const std::string& handle,
                        const std::string& topic) {
  pqxx::nontransaction tx{conn};
  pqxx::result r;
  try {
    r = tx.exec_prepared(statement, sub, handle, topic);
  } catch (const pqxx::data_exception&) {
    return false;
  }
  if (r.columns() < 1 || r.column_type(0) != bool_oid)
    throw std::runtime_error("allowance query must return a boolean");
  if (r.empty() || r[0][0].is_null())
    return false;
  return r[0][0].as<bool>();
}

std::vector<std::string>
evaluate_allowances(pqxx::connection& conn,
                    const allowance_table::entry& rule,
                    const std::vector<std::string>& subs,
                    const std::string& handle, const std::string& topic) {
  std::vector<std::string> allowed;
  auto one_by_one = [&] {
    allowed.clear();
    for (auto& sub : subs)
      if (evaluate_allowance(conn, rule.statement, sub, handle, topic))
        allowed.push_back(sub);
    return allowed;
  };
  if (rule.function.empty())
    return one_by_one();
  pqxx::nontransaction tx{conn};
  pqxx::result r;
  try {
    r = tx.exec_params("SELECT u.s FROM unnest($1::text[])"
                       " WITH ORDINALITY AS u(s, n) WHERE "
                         + rule.function
                         + "(u.s, $2::text, $3::text) IS TRUE ORDER BY u.n",
                       text_array(subs), handle, topic);
  } catch (const pqxx::data_exception&) {
    return one_by_one();
  }
  for (auto row : r)
    allowed.push_back(row[0].as<std::string>());
  return allowed;
}

std::vector<bool>
evaluate_allowance_rows(pqxx::connection& conn,
                        const allowance_table::entry& rule,
                        const std::vector<std::string>& subs,
                        const std::vector<std::string>& handles,
                        const std::vector<std::string>& topics) {
  std::vector<bool> yes(subs.size(), false);
  auto one_by_one = [&] {
    for (size_t i = 0; i < subs.size(); ++i)
      yes[i] = evaluate_allowance(conn, rule.statement, subs[i], handles[i],
                                  topics[i]);
    return yes;
  };
  if (rule.function.empty() || subs.size() == 1)
    return one_by_one();
  pqxx::nontransaction tx{conn};
  pqxx::result r;
  try {
    r = tx.exec_params("SELECT u.n FROM unnest($1::text[], $2::text[],"
                       " $3::text[]) WITH ORDINALITY AS u(s, h, t, n) WHERE "
                         + rule.function + "(u.s, u.h, u.t) IS TRUE",
                       text_array(subs), text_array(handles),
                       text_array(topics));
  } catch (const pqxx::data_exception&) {
    return one_by_one();
  }
  for (auto row : r) {
    auto n = row[0].as<size_t>();
    if (n >= 1 && n <= yes.size())
      yes[n - 1] = true;
  }
  return yes;
}

} // namespace sockd::db
