#define CAF_SUITE protocol.json_scan

#include "protocol/json_scan.hpp"

#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <vector>

using namespace sockd::protocol::json_scan;

namespace {

struct recorded : member_sink {
  std::vector<std::string> seen;

  void member(std::string_view parent, std::string_view key,
              std::string_view value) override {
    seen.push_back(std::string{parent} + "/" + std::string{key} + "="
                   + std::string{value});
  }
};

bool ok(std::string_view text, int depth = 64) {
  return check(text, depth, nullptr) == verdict::ok;
}

} // namespace

CAF_TEST(agrees with nlohmann on what is json) {
  // 1e999 aside (nlohmann refuses a float it cannot hold; the scanner keeps
  // numbers as text, so any RFC 8259 number passes).
  std::vector<std::string> docs = {
    "0", "-0", "1.5", "-1.5e-7", "1E+2", "01", "1.", ".1", "-", "+1", "1e",
    "true", "false", "null", "nul", "truex", "\"\"", "\"a\\u00e9\"",
    "\"\\ud83d\\ude00\"", "\"\\ud83d\"", "\"\\ude00\"", "\"\\q\"", "\"\x01\"",
    "\"\xc3\xa9\"", "\"\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
    "\"\xe0\x9f\xbf\"", "\"\xf0\x8f\xbf\xbf\"", "[]", "{}", "[1,2]", "[1,]",
    "[,1]", "{\"a\":1}", "{\"a\":}", "{\"a\" 1}", "{1:1}", "{\"a\":1,}",
    "[1 2]", " [ 1 , { \"x\" : [ ] } ] ", "[", "]", "{", "}", "", " ", "[1]]",
    "[1]x", "\xef\xbb\xbf[1]", "[\"a\\/b\"]", "[\"\\u0000\"]", "[\"\\uDBFF\\uDFFF\"]",
    "{\"a\":{\"b\":[{\"c\":null}]}}", "[true,false,null,-1,0.0]", "\t\n\r[]\n",
  };
  for (auto& doc : docs) {
    CAF_MESSAGE("document: " << doc);
    CAF_CHECK_EQUAL(ok(doc), nlohmann::json::accept(doc));
  }
}

CAF_TEST(depth counts containers) {
  CAF_CHECK(ok("1", 0));
  CAF_CHECK(!ok("[]", 0));
  CAF_CHECK(ok("[[]]", 2));
  CAF_CHECK(check("[[[]]]", 2, nullptr) == verdict::too_deep);
  CAF_CHECK(check("[{\"a\":[]}]", 2, nullptr) == verdict::too_deep);
  CAF_CHECK(ok(std::string(deepest, '[') + std::string(deepest, ']'),
               deepest));
  // A limit above what the stack holds is clamped, never overrun.
  CAF_CHECK(check(std::string(deepest + 1, '['), deepest * 4, nullptr)
            == verdict::too_deep);
  CAF_CHECK(check(std::string(1000000, '['), 64, nullptr) == verdict::too_deep);
}

CAF_TEST(members of the two outer levels are reported as spans) {
  recorded r;
  bool object = false;
  auto text = R"( { "a" : 1 , "p" : { "t" : "x" , "d" : { "z" : 2 } } ,)"
              R"( "l" : [ { "q" : 3 } ] } )";
  CAF_REQUIRE(check(text, 64, &r, &object) == verdict::ok);
  CAF_CHECK(object);
  CAF_CHECK_EQUAL(r.seen, (std::vector<std::string>{
                            R"(/"a"=1)",
                            R"("p"/"t"="x")",
                            R"("p"/"d"={ "z" : 2 })",
                            R"(/"p"={ "t" : "x" , "d" : { "z" : 2 } })",
                            R"(/"l"=[ { "q" : 3 } ])",
                          }));
  recorded none;
  CAF_CHECK(check(R"([{"a":1}])", 64, &none, &object) == verdict::ok);
  CAF_CHECK(!object);
  CAF_CHECK(none.seen.empty());
}

CAF_TEST(skim reports top level members without checking them) {
  recorded r;
  CAF_CHECK(skim(R"({"a":[1,"]",{"b":"}"}],"b":"x\"y","c":tru})", r));
  CAF_CHECK_EQUAL(r.seen, (std::vector<std::string>{
                            R"(/"a"=[1,"]",{"b":"}"}])", R"(/"b"="x\"y")",
                            R"(/"c"=tru)"}));
  recorded partial;
  CAF_CHECK(!skim(R"({"a":1,"b":[)", partial));
  CAF_CHECK_EQUAL(partial.seen.size(), 1u);
  recorded unterminated;
  CAF_CHECK(!skim(R"({"a":"x\)", unterminated));
  CAF_CHECK(!skim("[]", unterminated));
  CAF_CHECK(!skim("{} x", unterminated));
  CAF_CHECK(skim(" {} ", unterminated));
}

CAF_TEST(strings and integers decode) {
  CAF_CHECK_EQUAL(unquote(R"("a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00")"),
                  "a\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x98\x80");
  CAF_CHECK_EQUAL(unquote(R"("plain")"), "plain");
  CAF_CHECK(equals(R"("\u0069d")", "id"));
  CAF_CHECK(!equals(R"("idx")", "id"));
  auto min = integer("-9223372036854775808");
  CAF_REQUIRE(min.has_value());
  CAF_CHECK(*min == std::numeric_limits<int64_t>::min());
  CAF_CHECK(!integer("-9223372036854775809"));
  CAF_CHECK(integer("18446744073709551615"));
  CAF_CHECK(!integer("18446744073709551616"));
  CAF_CHECK(!integer("1.0"));
  CAF_CHECK(!integer(""));
  CAF_CHECK(valid_utf8("a\xc3\xa9\xf4\x8f\xbf\xbf"));
  CAF_CHECK(!valid_utf8("\xed\xbf\xbf"));
}
