#define CAF_SUITE actors.topic_recovery

#include "actors/topic.hpp"
#include "actors/topic_type.hpp"

#include "tests/unit/fixtures.hpp"

#include <nlohmann/json.hpp>

#include <optional>

using namespace sockd;
using sockd::test::ask;
using sockd::test::field;
using json = nlohmann::json;

namespace {

// A topic keeping 5 broadcasts for 10 s, so that the bounds are reached.
struct recovery_fixture : sockd::test::topic_fixture<spawn_relay_topic> {
  recovery_fixture() {
    topic_context ctx{name, "chat", "lobby", db};
    ctx.history = topic_history_limits{5, std::chrono::seconds(10)};
    topic = spawn_relay_topic(sys, std::move(ctx));
  }

  // Joins with `recover: true` (since: none) or with `since`.
  caf::expected<bool> join_positioned(const std::string& cid,
                                      const std::string& sub,
                                      std::optional<recovery_request> from
                                      = std::nullopt) {
    script->allowed.emplace(sub, name);
    auto& c = make_client(cid, sub);
    c.info.recovery = std::make_shared<recovery_request>(
      from ? *from : recovery_request{});
    return ask<bool>(*this, topic, join_atom::value, c.info);
  }

  // Publishes n relays from `cid`, payloads first..first+n-1.
  void publish_n(const std::string& cid, int first, int n) {
    for (int i = first; i < first + n; ++i)
      publish(cid, std::to_string(i));
  }
};

recovery_request since(std::string epoch, int64_t offset) {
  return recovery_request{true, std::move(epoch), offset};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(topic_recovery_tests, recovery_fixture)

CAF_TEST(a positioned member gets positions and plain members are unchanged) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto ack = frames("r");
  CAF_REQUIRE_EQUAL(ack.size(), 1u);
  auto epoch = field(ack[0], "epoch").get<std::string>();
  CAF_CHECK_EQUAL(epoch.size(), 16u);
  CAF_CHECK_EQUAL(ack[0], R"({"action":8,"topic":"chat:lobby","epoch":")"
                            + epoch + R"(","offset":0})");
  frames("p");
  publish_n("p", 1, 3);
  auto plain = frames("p");
  auto positioned = frames("r");
  CAF_REQUIRE_EQUAL(plain.size(), 3u);
  CAF_REQUIRE_EQUAL(positioned.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL(json::parse(plain[i]).count("offset"), 0u);
    CAF_CHECK_EQUAL(json::parse(plain[i]).count("epoch"), 0u);
    // Byte for byte: the plain frame, then the two members.
    CAF_CHECK_EQUAL(positioned[i],
                    plain[i].substr(0, plain[i].size() - 1) + ",\"offset\":"
                      + std::to_string(i + 1) + ",\"epoch\":\"" + epoch
                      + "\"}");
  }
}

CAF_TEST(targeted relays carry no position and take no offset) {
  join("p", "paul");
  join_positioned("r", "rita");
  frames("p");
  frames("r");
  publish("p", R"({"target":"r"})", "r");
  publish("p", "1");
  auto got = frames("r");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(json::parse(got[0]).count("offset"), 0u);
  CAF_CHECK_EQUAL(field(got[1], "offset"), 1);
}

CAF_TEST(since replays exactly the missed broadcasts then recovered true) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish_n("p", 1, 2);
  frames("r");
  // r drops after offset 2; four more while it is away.
  caf::anon_send_exit(clients["r"].peer, caf::exit_reason::user_shutdown);
  settle();
  publish_n("p", 3, 4);
  auto plain = frames("p");
  join_positioned("r2", "rita", since(epoch, 2));
  auto got = frames("r2");
  CAF_REQUIRE_EQUAL(got.size(), 5u);
  for (int i = 0; i < 4; ++i) {
    CAF_CHECK_EQUAL(field(got[i], "payload"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "offset"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "epoch"), epoch);
  }
  CAF_CHECK_EQUAL(got[4], R"({"action":8,"topic":"chat:lobby",)"
                          R"("recovered":true,"epoch":")"
                            + epoch + R"(","offset":6})");
  // The replay left as one backlog: replay and ack together.
  CAF_CHECK_EQUAL(clients["r2"].out->backlogs.back(), 5u);
  // Live broadcasts follow from the next offset.
  publish("p", "7");
  auto live = frames("r2");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(field(live[0], "offset"), 7);
}

CAF_TEST(since at the current position replays nothing and recovers) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish_n("p", 1, 3);
  join_positioned("r2", "rita", since(epoch, 3));
  auto got = frames("r2");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), true);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 3);
}

CAF_TEST(a wrong epoch is not recovered and nothing is replayed) {
  join("p", "paul");
  publish_n("p", 1, 2);
  join_positioned("r", "rita", since("0123456789abcdef", 1));
  auto got = frames("r");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 8);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 2);
  CAF_CHECK_NOT_EQUAL(field(got[0], "epoch"), "0123456789abcdef");
}

CAF_TEST(past the buffer is not recovered) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish_n("p", 1, 8); // the buffer holds 4..8
  join_positioned("a", "ann", since(epoch, 3));
  auto got_a = frames("a");
  CAF_REQUIRE_EQUAL(got_a.size(), 6u); // 4..8 and the ack: just fits
  CAF_CHECK_EQUAL(field(got_a[0], "offset"), 4);
  CAF_CHECK_EQUAL(field(got_a[5], "recovered"), true);
  join_positioned("b", "bob", since(epoch, 2)); // 3 fell out
  auto got_b = frames("b");
  CAF_REQUIRE_EQUAL(got_b.size(), 1u);
  CAF_CHECK_EQUAL(field(got_b[0], "recovered"), false);
  CAF_CHECK_EQUAL(field(got_b[0], "offset"), 8);
}

CAF_TEST(a position ahead of the topic is not recovered) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish_n("p", 1, 2);
  join_positioned("a", "ann", since(epoch, 3));
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 2);
}

CAF_TEST(broadcasts older than the ttl are not replayed) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish_n("p", 1, 2);
  pass(std::chrono::seconds(11)); // 1 and 2 aged out
  publish_n("p", 3, 1);
  join_positioned("a", "ann", since(epoch, 2));
  auto got_a = frames("a");
  CAF_REQUIRE_EQUAL(got_a.size(), 2u); // 3 is young enough
  CAF_CHECK_EQUAL(field(got_a[0], "offset"), 3);
  CAF_CHECK_EQUAL(field(got_a[1], "recovered"), true);
  join_positioned("b", "bob", since(epoch, 1));
  auto got_b = frames("b");
  CAF_REQUIRE_EQUAL(got_b.size(), 1u);
  CAF_CHECK_EQUAL(field(got_b[0], "recovered"), false);
  CAF_CHECK_EQUAL(field(got_b[0], "offset"), 3);
}

CAF_TEST(a new topic of the same name has a new epoch) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto first = field(frames("r")[0], "epoch").get<std::string>();
  topic_context ctx{name, "chat", "lobby", db};
  topic = spawn_relay_topic(sys, std::move(ctx));
  join_positioned("s", "sam", since(first, 0));
  auto got = frames("s");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
  CAF_CHECK_NOT_EQUAL(field(got[0], "epoch"), first);
}

CAF_TEST(stored relays record their position in their row) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  publish("p", "1");
  publish("p", "2", {}, true);
  publish("p", R"({"target":"r"})", "r", true); // stored, no position
  publish("p", "3", {}, true);
  CAF_REQUIRE_EQUAL(script->stored.size(), 3u);
  CAF_CHECK_EQUAL(script->stored[0].epoch, epoch);
  CAF_CHECK_EQUAL(script->stored[0].offset, 2);
  CAF_CHECK_EQUAL(script->stored[1].offset, 0);
  CAF_CHECK_EQUAL(script->stored[1].epoch, "");
  CAF_CHECK_EQUAL(script->stored[2].offset, 3);
  auto got = frames("r");
  CAF_REQUIRE_EQUAL(got.size(), 4u);
  CAF_CHECK_EQUAL(field(got[1], "offset"), 2);
  CAF_CHECK_EQUAL(field(got[3], "offset"), 3);
}

CAF_TEST(a failed store leaves a gap that recovery skips) {
  join("p", "paul");
  join_positioned("r", "rita");
  auto epoch = field(frames("r")[0], "epoch").get<std::string>();
  caf::anon_send_exit(clients["r"].peer, caf::exit_reason::user_shutdown);
  settle();
  frames("p"); // r's action 4
  publish("p", "1");
  script->fail_stores = true;
  CAF_CHECK(!publish("p", "2", {}, true)); // offset 2: never sent
  script->fail_stores = false;
  publish("p", "3");
  auto plain = frames("p");
  CAF_REQUIRE_EQUAL(plain.size(), 2u);
  join_positioned("r2", "rita", since(epoch, 0));
  auto got = frames("r2");
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 1);
  CAF_CHECK_EQUAL(field(got[1], "offset"), 3);
  CAF_CHECK_EQUAL(field(got[1], "payload"), 3);
  CAF_CHECK_EQUAL(field(got[2], "recovered"), true);
  CAF_CHECK_EQUAL(field(got[2], "offset"), 3);
}

CAF_TEST_FIXTURE_SCOPE_END()
