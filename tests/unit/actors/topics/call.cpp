#define CAF_SUITE actors.topics.call

#include "actors/topics/call.hpp"

#include "tests/unit/fixtures.hpp"

using namespace sockd;
using sockd::test::ask;
using sockd::test::field;

namespace {

struct call_fixture : sockd::test::topic_fixture<spawn_call_topic> {
  call_fixture() {
    join("a", "alice");
    join("b", "bob");
    join("c", "carol");
    for (auto cid : {"a", "b", "c"})
      frames(cid);
  }

  caf::expected<bool> send(const std::string& cid, const char* action,
                           std::string payload, std::string target = {}) {
    return publish(cid, std::move(payload), std::move(target), false, action);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(call_tests, call_fixture)

CAF_TEST(rtc with a target goes to the target alone) {
  CAF_CHECK_EQUAL(send("a", "13", R"({"target":"b","sdp":"offer"})", "b"),
                  true);
  CAF_CHECK(frames("a").empty());
  CAF_CHECK_EQUAL(frames("b").size(), 1u);
  CAF_CHECK(frames("c").empty());
}

CAF_TEST(start stream with a target goes to the target alone) {
  send("a", "1", R"({"target":"c"})", "c");
  CAF_CHECK(frames("a").empty());
  CAF_CHECK(frames("b").empty());
  CAF_CHECK_EQUAL(frames("c").size(), 1u);
}

CAF_TEST(other actions with a target keep the default route) {
  send("a", "12", R"({"target":"b"})", "b");
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
  CAF_CHECK_EQUAL(frames("b").size(), 1u);
  CAF_CHECK(frames("c").empty());
}

CAF_TEST(a new member gets the start stream of every streaming member) {
  send("a", "1", R"({"video":true})");
  send("b", "1", R"({"video":false})");
  send("b", "2", "null"); // b stops again
  send("c", "1", "{}");
  frames("a");
  join("d", "dave");
  auto got = frames("d");
  CAF_REQUIRE_EQUAL(got.size(), 3u); // ack, then a's and c's start
  CAF_CHECK_EQUAL(field(got[0], "action"), 8);
  std::set<std::string> senders{field(got[1], "sender").get<std::string>(),
                                field(got[2], "sender").get<std::string>()};
  CAF_CHECK_EQUAL(senders, (std::set<std::string>{"a", "c"}));
  CAF_CHECK_EQUAL(field(got[1], "action"), 1);
}

CAF_TEST(a member who leaves stops streaming and peers are told) {
  send("a", "1", "{}");
  ask<bool>(*this, topic, leave_atom::value, std::string{"a"});
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 2u); // a's start, then the leave notice
  CAF_CHECK_EQUAL(field(got[1], "action"), 4);
  CAF_CHECK_EQUAL(field(got[1], "payload"), "alice:a");
  join("d", "dave");
  CAF_CHECK_EQUAL(frames("d").size(), 1u); // only the ack
}

CAF_TEST_FIXTURE_SCOPE_END()
