#include "db/topic_messages.hpp"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include <pqxx/nontransaction>
#include <pqxx/prepared_statement>
#include <pqxx/result>
#include <pqxx/transaction>

#include "db/queries.hpp"

namespace sockd::db {

namespace {

void add_params(std::vector<std::string>& params, const stored_message& m,
                const std::string& row_id) {
  // Same order as the column list of queries.cpp's insert.
  params.push_back(m.topic);
  params.push_back(m.cid);
  params.push_back(m.sub);
  params.push_back(m.frame);
  params.push_back(m.client_id);
  params.push_back(row_id);
  params.push_back(m.epoch);
  params.push_back(std::to_string(m.offset));
}

// Inserts msgs[first, first + rows) with the prepared insert of that size;
// appends one entry per message: its seq, or 0 when the message is a retry
// of a row that exists (the insert skipped it).
void insert_chunk(pqxx::transaction_base& tx,
                  const std::vector<stored_message>& msgs,
                  const std::vector<std::string>& row_ids, size_t first,
                  size_t rows, std::vector<int64_t>& seqs) {
  std::vector<std::string> params;
  params.reserve(rows * store_params);
  for (size_t i = first; i < first + rows; ++i)
    add_params(params, msgs[i], row_ids[i]);
  auto r = tx.exec_prepared(store_statement(rows),
                            pqxx::prepare::make_dynamic_params(params));
  std::vector<written_row> written;
  written.reserve(r.size());
  for (auto row : r)
    written.push_back(written_row{row[0].as<int64_t>(), row[1].c_str(),
                                  row[2].c_str(),
                                  row[3].is_null() ? std::string{}
                                                   : row[3].c_str()});
  match_written(msgs, first, rows, std::move(written), seqs);
}

} // namespace

void match_written(const std::vector<stored_message>& msgs, size_t first,
                   size_t rows, std::vector<written_row> written,
                   std::vector<int64_t>& seqs) {
  std::sort(written.begin(), written.end(),
            [](const written_row& x, const written_row& y) {
              return x.seq < y.seq;
            });
  // A written row is the first message not yet matched with its key: a
  // skipped message's key matches no later written row (a later message
  // with that key was skipped too), and a message without client id is
  // never skipped.
  size_t j = 0;
  for (size_t i = first; i < first + rows; ++i) {
    auto& m = msgs[i];
    if (j < written.size() && written[j].cid == m.cid
        && written[j].topic == m.topic && written[j].client_id == m.client_id)
      seqs.push_back(written[j++].seq);
    else
      seqs.push_back(0);
  }
}

std::vector<int64_t> insert_messages(pqxx::connection& conn,
                                     const std::vector<stored_message>& msgs,
                                     const std::vector<std::string>& row_ids) {
  std::vector<int64_t> seqs;
  seqs.reserve(msgs.size());
  pqxx::work tx{conn, "sockd_store"};
  size_t done = 0;
  for (auto rows : store_chunk_sizes)
    for (; msgs.size() - done >= rows; done += rows)
      insert_chunk(tx, msgs, row_ids, done, rows, seqs);
  tx.commit();
  return seqs;
}

std::vector<std::optional<int64_t>>
insert_messages_each(pqxx::connection& conn,
                     const std::vector<stored_message>& msgs,
                     const std::vector<std::string>& row_ids,
                     std::vector<std::string>& errors) {
  std::vector<std::optional<int64_t>> seqs(msgs.size());
  errors.assign(msgs.size(), std::string{});
  pqxx::work tx{conn, "sockd_store_each"};
  // Plain SAVEPOINT statements: pqxx 6.4's subtransaction does not open its
  // savepoint before a prepared statement.
  for (size_t i = 0; i < msgs.size(); ++i) {
    tx.exec0("SAVEPOINT sockd_one");
    try {
      std::vector<int64_t> one;
      insert_chunk(tx, msgs, row_ids, i, 1, one);
      tx.exec0("RELEASE SAVEPOINT sockd_one");
      seqs[i] = one.front();
    } catch (const pqxx::data_exception& e) {
      errors[i] = e.what();
    } catch (const pqxx::integrity_constraint_violation& e) {
      errors[i] = e.what();
    }
    if (!seqs[i])
      tx.exec0("ROLLBACK TO SAVEPOINT sockd_one");
  }
  tx.commit();
  return seqs;
}

std::optional<std::vector<std::optional<int64_t>>>
settle_in_doubt(pqxx::connection& conn, const std::string& schema,
                int old_pid, std::chrono::milliseconds wait,
                const std::vector<stored_message>& msgs,
                const std::vector<std::string>& row_ids) {
  pqxx::nontransaction tx{conn};
  // While the old session lives, its COMMIT may still be under way: a row
  // not visible yet could become visible. Its end settles the outcome.
  auto deadline = std::chrono::steady_clock::now() + wait;
  for (;;) {
    auto r = tx.exec_params("SELECT 1 FROM pg_catalog.pg_stat_activity"
                            " WHERE pid = $1",
                            old_pid);
    if (r.empty())
      break;
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  std::vector<std::optional<int64_t>> result(msgs.size());
  auto by_key = stored_by_key_sql(schema);
  auto by_id = stored_by_id_sql(schema);
  for (size_t i = 0; i < msgs.size(); ++i) {
    auto& m = msgs[i];
    if (!m.client_id.empty()) {
      auto r = tx.exec_params(by_key, m.cid, m.topic, m.client_id);
      if (!r.empty())
        result[i] = r[0][0].c_str() == row_ids[i] ? r[0][1].as<int64_t>()
                                                  : int64_t{0};
    } else {
      auto r = tx.exec_params(by_id, row_ids[i]);
      if (!r.empty())
        result[i] = r[0][0].as<int64_t>();
    }
  }
  return result;
}

std::vector<positioned_row> load_positioned(pqxx::connection& conn,
                                            const std::string& topic,
                                            const std::string& epoch,
                                            int64_t after, int64_t limit) {
  pqxx::nontransaction tx{conn};
  auto r = tx.exec_prepared(stmt::positioned, topic, epoch, after, limit);
  std::vector<positioned_row> result;
  result.reserve(r.size());
  for (auto row : r)
    result.push_back(
      positioned_row{row[0].as<int64_t>(), row[1].c_str()});
  return result;
}

history_page load_history(pqxx::connection& conn, const std::string& topic,
                          int32_t page, int32_t page_size) {
  // One row more than the page tells whether older messages remain.
  auto limit = static_cast<int64_t>(page_size) + 1;
  auto offset = (static_cast<int64_t>(page) - 1) * page_size;
  pqxx::nontransaction tx{conn};
  auto r = tx.exec_prepared(stmt::history, topic, limit, offset);
  history_page result;
  result.has_more = r.size() > static_cast<size_t>(page_size);
  auto n = std::min(r.size(), static_cast<size_t>(page_size));
  result.frames.reserve(n);
  for (size_t i = 0; i < n; ++i)
    result.frames.emplace_back(r[i][0].c_str(), r[i][0].size());
  return result;
}

writer_list load_writers(pqxx::connection& conn, const std::string& topic,
                         const string_list& online, bool details) {
  pqxx::nontransaction tx{conn};
  writer_list result;
  std::unordered_map<std::string, size_t> index; // sub -> position
  auto entry = [&](const std::string& sub) -> writer& {
    auto [i, added] = index.emplace(sub, result.size());
    if (added)
      result.push_back(writer{sub, {}, {}, {}});
    return result[i->second];
  };
  // Rows come ordered by the first seq of each (sub, connection) pair, so
  // both subs and their connections appear in order of first appearance.
  for (auto row : tx.exec_prepared(stmt::writers, topic)) {
    auto& w = entry(row[0].c_str());
    std::string cid = row[1].c_str();
    if (std::find(w.cids.begin(), w.cids.end(), cid) == w.cids.end())
      w.cids.push_back(std::move(cid));
  }
  for (auto& sub : online)
    entry(sub);
  if (!details)
    return result;
  for (auto& w : result) {
    try {
      auto r = tx.exec_prepared(stmt::participant, w.sub);
      if (r.empty())
        continue;
      if (!r[0][0].is_null())
        w.name = r[0][0].c_str();
      if (!r[0][1].is_null())
        w.role = r[0][1].c_str();
    } catch (const pqxx::data_exception&) {
      // E.g. a user id that is not a uuid: no details for that user.
    }
  }
  return result;
}

} // namespace sockd::db
