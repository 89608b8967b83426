// Reads and writes of topic_messages: batched inserts, history pages and the
// writers of a topic. Each function throws pqxx exceptions; the worker
// turns them into error values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "interfaces/messages.hpp"

namespace sockd::db {

/// A row an insert wrote, as its RETURNING clause names it.
struct written_row {
  int64_t seq = 0;
  std::string cid;
  std::string topic;
  std::string client_id; // empty when NULL
};

/// Pairs the rows an insert of msgs[first, first + rows) wrote with the
/// messages: appends to `seqs` one entry per message, its seq, or 0 when
/// the insert skipped it (a row with its connection, topic and client id
/// existed). Relies on seq being drawn in VALUES order.
void match_written(const std::vector<stored_message>& msgs, size_t first,
                   size_t rows, std::vector<written_row> written,
                   std::vector<int64_t>& seqs);

/// Every insert gives each row an id of sockd's (`row_ids`, parallel to
/// `msgs`, uuids), so that a batch whose COMMIT had an unknown outcome can
/// be looked up afterwards (settle_in_doubt).

/// Inserts every message in ONE transaction (multi-row inserts) and commits;
/// returns their sequence numbers in the order given, 0 for a message whose
/// (connection, topic, client id) row existed already.
std::vector<int64_t> insert_messages(pqxx::connection& conn,
                                     const std::vector<stored_message>& msgs,
                                     const std::vector<std::string>& row_ids);

/// Inserts the messages in one transaction, each under its own savepoint,
/// so that a message PostgreSQL refuses (e.g. a user id that is not a uuid
/// in an Awayto table) fails alone: its entry is empty and `errors` gets
/// the reason.
std::vector<std::optional<int64_t>>
insert_messages_each(pqxx::connection& conn,
                     const std::vector<stored_message>& msgs,
                     const std::vector<std::string>& row_ids,
                     std::vector<std::string>& errors);

/// After the connection broke during the COMMIT of `msgs`, on a new
/// connection: what became of each message. Settled only once the old
/// session (backend `old_pid`) is gone, waiting for that up to `wait`;
/// nullopt while it is still there. Else per message: its seq (committed
/// by that transaction), 0 (skipped: a row with its key existed before),
/// or an empty entry (not stored).
std::optional<std::vector<std::optional<int64_t>>>
settle_in_doubt(pqxx::connection& conn, const std::string& schema,
                int old_pid, std::chrono::milliseconds wait,
                const std::vector<stored_message>& msgs,
                const std::vector<std::string>& row_ids);

/// Up to `limit` stored rows of `topic` broadcast in `epoch` after offset
/// `after`, in offset order: what a new owner replays of its predecessor's
/// epoch (docs/protocol.md, "Recovery after reconnect").
std::vector<positioned_row> load_positioned(pqxx::connection& conn,
                                            const std::string& topic,
                                            const std::string& epoch,
                                            int64_t after, int64_t limit);

struct history_page {
  frame_list frames; // newest first
  bool has_more = false;
};

/// Page `page` (from 1) of `page_size` frames, newest first.
history_page load_history(pqxx::connection& conn, const std::string& topic,
                          int32_t page, int32_t page_size);

/// Everyone who stored in `topic` (with the connection ids they stored
/// from, in order of first appearance), then the `online` users not among
/// them; with `details`, each gets name and role from the participant query.
writer_list load_writers(pqxx::connection& conn, const std::string& topic,
                         const string_list& online, bool details);

} // namespace sockd::db
