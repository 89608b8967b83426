#define CAF_SUITE examples.poll

#include "examples/poll/poll_topic.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;

namespace {

struct poll_fixture
  : sockd::test::topic_fixture<poll_example::spawn_poll_topic> {
  poll_fixture() {
    join("a", "alice");
    join("b", "bob");
    frames("a");
    frames("b");
  }

  caf::expected<bool> vote(const std::string& cid, const std::string& body) {
    return publish(cid, body, {}, false, R"("vote")");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(poll_tests, poll_fixture)

CAF_TEST(a vote is not relayed and everyone gets the tally) {
  CAF_CHECK_EQUAL(vote("a", R"({"choice":"pizza"})"), true);
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), "tally");
  CAF_CHECK_EQUAL(field(got[0], "payload").dump(),
                  R"({"counts":{"pizza":1},"votes":1})");
  CAF_CHECK_EQUAL(frames("a"), got);
}

CAF_TEST(voting again moves the vote) {
  vote("a", R"({"choice":"pizza"})");
  vote("b", R"({"choice":"pizza"})");
  vote("a", R"({"choice":"soup"})");
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(field(got[2], "payload").dump(),
                  R"({"counts":{"pizza":1,"soup":1},"votes":2})");
}

CAF_TEST(a vote without a string choice is refused) {
  auto res = vote("a", R"({"choice":3})");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::bad_frame);
  CAF_CHECK(frames("b").empty());
}

CAF_TEST(a new member gets the current tally after its ack) {
  vote("a", R"({"choice":"pizza"})");
  join("c", "carol");
  auto got = frames("c");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 8);
  CAF_CHECK_EQUAL(field(got[1], "action"), "tally");
}

CAF_TEST(other actions are relayed as usual) {
  CAF_CHECK_EQUAL(publish("a", R"({"message":"hi"})"), true);
  CAF_CHECK_EQUAL(frames("b").size(), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
