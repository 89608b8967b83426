#define CAF_SUITE db.allowance_batch
// The text[] literal a re-check hands to unnest($1::text[]): every sub is
// quoted, so commas, braces, quotes and backslashes in a user id stay in
// that user id (db/allowances.hpp).

#include "db/allowances.hpp"

#include <caf/test/unit_test.hpp>

using sockd::db::text_array;

CAF_TEST(empty and plain) {
  CAF_CHECK_EQUAL(text_array({}), "{}");
  CAF_CHECK_EQUAL(text_array({"alice"}), R"({"alice"})");
  CAF_CHECK_EQUAL(text_array({"a", "b"}), R"({"a","b"})");
}

CAF_TEST(special characters are quoted) {
  CAF_CHECK_EQUAL(text_array({"a,b", "{x}", "NULL", ""}),
                  R"({"a,b","{x}","NULL",""})");
  CAF_CHECK_EQUAL(text_array({R"(q"uote)", R"(back\slash)"}),
                  R"({"q\"uote","back\\slash"})");
}
