#include "db/sock_connections.hpp"

#include <pqxx/nontransaction>
#include <pqxx/transaction>

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

void write_connections(pqxx::connection& conn,
                       const std::vector<pending_rows::op>& run,
                       const std::string& node_name) {
  pqxx::work tx{conn, "sockd_connections"};
  for (auto& op : run) {
    if (op.open)
      tx.exec_prepared0(stmt::open_connection, op.cid, op.sub, node_name);
    else
      tx.exec_prepared0(stmt::close_connection, op.cid);
  }
  tx.commit();
}

} // namespace sockd::db
