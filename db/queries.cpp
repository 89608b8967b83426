#include "db/queries.hpp"

namespace sockd::db {

std::string quote_ident(const std::string& name) {
  std::string out;
  out.reserve(name.size() + 2);
  out += '"';
  for (auto c : name) {
    if (c == '"')
      out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string check_schema_name(const std::string& name) {
  if (name.empty())
    return "the schema name is empty";
  if (name.find('\0') != std::string::npos)
    return "the schema name contains a NUL byte";
  // PostgreSQL would silently truncate a longer name.
  if (name.size() > 63)
    return "the schema name is longer than 63 bytes";
  return {};
}

std::string trim_statement(std::string sql) {
  auto junk = [](char c) {
    return c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
  };
  while (!sql.empty() && junk(sql.back()))
    sql.pop_back();
  return sql;
}

std::string check_history_depth(int64_t page, int64_t page_size,
                                int64_t max_rows) {
  // Both are at most 2^31 here: the product cannot overflow.
  if (page >= 1 && page_size >= 1 && page * page_size <= max_rows)
    return {};
  return "page " + std::to_string(page) + " of " + std::to_string(page_size)
         + " reaches row " + std::to_string(page * page_size)
         + ", beyond max_history_rows (" + std::to_string(max_rows) + ")";
}

std::string store_statement(size_t rows) {
  return "sockd_store_" + std::to_string(rows);
}

std::string open_statement(size_t rows) {
  return "sockd_open_" + std::to_string(rows);
}

namespace {

// `rows` tuples of `columns` parameters each: ($1, $2), ($3, $4), ...
std::string values_list(size_t rows, size_t columns) {
  std::string sql;
  for (size_t i = 0; i < rows; ++i) {
    sql += i > 0 ? ", (" : "(";
    for (size_t j = 0; j < columns; ++j) {
      if (j > 0)
        sql += ", ";
      sql += "$" + std::to_string(i * columns + j + 1);
    }
    sql += ")";
  }
  return sql;
}

// Parameters are untyped on purpose: PostgreSQL coerces them to the
// columns' types, so created_sub may be text (sockd's tables) or uuid
// (Awayto's), and message jsonb or text.
//
// A row with a client id is written once per (connection, topic, id): a
// second one (a retry) is skipped and returns nothing. RETURNING names the
// key, so the caller can tell which rows were written.
std::string store_sql(const std::string& s, size_t rows) {
  std::string values;
  for (size_t i = 0; i < rows; ++i) {
    auto p = [&](size_t j) {
      return "$" + std::to_string(i * store_params + j);
    };
    values += i > 0 ? ", (" : "(";
    values += p(1) + ", " + p(2) + ", " + p(3) + ", " + p(4) + ", NULLIF("
              + p(5) + "::text, ''), " + p(6) + "::uuid, NULLIF(" + p(7)
              + "::text, ''), NULLIF(" + p(8) + "::bigint, 0))";
  }
  return "INSERT INTO " + s
         + ".topic_messages"
           " (topic, connection_id, created_sub, message, client_id, id,"
           " pos_epoch, pos_offset)"
           " VALUES "
         + values
         + " ON CONFLICT (connection_id, topic, client_id)"
           " WHERE client_id IS NOT NULL DO NOTHING"
           " RETURNING seq, connection_id, topic, client_id";
}

std::string open_sql(const std::string& s, size_t rows) {
  return "INSERT INTO " + s
         + ".sock_connections (connection_id, created_sub, node_name)"
           " VALUES "
         + values_list(rows, 3);
}

} // namespace

void prepare_statements(pqxx::connection& conn, const std::string& schema) {
  auto s = quote_ident(schema);
  conn.prepare(stmt::ping, "SELECT 1");
  conn.prepare(stmt::history,
               "SELECT message::text FROM " + s
                 + ".topic_messages"
                   " WHERE topic = $1::text"
                   " ORDER BY seq DESC LIMIT $2::bigint OFFSET $3::bigint");
  conn.prepare(stmt::positioned,
               "SELECT pos_offset, message::text FROM " + s
                 + ".topic_messages"
                   " WHERE topic = $1::text AND pos_epoch = $2::text"
                   " AND pos_offset > $3::bigint"
                   " ORDER BY pos_offset LIMIT $4::bigint");
  conn.prepare(stmt::writers,
               "SELECT created_sub::text, connection_id FROM " + s
                 + ".topic_messages"
                   " WHERE topic = $1::text"
                   " GROUP BY created_sub, connection_id"
                   " ORDER BY min(seq) LIMIT "
                 + std::to_string(writers_limit));
  conn.prepare(stmt::open_connection,
               "INSERT INTO " + s
                 + ".sock_connections (connection_id, created_sub, node_name)"
                   " VALUES ($1, $2, $3)");
  conn.prepare(stmt::close_connection,
               "DELETE FROM " + s
                 + ".sock_connections sc"
                   " WHERE sc.connection_id = $1::text"
                   " AND NOT EXISTS (SELECT 1 FROM "
                 + s
                 + ".topic_messages tm"
                   " WHERE tm.connection_id = $1::text)");
  for (auto rows : store_chunk_sizes) {
    conn.prepare(store_statement(rows), store_sql(s, rows));
    conn.prepare(open_statement(rows), open_sql(s, rows));
  }
}

void prepare_participant_query(pqxx::connection& conn, const std::string& sql) {
  // The parameter subquery comes first in FROM, so PostgreSQL types $1 as
  // text before it reads the configured query.
  conn.prepare(stmt::participant,
               "SELECT sockd_q.name::text, sockd_q.role::text"
               " FROM (SELECT $1::text) AS sockd_p CROSS JOIN (\n"
                 + trim_statement(sql) + "\n) AS sockd_q LIMIT 1");
}

std::string stored_by_key_sql(const std::string& schema) {
  return "SELECT id::text, seq FROM " + quote_ident(schema)
         + ".topic_messages WHERE connection_id = $1::text"
           " AND topic = $2::text AND client_id = $3::text";
}

std::string stored_by_id_sql(const std::string& schema) {
  return "SELECT seq FROM " + quote_ident(schema)
         + ".topic_messages WHERE id = $1::uuid";
}

std::string sweep_sql(const std::string& schema) {
  auto s = quote_ident(schema);
  return "DELETE FROM " + s
         + ".sock_connections sc"
           " WHERE sc.node_name = $1::text"
           " AND NOT EXISTS (SELECT 1 FROM "
         + s
         + ".topic_messages tm"
           " WHERE tm.connection_id = sc.connection_id)";
}

} // namespace sockd::db
