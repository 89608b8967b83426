#define CAF_SUITE actors.topic

#include "actors/topic.hpp"
#include "actors/topic_type.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

#include <nlohmann/json.hpp>

using namespace sockd;
using sockd::test::ask;
using sockd::test::field;
using sockd::test::recorder;
using json = nlohmann::json;

namespace {

using topic_fixture = sockd::test::topic_fixture<spawn_relay_topic>;

errc code_of(const caf::expected<bool>& x) {
  return x ? errc::none : to_errc(x.error());
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(topic_tests, topic_fixture)

CAF_TEST(an allowed join is acknowledged with action 8) {
  CAF_CHECK_EQUAL(join("a", "alice"), true);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"({"action":8,"topic":"chat:lobby"})");
}

CAF_TEST(a denied join is forbidden and sends nothing) {
  join("b", "bob"); // keeps the topic alive after the denial
  auto& c = make_client("a", "mallory");
  auto res = ask<bool>(*this, topic, join_atom::value, c.info);
  CAF_CHECK_EQUAL(code_of(res), errc::forbidden);
  CAF_CHECK(frames("a").empty());
  // Not a member: publishing is refused.
  CAF_CHECK_EQUAL(code_of(publish("a", "1")), errc::not_subscribed);
}

CAF_TEST(a join while the database is down is unavailable) {
  script->down = true;
  CAF_CHECK_EQUAL(code_of(join("a", "alice")), errc::unavailable);
}

CAF_TEST(joining twice keeps one membership and acks twice) {
  join("a", "alice");
  join("a", "alice");
  CAF_CHECK_EQUAL(frames("a").size(), 2u);
  publish("a", R"({"n":1})");
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
}

CAF_TEST(a relay reaches every member with the sender stamped) {
  join("a", "alice");
  join("b", "bob");
  join("c", "carol");
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  CAF_CHECK_EQUAL(publish("b", R"({"message":"hi"})"), true);
  auto got_a = frames("a");
  CAF_REQUIRE_EQUAL(got_a.size(), 1u);
  CAF_CHECK_EQUAL(frames("b"), got_a);
  CAF_CHECK_EQUAL(frames("c"), got_a);
  auto frame = json::parse(got_a[0]);
  CAF_CHECK_EQUAL(frame["action"], 12);
  CAF_CHECK_EQUAL(frame["topic"], "chat:lobby");
  CAF_CHECK_EQUAL(frame["sender"], "b");
  CAF_CHECK_EQUAL(frame["payload"]["message"], "hi");
  CAF_CHECK_EQUAL(frame.count("store"), 0u);
  CAF_CHECK_EQUAL(frame["timestamp"].get<std::string>().size(), 24u);
}

CAF_TEST(every member sees the same order) {
  join("a", "alice");
  join("b", "bob");
  join("c", "carol");
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  for (int i = 0; i < 50; ++i) {
    publication msg{"12", std::to_string(i), {}, false, i % 2 ? "a" : "b",
              i % 2 ? "alice" : "bob"};
    self->send(topic, publish_atom::value, std::move(msg));
  }
  settle();
  auto got = frames("c");
  CAF_REQUIRE_EQUAL(got.size(), 50u);
  CAF_CHECK_EQUAL(frames("a"), got);
  CAF_CHECK_EQUAL(frames("b"), got);
  for (int i = 0; i < 50; ++i)
    CAF_CHECK_EQUAL(field(got[i], "payload"), i);
}

CAF_TEST(a post reaches every member and answers nobody) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  self->send(topic, post_atom::value,
             publication{"12", R"({"m":1})", {}, false, "a", "alice"});
  settle();
  auto got_b = frames("b");
  CAF_REQUIRE_EQUAL(got_b.size(), 1u);
  CAF_CHECK_EQUAL(frames("a"), got_b);
  CAF_CHECK_EQUAL(field(got_b[0], "sender"), "a");
  CAF_CHECK_EQUAL(field(got_b[0], "payload", "m"), 1);
  bool answered = false;
  self->receive([&](bool) { answered = true; },
                caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(!answered);
}

CAF_TEST(a refused post is told to the socket of its sender only) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  self->send(topic, post_atom::value,
             publication{"\"normal-message\"", "{}", "ghost", false, "a", "alice"});
  settle();
  auto got_a = frames("a");
  CAF_REQUIRE_EQUAL(got_a.size(), 1u);
  CAF_CHECK_EQUAL(got_a[0],
                  R"({"action":"ERROR","topic":"chat:lobby","payload":)"
                  R"({"code":"bad_target","message":"target is not a )"
                  R"(connection in this topic","request":"normal-message"}})");
  CAF_CHECK(frames("b").empty());
}

CAF_TEST(a post behind an uncommitted store keeps its place) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  self->send(topic, publish_atom::value,
             publication{"12", "1", {}, true, "a", "alice"});
  self->send(topic, post_atom::value, publication{"12", "2", {}, false, "a", "alice"});
  settle();
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(field(got[0], "payload"), 1);
  CAF_CHECK_EQUAL(field(got[1], "payload"), 2);
  CAF_CHECK_EQUAL(script->stored.size(), 1u);
}

CAF_TEST(a burst of broadcasts starts one write per socket) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  auto flushes_before = clients["b"].out->flushes;
  for (int i = 0; i < 20; ++i)
    self->send(topic, publish_atom::value,
               publication{"12", std::to_string(i), {}, false, "a", "alice"});
  settle();
  // All 20 were queued before the topic's own flush message came up.
  CAF_CHECK_EQUAL(clients["b"].out->flushes, flushes_before + 1);
  CAF_CHECK_EQUAL(frames("b").size(), 20u);
  CAF_CHECK(clients["b"].out->waiting.empty());
}

CAF_TEST(a topic that stops with writes queued still starts them) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  self->monitor(topic);
  // The publish queues to both sockets; both leave before the topic's
  // flush message comes up, so the topic stops first.
  self->send(topic, publish_atom::value,
             publication{"12", "1", {}, false, "a", "alice"});
  self->send(topic, leave_atom::value, std::string{"a"});
  self->send(topic, leave_atom::value, std::string{"b"});
  settle();
  bool stopped = false;
  // Three answers (publish, two leaves), then the down message.
  for (int i = 0; i < 4; ++i)
    self->receive(
      [&](caf::down_msg& msg) { stopped = msg.source == topic.address(); },
      [&](bool) {}, caf::after(std::chrono::seconds(0)) >> [] {});
  CAF_CHECK(stopped);
  auto got_b = frames("b");
  CAF_REQUIRE_EQUAL(got_b.size(), 2u); // the relay and a's leave notice
  CAF_CHECK_EQUAL(field(got_b[0], "payload"), 1);
  CAF_CHECK_EQUAL(field(got_b[1], "action"), 4);
  CAF_CHECK(clients["b"].out->waiting.empty());
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
  CAF_CHECK(clients["a"].out->waiting.empty());
}

CAF_TEST(a target gets the relay with the sender and nobody else) {
  join("a", "alice");
  join("b", "bob");
  join("c", "carol");
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  CAF_CHECK_EQUAL(publish("a", R"({"target":"c","sdp":"x"})", "c"), true);
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
  CAF_CHECK_EQUAL(frames("b").size(), 0u);
  CAF_CHECK_EQUAL(frames("c").size(), 1u);
  CAF_CHECK_EQUAL(code_of(publish("a", R"({"target":"zz"})", "zz")),
                  errc::bad_target);
  for (auto cid : {"a", "b", "c"})
    CAF_CHECK(frames(cid).empty());
}

CAF_TEST(leaving tells the others with action 4) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  CAF_CHECK_EQUAL(ask<bool>(*this, topic, leave_atom::value, std::string{"b"}),
                  true);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"({"action":4,"topic":"chat:lobby",)"
                          R"("sender":"bob:b","payload":"bob:b"})");
  CAF_CHECK(frames("b").empty());
  auto again = ask<bool>(*this, topic, leave_atom::value, std::string{"b"});
  CAF_CHECK_EQUAL(code_of(again), errc::not_subscribed);
}

CAF_TEST(a dead connection leaves like an unsubscribe) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  caf::anon_send_exit(clients["b"].peer, caf::exit_reason::user_shutdown);
  settle();
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 4);
  CAF_CHECK_EQUAL(field(got[0], "payload"), "bob:b");
}

CAF_TEST(the topic stops when its last member leaves) {
  join("a", "alice");
  self->monitor(topic);
  ask<bool>(*this, topic, leave_atom::value, std::string{"a"});
  bool stopped = false;
  self->receive([&](caf::down_msg& msg) {
    stopped = msg.source == topic.address();
  });
  CAF_CHECK(stopped);
}

CAF_TEST(stored relays wait for their commit and keep their order) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  publication first{"12", "1", {}, true, "a", "alice"};
  publication second{"12", "2", {}, false, "a", "alice"};
  self->send(topic, publish_atom::value, first);
  self->send(topic, publish_atom::value, second);
  settle();
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(field(got[0], "payload"), 1);
  CAF_CHECK_EQUAL(field(got[0], "store"), true);
  CAF_CHECK_EQUAL(field(got[1], "payload"), 2);
  CAF_REQUIRE_EQUAL(script->stored.size(), 1u);
  auto row = json::parse(script->stored[0].frame);
  CAF_CHECK_EQUAL(row["historical"], true);
  CAF_CHECK_EQUAL(row["store"], false);
  CAF_CHECK_EQUAL(row["timestamp"], field(got[0], "timestamp"));
  CAF_CHECK_EQUAL(script->stored[0].sub, "alice");
  CAF_CHECK_EQUAL(script->stored[0].cid, "a");
}

CAF_TEST(a failed store drops its message and answers unavailable) {
  join("a", "alice");
  join("b", "bob");
  frames("b");
  script->fail_stores = true;
  CAF_CHECK_EQUAL(code_of(publish("a", "1", {}, true)), errc::unavailable);
  CAF_CHECK_EQUAL(publish("a", "2"), true);
  auto got = frames("b");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload"), 2);
}

CAF_TEST(a topic that nobody joins stops after the spawn grace) {
  auto leave = [&] {
    return code_of(ask<bool>(*this, topic, leave_atom::value,
                             std::string{"nobody"}));
  };
  settle(); // the topic starts (and sets its timer) when it first runs
  pass(spawn_grace - std::chrono::seconds(1));
  CAF_CHECK_EQUAL(leave(), errc::not_subscribed); // still there
  pass(std::chrono::seconds(1));
  CAF_CHECK_EQUAL(leave(), errc::unavailable); // gone: receiver down
}

CAF_TEST(a joined topic outlives the spawn grace) {
  join("a", "alice");
  pass(spawn_grace * 2);
  CAF_CHECK_EQUAL(publish("a", "1"), true);
}

CAF_TEST_FIXTURE_SCOPE_END()
