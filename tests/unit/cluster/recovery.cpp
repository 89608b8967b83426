#define CAF_SUITE cluster.recovery

#include "tests/unit/cluster/fixture.hpp"

#include <optional>

using namespace sockd;
using sockd::test::field;
using json = nlohmann::json;

namespace {

struct fixture : sockd::test::cluster_fixture {
  explicit fixture(bool all = true) {
    if (all)
      start_all();
  }

  // Connects `cid` on `node` and joins with `recover: true`, or with
  // `since` when given.
  caf::expected<bool> join_positioned(const std::string& node,
                                      const std::string& cid,
                                      const std::string& sub,
                                      const std::string& topic,
                                      std::optional<recovery_request> from
                                      = std::nullopt) {
    auto& c = connect(node, cid, sub);
    c.info.recovery = std::make_shared<const recovery_request>(
      from ? *from : recovery_request{});
    return join(cid, topic);
  }

  void publish_n(const std::string& cid, const std::string& topic, int first,
                 int n) {
    for (int i = first; i < first + n; ++i)
      CAF_CHECK_EQUAL(publish(cid, topic, std::to_string(i)), true);
  }

  // A stored relay (store:true, with a client id) from `cid`.
  caf::expected<bool> publish_stored(const std::string& cid,
                                     const std::string& topic, int n) {
    auto& c = clients.at(cid);
    auto t = lookup(c.node, topic);
    if (!t)
      return t.error();
    publication msg{"12", std::to_string(n), "", true, cid, c.info.sub,
                    "id" + std::to_string(n)};
    return ask<bool>(c.node, *t, publish_atom::value, std::move(msg));
  }

  // m1 (mars, plain) and j1 (jupiter, positioned) in a topic earth owns
  // that mars owns once earth is gone; j1 saw relays 1 and 2, then
  // dropped. Returns the topic and its epoch.
  std::pair<std::string, std::string> before_the_kill() {
    std::string topic;
    for (int i = 0; i < 10000 && topic.empty(); ++i) {
      auto t = "chat:h" + std::to_string(i);
      if (cluster::owner_of(t, all_nodes) == "earth"
          && cluster::owner_of(t, {"jupiter", "mars"}) == "mars")
        topic = t;
    }
    CAF_REQUIRE(!topic.empty());
    connect("mars", "m1", "mark");
    CAF_REQUIRE_EQUAL(join("m1", topic), true);
    CAF_REQUIRE_EQUAL(join_positioned("jupiter", "j1", "jade", topic), true);
    auto epoch = field(frames("j1")[0], "epoch").get<std::string>();
    publish_n("m1", topic, 1, 2);
    CAF_REQUIRE_EQUAL(frames("j1").size(), 2u);
    drop("j1");
    frames("m1");
    return {topic, epoch};
  }

  // Kills earth; the relays move to mars, whose topic gets a new epoch.
  void kill_the_owner() {
    kill("earth");
    pass(std::chrono::seconds(1));
  }

  // The connection `cid` drops: its peer (the connection actor) dies.
  void drop(const std::string& cid) {
    caf::anon_send_exit(clients.at(cid).peer, caf::exit_reason::kill);
    settle();
  }
};

// earth and mars only; jupiter joins in the test.
struct two_nodes : fixture {
  two_nodes() : fixture(false) {
    wire_all();
    start("earth", {});
    start("mars", {"earth"});
  }
};

recovery_request since(std::string epoch, int64_t offset) {
  return recovery_request{true, std::move(epoch), offset};
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(cluster_recovery_tests, fixture)

CAF_TEST(members on every node get positions and plain members no change) {
  auto topic = topic_owned_by("mars", all_nodes);
  connect("earth", "e1", "erin");
  CAF_REQUIRE_EQUAL(join("e1", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("earth", "e2", "eve", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("mars", "m1", "mark", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("jupiter", "j1", "jade", topic), true);
  CAF_CHECK_EQUAL(frames("e1"),
                  string_list{R"({"action":8,"topic":")" + topic + R"("})"});
  std::string epoch;
  for (auto cid : {"e2", "m1", "j1"}) {
    auto ack = frames(cid);
    CAF_REQUIRE_EQUAL(ack.size(), 1u);
    CAF_CHECK_EQUAL(field(ack[0], "action"), 8);
    CAF_CHECK_EQUAL(field(ack[0], "offset"), 0);
    CAF_CHECK(json::parse(ack[0]).count("recovered") == 0);
    auto e = field(ack[0], "epoch").get<std::string>();
    CAF_CHECK_EQUAL(e.size(), 16u);
    if (epoch.empty())
      epoch = e;
    CAF_CHECK_EQUAL(e, epoch); // one epoch: the owner's
  }
  publish_n("j1", topic, 1, 3);
  auto plain = frames("e1");
  CAF_REQUIRE_EQUAL(plain.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    CAF_CHECK(json::parse(plain[i]).count("offset") == 0);
    CAF_CHECK(json::parse(plain[i]).count("epoch") == 0);
  }
  for (auto cid : {"e2", "m1", "j1"}) {
    auto got = frames(cid);
    CAF_REQUIRE_EQUAL(got.size(), 3u);
    for (size_t i = 0; i < 3; ++i) {
      CAF_CHECK_EQUAL(field(got[i], "offset"), i + 1);
      CAF_CHECK_EQUAL(field(got[i], "epoch"), epoch);
      CAF_CHECK_EQUAL(field(got[i], "payload"), i + 1);
      // The positioned form is the plain frame with two more members.
      auto stripped = json::parse(got[i]);
      stripped.erase("offset");
      stripped.erase("epoch");
      CAF_CHECK_EQUAL(stripped, json::parse(plain[i]));
    }
  }
}

CAF_TEST(a member of a non-owner node recovers what it missed) {
  auto topic = topic_owned_by("mars", all_nodes);
  connect("mars", "m1", "mark");
  CAF_REQUIRE_EQUAL(join("m1", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("earth", "e1", "erin", topic), true);
  auto epoch = field(frames("e1")[0], "epoch").get<std::string>();
  publish_n("m1", topic, 1, 2);
  auto before = frames("e1");
  CAF_REQUIRE_EQUAL(before.size(), 2u);
  CAF_CHECK_EQUAL(field(before[1], "offset"), 2);
  drop("e1");
  publish_n("m1", topic, 3, 5);
  // Back on another node that is not the owner either.
  CAF_REQUIRE_EQUAL(
    join_positioned("jupiter", "e1", "erin", topic, since(epoch, 2)), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    CAF_CHECK_EQUAL(field(got[i], "payload"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "offset"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "epoch"), epoch);
  }
  CAF_CHECK_EQUAL(field(got[5], "action"), 8);
  CAF_CHECK_EQUAL(field(got[5], "recovered"), true);
  CAF_CHECK_EQUAL(field(got[5], "offset"), 7);
  CAF_CHECK_EQUAL(field(got[5], "epoch"), epoch);
  // Replay and ack left as one backlog, and live frames follow on.
  CAF_CHECK_EQUAL(clients.at("e1").out->backlogs, std::vector<size_t>{6});
  publish_n("m1", topic, 8, 1);
  auto live = frames("e1");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(field(live[0], "offset"), 8);
}

CAF_TEST(a remote since past the buffer or of another epoch is not recovered) {
  auto topic = topic_owned_by("jupiter", all_nodes);
  connect("jupiter", "j1", "jade");
  CAF_REQUIRE_EQUAL(join("j1", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("earth", "e1", "erin", topic), true);
  auto epoch = field(frames("e1")[0], "epoch").get<std::string>();
  drop("e1");
  // history_size is 100 by default: 101 missed is one too many.
  publish_n("j1", topic, 1, 101);
  CAF_REQUIRE_EQUAL(
    join_positioned("mars", "e1", "erin", topic, since(epoch, 0)), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 101);
  CAF_CHECK_EQUAL(field(got[0], "epoch"), epoch);
  drop("e1");
  CAF_REQUIRE_EQUAL(join_positioned("mars", "e1", "erin", topic,
                                    since("0123456789abcdef", 101)),
                    true);
  got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
}

CAF_TEST(stored relays of a dead owner are recovered with its epoch) {
  auto [topic, epoch] = before_the_kill();
  for (int n = 3; n <= 5; ++n)
    CAF_CHECK_EQUAL(publish_stored("m1", topic, n), true);
  for (auto& row : script->stored) {
    CAF_CHECK_EQUAL(row.epoch, epoch);
    CAF_CHECK_EQUAL(row.offset, std::stoi(row.client_id.substr(2)));
  }
  kill_the_owner();
  // The new owner's own relays: a new epoch, from offset 1.
  publish_n("m1", topic, 6, 1);
  CAF_REQUIRE_EQUAL(
    join_positioned("jupiter", "j1", "jade", topic, since(epoch, 2)), true);
  auto got = frames("j1");
  CAF_REQUIRE_EQUAL(got.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    CAF_CHECK_EQUAL(field(got[i], "payload"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "offset"), i + 3);
    CAF_CHECK_EQUAL(field(got[i], "epoch"), epoch);
    CAF_CHECK_EQUAL(field(got[i], "store"), true);
    CAF_CHECK_EQUAL(field(got[i], "sender"), "m1");
    CAF_CHECK(json::parse(got[i]).count("historical") == 0);
  }
  auto fresh = field(got[3], "epoch").get<std::string>();
  CAF_CHECK_NOT_EQUAL(fresh, epoch);
  CAF_CHECK_EQUAL(field(got[3], "payload"), 6);
  CAF_CHECK_EQUAL(field(got[3], "offset"), 1);
  CAF_CHECK_EQUAL(got[4], R"({"action":8,"topic":")" + topic
                            + R"(","recovered":true,"epoch":")" + fresh
                            + R"(","offset":1})");
  publish_n("m1", topic, 7, 1);
  auto live = frames("j1");
  CAF_REQUIRE_EQUAL(live.size(), 1u);
  CAF_CHECK_EQUAL(field(live[0], "offset"), 2);
  CAF_CHECK_EQUAL(field(live[0], "epoch"), fresh);
}

CAF_TEST(an unstored relay lost with its owner is not recovered) {
  auto [topic, epoch] = before_the_kill();
  CAF_CHECK_EQUAL(publish_stored("m1", topic, 3), true);
  publish_n("m1", topic, 4, 1); // not stored: gone with earth
  CAF_CHECK_EQUAL(publish_stored("m1", topic, 5), true);
  kill_the_owner();
  CAF_REQUIRE_EQUAL(
    join_positioned("jupiter", "j1", "jade", topic, since(epoch, 2)), true);
  auto got = frames("j1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), false);
  CAF_CHECK_NOT_EQUAL(field(got[0], "epoch"), epoch);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 0);
  // Nothing missed since the end of the old epoch: recovered.
  drop("j1");
  CAF_REQUIRE_EQUAL(
    join_positioned("jupiter", "j1", "jade", topic, since(epoch, 5)), true);
  got = frames("j1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "recovered"), true);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST_FIXTURE_SCOPE(cluster_recovery_move_tests, two_nodes)

CAF_TEST(a topic that moves to a joining node continues from stored rows) {
  std::string topic;
  for (int i = 0; i < 10000 && topic.empty(); ++i) {
    auto t = "chat:g" + std::to_string(i);
    if (cluster::owner_of(t, {"earth", "mars"}) == "earth"
        && cluster::owner_of(t, all_nodes) == "jupiter")
      topic = t;
  }
  CAF_REQUIRE(!topic.empty());
  connect("mars", "m1", "mark");
  CAF_REQUIRE_EQUAL(join("m1", topic), true);
  CAF_REQUIRE_EQUAL(join_positioned("mars", "m2", "mona", topic), true);
  auto epoch = field(frames("m2")[0], "epoch").get<std::string>();
  CAF_CHECK_EQUAL(publish_stored("m1", topic, 1), true);
  drop("m2");
  CAF_CHECK_EQUAL(publish_stored("m1", topic, 2), true);
  CAF_CHECK_EQUAL(publish_stored("m1", topic, 3), true);
  start("jupiter", {"earth", "mars"});
  pass(std::chrono::seconds(1));
  CAF_REQUIRE_EQUAL(
    join_positioned("earth", "m2", "mona", topic, since(epoch, 1)), true);
  auto got = frames("m2");
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(field(got[0], "payload"), 2);
  CAF_CHECK_EQUAL(field(got[0], "offset"), 2);
  CAF_CHECK_EQUAL(field(got[0], "epoch"), epoch);
  CAF_CHECK_EQUAL(field(got[1], "offset"), 3);
  CAF_CHECK_EQUAL(field(got[2], "recovered"), true);
  CAF_CHECK_NOT_EQUAL(field(got[2], "epoch"), epoch);
  CAF_CHECK_EQUAL(field(got[2], "offset"), 0);
}

CAF_TEST_FIXTURE_SCOPE_END()
