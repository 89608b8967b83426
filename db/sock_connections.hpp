// Writes of sock_connections: a row per open connection, removed on close
// unless a stored message references the connection. Throw pqxx exceptions.
#pragma once

#include <string>

#include <pqxx/connection>

namespace sockd::db {

void insert_connection(pqxx::connection& conn, const std::string& cid,
                       const std::string& sub, const std::string& node_name);

void delete_connection(pqxx::connection& conn, const std::string& cid);

} // namespace sockd::db
