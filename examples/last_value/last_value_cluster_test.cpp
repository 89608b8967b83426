// The from-scratch type in a cluster: three simulated nodes on CAF's test
// multiplexer (tests/unit/cluster/fixture.hpp), real BASP between them.
// Every member joins through its node's relay, so the owner topic sees only
// join(remote_member); a failover adds join(remote_member_list) and a new
// node detach.
#define CAF_SUITE examples.last_value_cluster

#include "examples/last_value/last_value_topic.hpp"

#include <algorithm>

#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;
using sockd::test::leave_notices;

namespace {

struct fixture : sockd::test::cluster_fixture {
  fixture() {
    types->add("last/*", last_value_example::spawn_last_value_topic);
  }

  // A `last/prices` topic that `owner` owns among `names`.
  static std::string last_topic(const std::string& owner,
                                const std::vector<std::string>& names) {
    return topic_owned_by(owner, names, "last/prices");
  }

  // e1 (earth), m1 and m2 (mars: two members behind one relay), j1
  // (jupiter) in `topic`; their frames so far are dropped.
  void join_everywhere(const std::string& topic) {
    members_everywhere(topic);
    connect("mars", "m2", "mona");
    CAF_REQUIRE_EQUAL(join("m2", topic), true);
    for (auto cid : {"e1", "m1", "m2", "j1"})
      frames(cid);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(last_value_cluster_tests, fixture)

CAF_TEST(members on every node get every message once in one order) {
  start_all();
  for (auto& owner : all_nodes) {
    auto topic = last_topic(owner, all_nodes);
    CAF_MESSAGE("owner " << owner << ", topic " << topic);
    clients.clear();
    join_everywhere(topic);
    auto got = publish_in_turn(topic);
    CAF_REQUIRE_EQUAL(got.size(), 3u);
    for (auto cid : {"m1", "m2", "j1"})
      CAF_CHECK_EQUAL(frames(cid), got);
    CAF_CHECK_EQUAL(field(got[0], "sender"), "m1");
    CAF_CHECK_EQUAL(field(got[1], "sender"), "j1");
    CAF_CHECK_EQUAL(field(got[2], "sender"), "e1");
    for (size_t n = 0; n < got.size(); ++n) {
      CAF_CHECK_EQUAL(field(got[n], "topic"), topic);
      CAF_CHECK_EQUAL(field(got[n], "payload", "n"), n + 1);
    }
    for (auto cid : {"e1", "m1", "m2", "j1"})
      CAF_CHECK_EQUAL(leave(cid, topic), true);
  }
}

CAF_TEST(the owner is the from-scratch type on every node) {
  start_all();
  auto topic = last_topic("jupiter", all_nodes);
  join_everywhere(topic);
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"n":1})"), true);
  for (auto cid : {"e1", "m1", "m2", "j1"})
    frames(cid);
  // A late joiner on a node that is not the owner's gets its ack through
  // the relay, then the last value: the base topic sends neither.
  connect("earth", "e2", "enzo");
  CAF_REQUIRE_EQUAL(join("e2", topic), true);
  auto late = frames("e2");
  CAF_REQUIRE_EQUAL(late.size(), 2u);
  CAF_CHECK_EQUAL(late[0], R"({"action":8,"topic":")" + topic + R"("})");
  CAF_CHECK_EQUAL(field(late[1], "payload", "n"), 1);
  // It stores nothing, and says so.
  auto t = lookup("mars", topic);
  CAF_REQUIRE(t);
  publication stored{"12", "1", {}, true, "m1", "mark"};
  auto res = ask<bool>("mars", *t, publish_atom::value, stored);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::bad_frame);
  CAF_CHECK(script->stored.empty());
}

CAF_TEST(the allowance decides on every node) {
  start_all();
  auto topic = last_topic("mars", all_nodes);
  connect("jupiter", "j1", "jade");
  auto t = lookup("jupiter", topic);
  CAF_REQUIRE(t);
  auto res = ask<bool>("jupiter", *t, join_atom::value, clients["j1"].info);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::forbidden);
  CAF_CHECK(frames("j1").empty());
}

CAF_TEST(a leave and a disconnect are seen on the other nodes) {
  start_all();
  auto topic = last_topic("earth", all_nodes);
  join_everywhere(topic);
  CAF_CHECK_EQUAL(leave("j1", topic), true);
  for (auto cid : {"e1", "m1", "m2"}) {
    auto got = frames(cid);
    CAF_CHECK_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(leave_notices(got), string_list{"jade:j1"});
  }
  CAF_CHECK(frames("j1").empty());
  auto res = publish("j1", topic, "1");
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::not_subscribed);
  caf::anon_send_exit(clients["m2"].peer, caf::exit_reason::user_shutdown);
  settle();
  for (auto cid : {"e1", "m1"}) {
    auto got = frames(cid);
    CAF_CHECK_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(leave_notices(got), string_list{"mona:m2"});
  }
}

CAF_TEST(the participant list names the members of every node) {
  start_all();
  auto topic = last_topic("mars", all_nodes);
  join_everywhere(topic);
  CAF_CHECK_EQUAL(members("j1", topic), true);
  auto got = frames("j1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto payload = nlohmann::json::parse(got[0])["payload"];
  for (auto sub : {"erin", "mark", "mona", "jade"})
    CAF_CHECK_EQUAL(payload[sub]["online"], true);
  CAF_CHECK(frames("e1").empty());
}

CAF_TEST(the owner dies and its members carry on at the new owner) {
  start_all();
  auto topic = last_topic("mars", all_nodes);
  join_everywhere(topic);
  kill("mars");
  pass(std::chrono::seconds(1));
  // The roster the type kept the relays up to date with: the survivors are
  // told about mars' members, whom nobody else could tell.
  auto e1 = leave_notices(frames("e1"));
  std::sort(e1.begin(), e1.end());
  CAF_CHECK_EQUAL(e1, (string_list{"mark:m1", "mona:m2"}));
  auto j1 = leave_notices(frames("j1"));
  std::sort(j1.begin(), j1.end());
  CAF_CHECK_EQUAL(j1, (string_list{"mark:m1", "mona:m2"}));
  // The relays re-joined their members at the new owner
  // (join(remote_member_list)): no second subscribe.
  CAF_CHECK_EQUAL(publish("j1", topic, R"({"after":"failover"})"), true);
  auto got = frames("j1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(frames("e1"), got);
  CAF_CHECK_EQUAL(field(got[0], "payload", "after"), "failover");
}

CAF_TEST(a new node takes the topic over and nobody notices) {
  // The relays detach from earth's topic and re-join at jupiter's.
  check_takeover("last/prices");
}

CAF_TEST_FIXTURE_SCOPE_END()
