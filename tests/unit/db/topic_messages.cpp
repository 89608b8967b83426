#define CAF_SUITE db.topic_messages
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "db/topic_messages.hpp"

using namespace sockd;
using namespace sockd::db;

namespace {

stored_message msg(std::string cid, std::string topic, std::string id) {
  stored_message m;
  m.cid = std::move(cid);
  m.topic = std::move(topic);
  m.client_id = std::move(id);
  return m;
}

using seqs = std::vector<int64_t>;

} // namespace

CAF_TEST(every row written: seqs in the order given) {
  std::vector<stored_message> msgs{msg("c", "t", ""), msg("c", "t", "a"),
                                   msg("d", "t", "a")};
  // RETURNING order is not guaranteed: seq order is VALUES order.
  std::vector<written_row> rows{{12, "d", "t", "a"}, {10, "c", "t", ""},
                                {11, "c", "t", "a"}};
  seqs out;
  match_written(msgs, 0, 3, rows, out);
  CAF_CHECK_EQUAL(out, seqs({10, 11, 12}));
}

CAF_TEST(a retry of an existing row is skipped and answered with 0) {
  std::vector<stored_message> msgs{msg("c", "t", "a"), msg("c", "t", ""),
                                   msg("c", "t", "b")};
  std::vector<written_row> rows{{21, "c", "t", ""}, {22, "c", "t", "b"}};
  seqs out;
  match_written(msgs, 0, 3, rows, out);
  CAF_CHECK_EQUAL(out, seqs({0, 21, 22}));
}

CAF_TEST(the same id twice in one batch is written once) {
  std::vector<stored_message> msgs{msg("c", "t", "a"), msg("c", "t", "a"),
                                   msg("c", "u", "a")};
  std::vector<written_row> rows{{5, "c", "t", "a"}, {6, "c", "u", "a"}};
  seqs out;
  match_written(msgs, 0, 3, rows, out);
  CAF_CHECK_EQUAL(out, seqs({5, 0, 6}));
}

CAF_TEST(a chunk in the middle of a batch appends its own entries) {
  std::vector<stored_message> msgs{msg("c", "t", "x"), msg("c", "t", "y"),
                                   msg("c", "t", "z")};
  seqs out{1};
  match_written(msgs, 1, 2, {{3, "c", "t", "z"}}, out);
  CAF_CHECK_EQUAL(out, seqs({1, 0, 3}));
}
