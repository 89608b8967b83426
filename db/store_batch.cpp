#include "db/store_batch.hpp"

#include <chrono>
#include <string>

#include <pqxx/except>

#include "auth/random.hpp"
#include "db/failure.hpp"
#include "db/log_text.hpp"
#include "db/topic_messages.hpp"
#include "interfaces/errors.hpp"
#include "support/log.hpp"

namespace sockd::db {

namespace {

/// How long a worker waits for the session of an interrupted COMMIT to end.
constexpr auto in_doubt_wait = std::chrono::seconds{2};

void deliver_all(store_promises& promises, const caf::error& err) {
  for (auto& p : promises)
    p.deliver(err);
}

caf::error not_stored(const caf::error& err) {
  return make_error(to_errc(err), "message not stored: " + message_of(err));
}

caf::error outcome_unknown() {
  return make_error(errc::unavailable,
                    "message store outcome unknown (the database connection"
                    " broke during COMMIT); retry with the same id");
}

// A fresh uuid per message: the row's id, by which an interrupted COMMIT's
// rows are found.
std::vector<std::string> make_row_ids(size_t n) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (size_t i = 0; i < n; ++i)
    ids.push_back(random_uuid());
  return ids;
}

void settle(session& db, int old_pid, const std::vector<stored_message>& msgs,
            const std::vector<std::string>& row_ids, store_promises& promises,
            const std::string& why) {
  db.drop(why);
  log_warn(log_text("worker " + std::to_string(db.index())
                    + ": connection lost during COMMIT of "
                    + std::to_string(msgs.size())
                    + " stored messages: " + why));
  auto* conn = db.get();
  if (conn == nullptr) {
    deliver_all(promises, outcome_unknown());
    return;
  }
  try {
    auto found = settle_in_doubt(*conn, db.config().schema, old_pid,
                                 in_doubt_wait, msgs, row_ids);
    if (!found) {
      deliver_all(promises, outcome_unknown());
      return;
    }
    size_t stored = 0;
    for (size_t i = 0; i < msgs.size(); ++i) {
      if ((*found)[i]) {
        ++stored;
        promises[i].deliver(*(*found)[i]);
      } else {
        promises[i].deliver(make_error(errc::unavailable,
                                       "message not stored: the database"
                                       " connection broke before COMMIT"
                                       " completed"));
      }
    }
    log_warn(log_text("worker " + std::to_string(db.index()) + ": of those, "
                      + std::to_string(stored) + " were committed"));
  } catch (...) {
    current_failure(db, "looking up an interrupted store");
    deliver_all(promises, outcome_unknown());
  }
}

// After a batch failed on a message PostgreSQL refused: write the messages
// one by one, so that only the refused ones fail.
void store_each(session& db, const std::vector<stored_message>& msgs,
                const std::vector<std::string>& row_ids,
                store_promises& promises) {
  auto* conn = db.get();
  if (conn == nullptr) {
    deliver_all(promises, not_stored(unavailable()));
    return;
  }
  auto pid = conn->backendpid();
  try {
    std::vector<std::string> errors;
    auto seqs = insert_messages_each(*conn, msgs, row_ids, errors);
    for (size_t i = 0; i < msgs.size(); ++i) {
      if (seqs[i]) {
        promises[i].deliver(*seqs[i]);
        continue;
      }
      log_error(log_text("message for topic " + msgs[i].topic
                         + " not stored: " + errors[i]));
      promises[i].deliver(make_error(errc::internal,
                                     "message not stored: refused by the"
                                     " database"));
    }
  } catch (const pqxx::in_doubt_error& e) {
    settle(db, pid, msgs, row_ids, promises, e.what());
  } catch (...) {
    deliver_all(promises, not_stored(current_failure(db, "storing messages")));
  }
}

} // namespace

bool write_batch(session& db, const std::vector<stored_message>& msgs,
                 store_promises& promises) {
  auto* conn = db.get();
  if (conn == nullptr) {
    deliver_all(promises, not_stored(unavailable()));
    return false;
  }
  auto row_ids = make_row_ids(msgs.size());
  auto pid = conn->backendpid();
  try {
    auto seqs = insert_messages(*conn, msgs, row_ids);
    for (size_t i = 0; i < promises.size(); ++i)
      promises[i].deliver(seqs[i]);
    return true;
  } catch (const pqxx::in_doubt_error& e) {
    settle(db, pid, msgs, row_ids, promises, e.what());
    return false;
  } catch (const pqxx::data_exception&) {
    // fall through: find the message that was refused
  } catch (const pqxx::integrity_constraint_violation&) {
    // fall through: find the message that was refused
  } catch (...) {
    deliver_all(promises, not_stored(current_failure(db, "storing messages")));
    return false;
  }
  store_each(db, msgs, row_ids, promises);
  return true; // each answered on its own; the batch itself ran
}

} // namespace sockd::db
