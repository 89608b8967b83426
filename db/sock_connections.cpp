#include "db/sock_connections.hpp"

#include <pqxx/nontransaction>

#include "db/queries.hpp"

namespace sockd::db {

void insert_connection(pqxx::connection& conn, const std::string& cid,
                       const std::string& sub, const std::string& node_name) {
  pqxx::nontransaction tx{conn};
  tx.exec_prepared0(stmt::open_connection, cid, sub, node_name);
}

void delete_connection(pqxx::connection& conn, const std::string& cid) {
  pqxx::nontransaction tx{conn};
  tx.exec_prepared0(stmt::close_connection, cid);
}

} // namespace sockd::db
