// Writing one batch of stores and answering each sender (the worker queues
// the batch, db/worker.hpp). Every answer is the database's: "not stored"
// only when the transaction certainly did not commit (an error before or
// during the statements, a refused COMMIT, no connection). When the
// connection broke during COMMIT, the rows are looked up on a new
// connection once the old session is gone; only if that cannot be done is
// the sender told the outcome is unknown (a retry with the same id settles
// it: an ACK, one row). A batch PostgreSQL refuses is written message by
// message, so that only the refused messages fail.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/typed_response_promise.hpp>

#include "db/session.hpp"
#include "interfaces/messages.hpp"

namespace sockd::db {

/// One promise per message, in the order of the messages.
using store_promises = std::vector<caf::typed_response_promise<int64_t>>;

/// Writes `msgs` in one transaction and answers promises[i] for msgs[i]:
/// its seq (0: a row with its connection, topic and id existed), or why it
/// was not stored. True when the transaction (or its per-message retry)
/// ran, false when the batch failed as a whole.
bool write_batch(session& db, const std::vector<stored_message>& msgs,
                 store_promises& promises);

} // namespace sockd::db
