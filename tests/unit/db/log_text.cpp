#define CAF_SUITE db.log_text
#include <caf/test/unit_test.hpp>

#include <string>

#include "db/log_text.hpp"

using namespace sockd::db;

CAF_TEST(a one line text keeps its words and gets the db prefix) {
  CAF_CHECK_EQUAL(one_line("worker 0: connected"), "worker 0: connected");
  CAF_CHECK_EQUAL(log_text("worker 0: connected"), "db: worker 0: connected");
}

CAF_TEST(postgres detail lines fold into one line) {
  std::string err = "ERROR:  syntax error at or near \"SELEC\"\n"
                    "LINE 1: SELEC 1\n"
                    "        ^\n"
                    "DETAIL:  something  \n"
                    "\n";
  CAF_CHECK_EQUAL(one_line(err), "ERROR:  syntax error at or near \"SELEC\""
                                 " / LINE 1: SELEC 1 / DETAIL:  something");
}

CAF_TEST(leading blanks and carriage returns are trimmed) {
  CAF_CHECK_EQUAL(one_line("  a\r\n\tb \r\n"), "a / b");
  CAF_CHECK_EQUAL(one_line(""), "");
  CAF_CHECK_EQUAL(one_line("\n \n^\n"), "");
}
