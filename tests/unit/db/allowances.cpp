#define CAF_SUITE db.allowances
#include <caf/test/unit_test.hpp>

#include <map>
#include <string>

#include "db/allowances.hpp"

using namespace sockd;
using namespace sockd::db;

namespace {

using verdict = allowance_table::verdict;

allowance_table::entry query(std::string statement) {
  return {verdict::query, std::move(statement)};
}

/// The statement lookup() picks for `type`, "deny" or "broken".
std::string resolved(const allowance_table& table, const std::string& type) {
  auto e = table.lookup(type);
  switch (e.kind) {
    case verdict::deny:
      return "deny";
    case verdict::broken:
      return "broken";
    default:
      return e.statement;
  }
}

} // namespace

CAF_TEST(the exact type wins over every pattern) {
  allowance_table table{{{"chat", query("exact")},
                         {"chat*", query("chat-prefix")},
                         {"ch*", query("short")},
                         {"*", query("any")}}};
  CAF_CHECK_EQUAL(resolved(table, "chat"), "exact");
}

CAF_TEST(the longest matching prefix pattern wins) {
  allowance_table table{{{"poll/*", query("poll")},
                         {"poll/private/*", query("private")},
                         {"*", query("any")}}};
  CAF_CHECK_EQUAL(resolved(table, "poll/private/x"), "private");
  CAF_CHECK_EQUAL(resolved(table, "poll/open"), "poll");
  CAF_CHECK_EQUAL(resolved(table, "chat"), "any");
}

CAF_TEST(an empty query denies its type even where a pattern allows) {
  allowance_table table{{{"secret", {verdict::deny, {}}},
                         {"*", query("any")}}};
  CAF_CHECK_EQUAL(resolved(table, "secret"), "deny");
  CAF_CHECK_EQUAL(resolved(table, "public"), "any");
}

CAF_TEST(a type no rule matches is denied) {
  allowance_table table{{{"poll/*", query("poll")}, {"chat", query("chat")}}};
  CAF_CHECK_EQUAL(resolved(table, "chatroom"), "deny");
  CAF_CHECK_EQUAL(resolved(table, "poll"), "deny"); // "poll/" is the prefix
  CAF_CHECK_EQUAL(resolved(allowance_table{}, "chat"), "deny");
}

CAF_TEST(a broken query answers broken for its types) {
  allowance_table table{{{"bad/*", {verdict::broken, {}}},
                         {"*", query("any")}}};
  CAF_CHECK_EQUAL(resolved(table, "bad/x"), "broken");
  CAF_CHECK_EQUAL(resolved(table, "good"), "any");
}

CAF_TEST(the defaults cover every type and exchange 0 to 2) {
  auto rules = default_allowances("s", false);
  CAF_CHECK_EQUAL(rules.size(), 4u);
  CAF_REQUIRE_EQUAL(rules.count("*"), 1u);
  for (auto type : {"exchange/0", "exchange/1", "exchange/2"}) {
    CAF_REQUIRE_EQUAL(rules.count(type), 1u);
    // Without Awayto's tables the exchange types use topic_allowances too.
    CAF_CHECK_EQUAL(rules[type], rules["*"]);
  }
  CAF_CHECK(rules["*"].find("\"s\".topic_allowances") != std::string::npos);
  auto awayto = default_allowances("s", true);
  CAF_CHECK(awayto["exchange/1"].find("\"s\".bookings") != std::string::npos);
  CAF_CHECK_EQUAL(awayto["*"], rules["*"]);
}

CAF_TEST(a configured type replaces the default of that type only) {
  std::map<std::string, std::string> configured{{"exchange/1", "SELECT true"},
                                                {"chat", ""}};
  auto rules = effective_allowances(configured, "s", false);
  auto defaults = default_allowances("s", false);
  CAF_CHECK_EQUAL(rules.size(), 5u);
  CAF_CHECK_EQUAL(rules["exchange/1"], "SELECT true");
  CAF_CHECK_EQUAL(rules["chat"], "");
  CAF_CHECK_EQUAL(rules["exchange/0"], defaults["exchange/0"]);
  CAF_CHECK_EQUAL(rules["*"], defaults["*"]);
}
