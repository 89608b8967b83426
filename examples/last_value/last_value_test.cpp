#define CAF_SUITE examples.last_value

#include "examples/last_value/last_value_topic.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;
using sockd::test::leave_notices;

namespace {

struct fixture
  : sockd::test::topic_fixture<last_value_example::spawn_last_value_topic> {
  fixture() {
    join("a", "alice");
    join("b", "bob");
    frames("a");
    frames("b");
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(last_value_tests, fixture)

CAF_TEST(a joiner gets its ack) {
  CAF_CHECK_EQUAL(join("c", "carol"), true);
  CAF_CHECK_EQUAL(frames("c"),
                  std::vector<std::string>{
                    R"({"action":8,"topic":"chat:lobby"})"});
}

CAF_TEST(a join with recover or since gets the plain ack) {
  // A type without positions answers a positioned SUBSCRIBE like any
  // other: no `recovered` member, which a client reads as false
  // (docs/extending.md, "Positions and recovery"); its relays carry none.
  script->allowed.emplace("carol", name);
  auto& c = make_client("c", "carol");
  c.info.recovery = std::make_shared<const recovery_request>(
    recovery_request{true, "0123456789abcdef", 3});
  CAF_CHECK_EQUAL(sockd::test::ask<bool>(*this, topic, join_atom::value,
                                         c.info),
                  true);
  CAF_CHECK_EQUAL(frames("c"),
                  std::vector<std::string>{
                    R"({"action":8,"topic":"chat:lobby"})"});
  CAF_CHECK_EQUAL(publish("a", R"({"n":1})"), true);
  auto got = frames("c");
  auto plain = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got, plain);
}

CAF_TEST(a join the allowance refuses is forbidden) {
  auto& c = make_client("c", "carol");
  auto res = sockd::test::ask<bool>(*this, topic, join_atom::value, c.info);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::forbidden);
  CAF_CHECK(frames("c").empty());
}

CAF_TEST(a message reaches every member once and a late joiner gets it) {
  CAF_CHECK_EQUAL(publish("a", R"({"n":1})"), true);
  CAF_CHECK_EQUAL(publish("b", R"({"n":2})"), true);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(frames("b"), got);
  CAF_CHECK_EQUAL(field(got[0], "action"), 12);
  CAF_CHECK_EQUAL(field(got[0], "sender"), "a");
  CAF_CHECK_EQUAL(field(got[1], "payload", "n"), 2);
  CAF_CHECK_EQUAL(join("c", "carol"), true);
  auto late = frames("c");
  CAF_REQUIRE_EQUAL(late.size(), 2u);
  CAF_CHECK_EQUAL(field(late[0], "action"), 8);
  CAF_CHECK_EQUAL(late[1], got[1]);
}

CAF_TEST(a targeted message goes to target and sender and is not kept) {
  join("c", "carol");
  frames("c");
  CAF_CHECK_EQUAL(publish("a", R"({"n":1})"), true);
  CAF_CHECK_EQUAL(publish("a", R"({"to":"b"})", "b"), true);
  CAF_CHECK_EQUAL(frames("a").size(), 2u);
  CAF_CHECK_EQUAL(frames("b").size(), 2u);
  CAF_CHECK_EQUAL(frames("c").size(), 1u);
  auto res = publish("a", "1", "nobody");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::bad_target);
  join("d", "dora");
  auto late = frames("d");
  CAF_REQUIRE_EQUAL(late.size(), 2u);
  CAF_CHECK_EQUAL(field(late[1], "payload", "n"), 1);
}

CAF_TEST(store is refused and a non-member may not publish) {
  auto res = publish("a", "1", {}, true);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::bad_frame);
  CAF_CHECK(script->stored.empty());
  make_client("x", "xavier");
  res = publish("x", "1");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::not_subscribed);
  CAF_CHECK(frames("a").empty());
  CAF_CHECK(frames("b").empty());
}

CAF_TEST(a refused post answers the sender with an error frame) {
  self->send(topic, post_atom::value,
             publication{"12", "1", "nobody", false, "a", "alice"});
  settle();
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), "ERROR");
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "bad_target");
  CAF_CHECK(frames("b").empty());
}

CAF_TEST(the participant list goes to the requester) {
  auto res = sockd::test::ask<bool>(*this, topic, members_atom::value,
                                    std::string{"a"});
  CAF_CHECK_EQUAL(res, true);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 10);
  CAF_CHECK_EQUAL(field(got[0], "sender"), "a");
  CAF_CHECK_EQUAL(field(got[0], "payload").dump(),
                  R"({"alice":{"cids":["a"],"color":"","exists":true,)"
                  R"("name":"","online":true,"role":"","scid":"alice"},)"
                  R"("bob":{"cids":["b"],"color":"","exists":true,)"
                  R"("name":"","online":true,"role":"","scid":"bob"}})");
  CAF_CHECK(frames("b").empty());
}

CAF_TEST(leaving and disconnecting are seen by the others) {
  join("c", "carol");
  frames("c");
  auto res = sockd::test::ask<bool>(*this, topic, leave_atom::value,
                                    std::string{"b"});
  CAF_CHECK_EQUAL(res, true);
  CAF_CHECK_EQUAL(leave_notices(frames("a")), string_list{"bob:b"});
  CAF_CHECK_EQUAL(leave_notices(frames("c")), string_list{"bob:b"});
  CAF_CHECK(frames("b").empty());
  caf::anon_send_exit(clients["c"].peer, caf::exit_reason::user_shutdown);
  settle();
  auto got = frames("a");
  CAF_CHECK_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(leave_notices(got), string_list{"carol:c"});
}

CAF_TEST(the topic stops when its last member leaves) {
  for (auto cid : {"a", "b"})
    sockd::test::ask<bool>(*this, topic, leave_atom::value, std::string{cid});
  auto res = join("c", "carol");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(res.error(), caf::sec::request_receiver_down);
}

CAF_TEST_FIXTURE_SCOPE_END()
