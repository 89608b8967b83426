#define CAF_SUITE cluster.failover

#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;

namespace {

const std::vector<std::string> all_nodes{"earth", "jupiter", "mars"};

struct fixture : sockd::test::cluster_fixture {
  // Leave notices (action 4) in `got`, by payload.
  static std::vector<std::string> left(const std::vector<std::string>& got) {
    std::vector<std::string> result;
    for (auto& f : got)
      if (field(f, "action") == 4)
        result.push_back(field(f, "payload").get<std::string>());
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(failover_tests, fixture)

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
  CAF_CHECK_EQUAL(left(frames("e1")), string_list{"mark:m1"});
  CAF_CHECK_EQUAL(left(frames("j1")), string_list{"mark:m1"});
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
  CAF_CHECK_EQUAL(left(frames("e1")), string_list{"jade:j1"});
  CAF_CHECK_EQUAL(left(frames("m1")), string_list{"jade:j1"});
  CAF_CHECK_EQUAL(publish("m1", topic, "1"), true);
  CAF_CHECK_EQUAL(frames("e1").size(), 1u);
  CAF_CHECK_EQUAL(frames("m1").size(), 1u);
}

CAF_TEST(a new node takes over its topics and members stay subscribed) {
  wire_all();
  start("earth", {});
  start("mars", {"earth"});
  // A topic that earth and mars place on earth, and three nodes on jupiter.
  std::string topic;
  for (int i = 0; i < 10000 && topic.empty(); ++i) {
    auto t = "chat:t" + std::to_string(i);
    if (cluster::owner_of(t, {"earth", "mars"}) == "earth"
        && cluster::owner_of(t, all_nodes) == "jupiter")
      topic = t;
  }
  CAF_REQUIRE(!topic.empty());
  connect("earth", "e1", "erin");
  connect("mars", "m1", "mark");
  CAF_REQUIRE_EQUAL(join("e1", topic), true);
  CAF_REQUIRE_EQUAL(join("m1", topic), true);
  frames("e1");
  frames("m1");
  start("jupiter", {"earth", "mars"});
  pass(std::chrono::seconds(1));
  // Nobody was told anyone left.
  CAF_CHECK(frames("e1").empty());
  CAF_CHECK(frames("m1").empty());
  connect("jupiter", "j1", "jade");
  CAF_REQUIRE_EQUAL(join("j1", topic), true);
  frames("j1");
  CAF_CHECK_EQUAL(publish("m1", topic, R"({"n":1})"), true);
  auto got = frames("m1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(frames("e1"), got);
  CAF_CHECK_EQUAL(frames("j1"), got);
}

CAF_TEST_FIXTURE_SCOPE_END()
