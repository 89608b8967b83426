#define CAF_SUITE db.queries
#include <caf/test/unit_test.hpp>

#include <string>

#include "db/queries.hpp"

using namespace sockd::db;

CAF_TEST(history pages within max_history_rows pass) {
  CAF_CHECK_EQUAL(check_history_depth(1, 10, 10000), "");
  CAF_CHECK_EQUAL(check_history_depth(1000, 10, 10000), "");
  CAF_CHECK_EQUAL(check_history_depth(100, 100, 10000), "");
  CAF_CHECK_EQUAL(check_history_depth(1, 1, 1), "");
}

CAF_TEST(history pages beyond max_history_rows are refused naming the limit) {
  auto why = check_history_depth(1001, 10, 10000);
  CAF_CHECK_EQUAL(why, "page 1001 of 10 reaches row 10010, beyond"
                       " max_history_rows (10000)");
  CAF_CHECK_NOT_EQUAL(check_history_depth(101, 100, 10000), "");
  CAF_CHECK_NOT_EQUAL(check_history_depth(2, 1, 1), "");
  // The largest values a frame can carry do not overflow.
  auto big = check_history_depth(2147483647, 1000, 10000);
  CAF_CHECK(big.find("2147483647000") != std::string::npos);
}

CAF_TEST(history pages below one are refused) {
  CAF_CHECK_NOT_EQUAL(check_history_depth(0, 10, 10000), "");
  CAF_CHECK_NOT_EQUAL(check_history_depth(1, 0, 10000), "");
  CAF_CHECK_NOT_EQUAL(check_history_depth(-1, -10, 10000), "");
}

CAF_TEST(identifiers are quoted) {
  CAF_CHECK_EQUAL(quote_ident("a"), "\"a\"");
  CAF_CHECK_EQUAL(quote_ident("a\"b"), "\"a\"\"b\"");
}
