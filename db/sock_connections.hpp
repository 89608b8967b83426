// Writes of sock_connections: a row per open connection, removed on close
// unless a stored message references the connection. Throw pqxx exceptions.
#pragma once

#include <string>
#include <vector>

#include <pqxx/connection>

#include "db/pending_rows.hpp"

namespace sockd::db {

void insert_connection(pqxx::connection& conn, const std::string& cid,
                       const std::string& sub, const std::string& node_name);

void delete_connection(pqxx::connection& conn, const std::string& cid);

/// Inserts (all ops open, as multi-row inserts) or deletes (all closed) in
/// ONE transaction: one commit for a burst of connections, not one each.
void write_connections(pqxx::connection& conn,
                       const std::vector<pending_rows::op>& run,
                       const std::string& node_name);

} // namespace sockd::db
