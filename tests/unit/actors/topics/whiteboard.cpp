#define CAF_SUITE actors.topics.whiteboard

#include "actors/topics/whiteboard.hpp"

#include "tests/unit/fixtures.hpp"

using namespace sockd;
using sockd::test::field;

namespace {

struct whiteboard_fixture
  : sockd::test::topic_fixture<spawn_whiteboard_topic> {
  whiteboard_fixture() {
    join("a", "alice");
    frames("a");
  }

  void draw(const char* action, std::string payload) {
    CAF_REQUIRE_EQUAL(publish("a", std::move(payload), {}, false, action),
                      true);
  }

  // What a late joiner gets after its ack, as (action, payload) text.
  std::vector<std::string> late_join(const std::string& cid) {
    join(cid, cid);
    auto got = frames(cid);
    std::vector<std::string> result;
    for (size_t i = 1; i < got.size(); ++i)
      result.push_back(field(got[i], "action").dump() + " "
                       + field(got[i], "payload").dump());
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(whiteboard_tests, whiteboard_fixture)

CAF_TEST(an empty board sends only the ack) {
  CAF_CHECK(late_join("b").empty());
}

CAF_TEST(a late joiner gets settings and lines in order) {
  draw("16", R"({"scale":2})");
  draw("18", R"({"lines":[1]})");
  draw("17", R"({"stroke":"red"})");
  draw("18", R"({"lines":[2]})");
  draw("16", R"({"scale":3})"); // replaces the first scale
  draw("12", R"({"message":"chat is not board state"})");
  CAF_CHECK_EQUAL(late_join("b"),
                  (std::vector<std::string>{
                    R"(18 {"lines":[1]})", R"(17 {"stroke":"red"})",
                    R"(18 {"lines":[2]})", R"(16 {"scale":3})"}));
}

CAF_TEST(a page change starts the lines afresh) {
  draw("18", R"({"lines":[1]})");
  draw("15", R"({"page":2})");
  draw("18", R"({"lines":[2]})");
  CAF_CHECK_EQUAL(late_join("b"),
                  (std::vector<std::string>{R"(15 {"page":2})",
                                            R"(18 {"lines":[2]})"}));
}

CAF_TEST(lines are bounded in bytes and the oldest go first) {
  auto line = std::string(300 * 1024, 'x');
  for (int i = 0; i < 5; ++i)
    draw("18", R"({"n":)" + std::to_string(i) + R"(,"pad":")" + line + "\"}");
  auto got = late_join("b");
  CAF_REQUIRE_EQUAL(got.size(), 3u); // 3 x 300 KiB fit in 1 MiB
  CAF_CHECK_EQUAL(got[0].substr(0, 10), R"(18 {"n":2,)");
}

CAF_TEST(targeted messages are not board state) {
  join("b", "b");
  frames("b");
  CAF_CHECK_EQUAL(publish("a", R"({"target":"b","scale":9})", "b", false,
                          "16"),
                  true);
  CAF_CHECK(late_join("c").empty());
}

CAF_TEST_FIXTURE_SCOPE_END()
