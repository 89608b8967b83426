#define CAF_SUITE cluster.admin

// The backend API across three simulated nodes (cluster/admin.hpp): a
// server publication through a relay, presence from the owner, disconnect
// and census on every node.
#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::field;

namespace {

struct fixture : sockd::test::cluster_fixture {
  fixture() {
    start_all();
  }

  caf::expected<bool> publish_as_server(const std::string& node,
                                        const std::string& topic,
                                        std::string payload) {
    auto t = lookup(node, topic);
    if (!t)
      return t.error();
    publication msg{"12", std::move(payload), {}, false, server_sender, {},
                    {}};
    return ask<bool>(node, *t, publish_atom::value, std::move(msg));
  }

  // Registers client `cid` with its node's admission, as net/ does.
  void enroll(const std::string& cid) {
    auto& c = clients.at(cid);
    caf::anon_send(admissions[c.node], admit_atom::value, c.info.sub);
    caf::anon_send(admissions[c.node], enroll_atom::value, c.info);
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(admin_tests, fixture)

CAF_TEST(a server publication through a relay takes its place in the order) {
  auto topic = topic_owned_by("earth", all_nodes);
  members_everywhere(topic);
  CAF_CHECK_EQUAL(publish("m1", topic, R"({"n":1})"), true);
  CAF_CHECK_EQUAL(publish_as_server("jupiter", topic, R"({"n":2})"), true);
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"n":3})"), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(field(got[1], "sender"), "server");
  CAF_CHECK_EQUAL(field(got[1], "payload", "n"), 2);
  CAF_CHECK_EQUAL(frames("m1"), got);
  CAF_CHECK_EQUAL(frames("j1"), got);
}

CAF_TEST(presence from any node lists the members of every node) {
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  for (auto& via : all_nodes) {
    auto res = ask<remote_member_list>(via, nodes[via].admin,
                                       presence_atom::value, topic);
    CAF_REQUIRE(res);
    std::map<std::string, std::string> node_of;
    for (auto& m : *res)
      node_of[m.cid] = m.node;
    CAF_CHECK_EQUAL(node_of.size(), 3u);
    CAF_CHECK_EQUAL(node_of["e1"], "earth");
    CAF_CHECK_EQUAL(node_of["m1"], "mars");
    CAF_CHECK_EQUAL(node_of["j1"], "jupiter");
  }
  // A relay asks its owner.
  auto relay = lookup("earth", topic);
  CAF_REQUIRE(relay);
  auto via_relay = ask<remote_member_list>("earth", *relay,
                                           presence_atom::value);
  CAF_REQUIRE(via_relay);
  CAF_CHECK_EQUAL(via_relay->size(), 3u);
  auto none = ask<remote_member_list>("earth", nodes["earth"].admin,
                                      presence_atom::value,
                                      topic_owned_by("jupiter", all_nodes));
  CAF_REQUIRE(!none);
  CAF_CHECK_EQUAL(to_errc(none.error()), errc::not_found);
}

CAF_TEST(disconnect closes the sockets of the user on every node) {
  connect("earth", "e1", "mallory");
  connect("mars", "m1", "mallory");
  connect("jupiter", "j1", "mallory");
  connect("jupiter", "j2", "oscar");
  for (auto cid : {"e1", "m1", "j1", "j2"})
    enroll(cid);
  auto res = ask<uint64_t>("mars", nodes["mars"].admin,
                           disconnect_atom::value, std::string{"mallory"},
                           std::string{"bye"});
  CAF_CHECK_EQUAL(res, uint64_t{3});
  for (auto cid : {"e1", "m1", "j1"}) {
    auto& closes = clients.at(cid).out->closes;
    CAF_REQUIRE_EQUAL(closes.size(), 1u);
    CAF_CHECK_EQUAL(closes[0].first, disconnect_close_code);
    CAF_CHECK_EQUAL(closes[0].second, "bye");
  }
  CAF_CHECK(clients.at("j2").out->closes.empty());
}

CAF_TEST(census lists every node with its sockets and owned topics) {
  auto topic = topic_owned_by("jupiter", all_nodes);
  members_everywhere(topic);
  for (auto cid : {"e1", "m1", "j1"})
    enroll(cid);
  auto res = ask<node_census_list>("earth", nodes["earth"].admin,
                                   census_atom::value);
  CAF_REQUIRE(res);
  CAF_REQUIRE_EQUAL(res->size(), 3u);
  for (auto& n : *res) {
    CAF_CHECK_EQUAL(n.live, true);
    CAF_CHECK_EQUAL(n.connections, int64_t{1});
    CAF_CHECK_EQUAL(n.topics, int64_t{n.name == "jupiter" ? 1 : 0});
  }
}

CAF_TEST_FIXTURE_SCOPE_END()
