// Every SQL statement sockd runs at request time, as named prepared
// statements. The schema name is quoted as an identifier; request values
// only ever travel as parameters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <pqxx/connection>

namespace sockd::db {

/// `name` quoted as an SQL identifier (PostgreSQL's quote_ident rule: wrap
/// in double quotes, double any inner double quote).
std::string quote_ident(const std::string& name);

/// Empty when `name` can be a schema name, else why not.
std::string check_schema_name(const std::string& name);

/// Configured SQL without trailing whitespace and semicolons, so that it can
/// be wrapped as a subquery.
std::string trim_statement(std::string sql);

namespace stmt {

constexpr const char* ping = "sockd_ping";
constexpr const char* history = "sockd_history";
constexpr const char* writers = "sockd_writers";
constexpr const char* open_connection = "sockd_open";
constexpr const char* close_connection = "sockd_close";
constexpr const char* participant = "sockd_participant";
/// Stored rows of one epoch of a topic after an offset, in offset order.
constexpr const char* positioned = "sockd_positioned";

} // namespace stmt

/// A batch of stores is written as multi-row inserts of these sizes, largest
/// first, so that four prepared statements cover any batch size.
constexpr size_t store_chunk_sizes[] = {64, 8, 1};

/// Parameters per row of a store insert (topic, connection, user, frame,
/// client id, row id, position epoch, position offset).
constexpr size_t store_params = 8;

/// The name of the prepared insert of `rows` messages.
std::string store_statement(size_t rows);

/// The name of the prepared insert of `rows` sock_connections rows (sizes
/// of store_chunk_sizes).
std::string open_statement(size_t rows);

/// Empty when history page `page` (from 1) of `page_size` rows stays within
/// the newest `max_rows` rows of a topic, else why the page is refused: a
/// page is read with OFFSET, so the rows it skips are scanned, and this
/// bound is what any one request may cost.
std::string check_history_depth(int64_t page, int64_t page_size,
                                int64_t max_rows);

/// The most (user, connection) pairs the writers query returns.
constexpr int writers_limit = 10000;

/// Defines every fixed statement on a fresh connection (pqxx prepares them
/// on first use).
void prepare_statements(pqxx::connection& conn, const std::string& schema);

/// Defines the participant-details query: the configured SQL gets `$1` (the
/// user id) declared as text and must return columns `name` and `role`.
void prepare_participant_query(pqxx::connection& conn, const std::string& sql);

/// The row of a message with a client id: `$1` connection, `$2` topic,
/// `$3` client id -> id, seq.
std::string stored_by_key_sql(const std::string& schema);

/// The row of a message by the row id sockd gave it: `$1` -> seq.
std::string stored_by_id_sql(const std::string& schema);

/// Deletes this node's sock_connections rows that no message references.
/// `$1`: node name.
std::string sweep_sql(const std::string& schema);

} // namespace sockd::db
