#include "db/sock_connections.hpp"

#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
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
  if (!run.empty() && run.front().open) {
    // Multi-row inserts, largest chunks first: a run of 250 rows is four
    // statements, not 250 round trips.
    size_t done = 0;
    std::vector<std::string> params;
    for (auto rows : store_chunk_sizes) {
      for (; run.size() - done >= rows; done += rows) {
        params.clear();
        for (size_t i = done; i < done + rows; ++i) {
          params.push_back(run[i].cid);
          params.push_back(run[i].sub);
          params.push_back(node_name);
        }
        tx.exec_prepared0(open_statement(rows),
                          pqxx::prepare::make_dynamic_params(params));
      }
    }
  } else {
    for (auto& op : run)
      tx.exec_prepared0(stmt::close_connection, op.cid);
  }
  tx.commit();
}

} // namespace sockd::db
