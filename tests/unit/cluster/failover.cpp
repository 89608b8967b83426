#define CAF_SUITE cluster.failover

#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;
using sockd::test::leave_notices;

CAF_TEST_FIXTURE_SCOPE(failover_tests, sockd::test::cluster_fixture)

CAF_TEST(the owner dies and its topic moves without a re-subscribe) {
  start_all();
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  kill("mars");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  CAF_CHECK_EQUAL(live_nodes("jupiter"), (string_list{"earth", "jupiter"}));
  // The relays re-homed on their own: the survivors were told that mars'
  // member is gone, and keep talking without subscribing again.
  pass(std::chrono::seconds(1));
  CAF_CHECK_EQUAL(leave_notices(frames("e1")), string_list{"mark:m1"});
  CAF_CHECK_EQUAL(leave_notices(frames("j1")), string_list{"mark:m1"});
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"after":"failover"})"), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(frames("j1"), got);
  CAF_CHECK_EQUAL(field(got[0], "payload", "after"), "failover");
  // Presence knows who is left.
  CAF_CHECK_EQUAL(members("j1", topic), true);
  auto presence = frames("j1");
  CAF_REQUIRE_EQUAL(presence.size(), 1u);
  auto payload = nlohmann::json::parse(presence[0])["payload"];
  CAF_CHECK_EQUAL(payload.count("mark"), 0u);
  CAF_CHECK_EQUAL(payload["erin"]["online"], true);
  CAF_CHECK_EQUAL(payload["jade"]["online"], true);
}

CAF_TEST(a member node dies and the owner tells the others) {
  start_all();
  auto topic = topic_owned_by("earth", all_nodes);
  members_everywhere(topic);
  kill("jupiter");
  CAF_CHECK_EQUAL(leave_notices(frames("e1")), string_list{"jade:j1"});
  CAF_CHECK_EQUAL(leave_notices(frames("m1")), string_list{"jade:j1"});
  CAF_CHECK_EQUAL(publish("m1", topic, "1"), true);
  CAF_CHECK_EQUAL(frames("e1").size(), 1u);
  CAF_CHECK_EQUAL(frames("m1").size(), 1u);
}

CAF_TEST(a new node takes over its topics and members stay subscribed) {
  check_takeover("chat");
}

CAF_TEST_FIXTURE_SCOPE_END()
