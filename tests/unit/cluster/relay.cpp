#define CAF_SUITE cluster.relay

#include "tests/unit/cluster/fixture.hpp"

#include "actors/fanout_stats.hpp"
#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;
using json = nlohmann::json;

namespace {

struct fixture : sockd::test::cluster_fixture {
  fixture() {
    start_all();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(relay_tests, fixture)

CAF_TEST(three nodes see each other) {
  for (auto& name : all_nodes)
    CAF_CHECK_EQUAL(live_nodes(name), all_nodes);
}

CAF_TEST(a join is acknowledged through the relay) {
  auto topic = topic_owned_by("mars", all_nodes);
  connect("earth", "e1", "erin");
  CAF_CHECK_EQUAL(join("e1", topic), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"({"action":8,"topic":")" + topic + R"("})");
}

CAF_TEST(a denied join is forbidden on any node) {
  auto topic = topic_owned_by("jupiter", all_nodes);
  connect("earth", "e1", "erin");
  auto t = lookup("earth", topic);
  CAF_REQUIRE(t);
  auto res = ask<bool>("earth", *t, join_atom::value, clients["e1"].info);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::forbidden);
  CAF_CHECK(frames("e1").empty());
}

CAF_TEST(a broadcast reaches every node in one order) {
  for (auto& owner : all_nodes) {
    auto topic = topic_owned_by(owner, all_nodes);
    CAF_MESSAGE("owner " << owner << ", topic " << topic);
    clients.clear();
    members_everywhere(topic);
    auto got = publish_in_turn(topic);
    CAF_REQUIRE_EQUAL(got.size(), 3u);
    CAF_CHECK_EQUAL(frames("m1"), got);
    CAF_CHECK_EQUAL(frames("j1"), got);
    CAF_CHECK_EQUAL(field(got[0], "sender"), "m1");
    CAF_CHECK_EQUAL(field(got[1], "sender"), "j1");
    CAF_CHECK_EQUAL(field(got[2], "payload", "n"), 3);
    for (auto cid : {"e1", "m1", "j1"})
      leave(cid, topic);
  }
}

CAF_TEST(a broadcast costs one message per other node with members) {
  auto topic = topic_owned_by("earth", all_nodes);
  members_everywhere(topic);
  // More members on mars: still one message to mars.
  connect("mars", "m2", "mona");
  connect("mars", "m3", "milo");
  join("m2", topic);
  join("m3", topic);
  for (auto cid : {"e1", "m1", "m2", "m3", "j1"})
    frames(cid);
  auto before = fanout_stats();
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"n":1})"), true);
  auto after = fanout_stats();
  CAF_CHECK_EQUAL(after.broadcasts - before.broadcasts, 1u);
  CAF_CHECK_EQUAL(after.cross_node_messages - before.cross_node_messages, 2u);
  for (auto cid : {"e1", "m1", "m2", "m3", "j1"})
    CAF_CHECK_EQUAL(frames(cid).size(), 1u);
}

CAF_TEST(a target on another node gets the message with the sender) {
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"target":"j1"})", "j1"), true);
  CAF_CHECK_EQUAL(frames("e1").size(), 1u);
  CAF_CHECK_EQUAL(frames("j1").size(), 1u);
  CAF_CHECK(frames("m1").empty());
  auto res = publish("e1", topic, R"({"target":"nobody"})", "nobody");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::bad_target);
}

CAF_TEST(a late joiner on another node gets the whiteboard as one backlog) {
  auto topic = topic_owned_by("mars", all_nodes, "exchange/2");
  connect("mars", "m1", "mona");
  CAF_REQUIRE_EQUAL(join("m1", topic), true);
  for (auto n : {1, 2, 3})
    CAF_CHECK_EQUAL(publish("m1", topic,
                            R"({"line":)" + std::to_string(n) + "}", {}, "18"),
                    true);
  connect("earth", "e1", "erin");
  CAF_REQUIRE_EQUAL(join("e1", topic), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 4u);
  CAF_CHECK_EQUAL(got[0], R"({"action":8,"topic":")" + topic + R"("})");
  for (size_t n = 1; n <= 3; ++n)
    CAF_CHECK_EQUAL(field(got[n], "payload", "line"), n);
  auto& out = *clients.at("e1").out;
  CAF_CHECK_EQUAL(out.backlogs, std::vector<size_t>{3});
}

CAF_TEST(presence lists members of every node) {
  auto topic = topic_owned_by("jupiter", all_nodes);
  members_everywhere(topic);
  CAF_CHECK_EQUAL(members("m1", topic), true);
  for (auto cid : {"e1", "m1", "j1"}) {
    auto got = frames(cid);
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    auto payload = json::parse(got[0])["payload"];
    for (auto sub : {"erin", "mark", "jade"})
      CAF_CHECK_EQUAL(payload[sub]["online"], true);
  }
}

CAF_TEST(leaving on one node notifies the others) {
  auto topic = topic_owned_by("earth", all_nodes);
  members_everywhere(topic);
  CAF_CHECK_EQUAL(leave("j1", topic), true);
  for (auto cid : {"e1", "m1"}) {
    auto got = frames(cid);
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(field(got[0], "action"), 4);
    CAF_CHECK_EQUAL(field(got[0], "payload"), "jade:j1");
  }
  CAF_CHECK(frames("j1").empty());
  // Publishing after leaving is refused.
  auto res = publish("j1", topic, "1");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::not_subscribed);
}

CAF_TEST(a disconnect on one node notifies the others) {
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  caf::anon_send_exit(clients["e1"].peer, caf::exit_reason::user_shutdown);
  settle();
  for (auto cid : {"m1", "j1"}) {
    auto got = frames(cid);
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(field(got[0], "payload"), "erin:e1");
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
