#define CAF_SUITE actors.topic_members

#include "actors/topic_members.hpp"

#include "tests/unit/fixtures.hpp"

#include "actors/remote_outbound.hpp"

using namespace sockd;

namespace {

using cids = std::vector<std::string>;

// Members of one topic; the actors are stand-ins for connections and
// relays (the bookkeeping only reads their addresses).
struct members_fixture : sockd::test::fixture {
  topic_members members;

  caf::actor peer() {
    return sockd::test::spawn_peer(sys);
  }

  // A local member: its own connection actor.
  topic_members::added add_local(const std::string& cid, const caf::actor& conn,
                                 const std::string& sub = "user") {
    return members.add(member{cid, sub, conn.address(), nullptr}, {}, {});
  }

  // A member of node `node` behind `relay`.
  topic_members::added add_remote(const std::string& cid,
                                  const caf::actor& relay,
                                  const std::string& node = "n2") {
    auto who = remote_member_of(relay, remote_member{cid, "user", node});
    return members.add(std::move(who), relay, node);
  }

  cids sorted() const {
    cids result;
    for (auto m : members.sorted())
      result.push_back(m->info.cid);
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(topic_members_tests, members_fixture)

CAF_TEST(an empty topic has no member and version 0) {
  CAF_CHECK(members.empty());
  CAF_CHECK_EQUAL(members.version(), 0u);
  CAF_CHECK(members.sorted().empty());
  CAF_CHECK(members.find("a") == nullptr);
  CAF_CHECK(!members.contains("a"));
  CAF_CHECK(!members.remove("a"));
  CAF_CHECK_EQUAL(members.version(), 0u);
}

CAF_TEST(members keep their join order whatever their cids) {
  for (auto cid : {"m", "z", "a", "q"})
    add_local(cid, peer());
  CAF_CHECK_EQUAL(sorted(), (cids{"m", "z", "a", "q"}));
  CAF_CHECK_EQUAL(members.by_cid().size(), 4u);
  CAF_CHECK_EQUAL(members.version(), 4u);
}

CAF_TEST(a member is found by cid with what it joined with) {
  auto conn = peer();
  auto& m = add_local("a", conn, "alice").entry;
  CAF_CHECK_EQUAL(m.info.cid, "a");
  auto found = members.find("a");
  CAF_REQUIRE(found != nullptr);
  CAF_CHECK_EQUAL(found, &m);
  CAF_CHECK_EQUAL(found->info.sub, "alice");
  CAF_CHECK_EQUAL(found->info.conn, conn.address());
  CAF_CHECK(!found->relay);
  CAF_CHECK_EQUAL(found->node, "");
  CAF_CHECK(members.contains("a"));
  CAF_CHECK(!members.contains("b"));
}

CAF_TEST(a new connection is watched and unwatched when its member leaves) {
  auto conn = peer();
  CAF_CHECK_EQUAL(add_local("a", conn).watch, true);
  CAF_CHECK_EQUAL(members.cids_of(conn.address()), (cids{"a"}));
  auto out = members.remove("a");
  CAF_REQUIRE(out);
  CAF_CHECK_EQUAL(out->gone.cid, "a");
  CAF_CHECK_EQUAL(out->gone.conn, conn.address());
  CAF_CHECK_EQUAL(out->unwatch, true);
  CAF_CHECK(members.cids_of(conn.address()).empty());
  CAF_CHECK(members.empty());
}

CAF_TEST(removing by cid keeps the others in join order) {
  for (auto cid : {"a", "b", "c", "d"})
    add_local(cid, peer());
  auto out = members.remove("b");
  CAF_REQUIRE(out);
  CAF_CHECK_EQUAL(out->gone.cid, "b");
  CAF_CHECK_EQUAL(sorted(), (cids{"a", "c", "d"}));
  CAF_CHECK(!members.contains("b"));
  CAF_CHECK(!members.remove("b")); // gone already
}

CAF_TEST(every add and remove bumps the version once) {
  add_local("a", peer());
  add_local("b", peer());
  CAF_CHECK_EQUAL(members.version(), 2u);
  members.remove("a");
  CAF_CHECK_EQUAL(members.version(), 3u);
  members.remove("a"); // not a member: nothing changed
  CAF_CHECK_EQUAL(members.version(), 3u);
  add_local("a", peer());
  CAF_CHECK_EQUAL(members.version(), 4u);
}

CAF_TEST(a member joining again comes last in join order) {
  auto conn = peer();
  add_local("a", conn);
  add_local("b", peer());
  members.remove("a");
  CAF_CHECK_EQUAL(add_local("a", conn).watch, true);
  CAF_CHECK_EQUAL(sorted(), (cids{"b", "a"}));
}

CAF_TEST(a relay is watched once and listed once for all its members) {
  auto relay = peer();
  CAF_CHECK_EQUAL(add_remote("r1", relay).watch, true);
  CAF_CHECK_EQUAL(add_remote("r2", relay).watch, false);
  CAF_CHECK_EQUAL(add_remote("r3", relay).watch, false);
  CAF_CHECK(members.has_relay(relay.address()));
  CAF_REQUIRE_EQUAL(members.relays().size(), 1u);
  CAF_CHECK_EQUAL(members.relays().begin()->second, relay);
  auto m = members.find("r2");
  CAF_REQUIRE(m != nullptr);
  CAF_CHECK_EQUAL(m->relay, relay);
  CAF_CHECK_EQUAL(m->node, "n2");
  CAF_CHECK_EQUAL(m->info.conn, relay.address());
}

CAF_TEST(a relay stands for its members in join order) {
  auto relay = peer();
  auto other = peer();
  add_remote("z", relay);
  add_local("b", peer());
  add_remote("m", relay);
  add_remote("y", other);
  add_remote("a", relay);
  CAF_CHECK_EQUAL(members.cids_of(relay.address()), (cids{"z", "m", "a"}));
  CAF_CHECK_EQUAL(members.cids_of(other.address()), (cids{"y"}));
  CAF_CHECK(members.cids_of(peer().address()).empty());
  CAF_CHECK_EQUAL(members.relays().size(), 2u);
}

CAF_TEST(removing the members of a relay unwatches it with the last) {
  auto relay = peer();
  add_remote("r1", relay);
  add_local("a", peer());
  add_remote("r2", relay);
  for (auto& cid : members.cids_of(relay.address())) {
    auto out = members.remove(cid);
    CAF_REQUIRE(out);
    CAF_CHECK_EQUAL(out->gone.cid, cid);
    CAF_CHECK_EQUAL(out->unwatch, cid == "r2");
    CAF_CHECK_EQUAL(members.has_relay(relay.address()), cid != "r2");
  }
  CAF_CHECK(members.relays().empty());
  CAF_CHECK(members.cids_of(relay.address()).empty());
  CAF_CHECK_EQUAL(sorted(), (cids{"a"}));
}

CAF_TEST(a relay that returns after its last member left is watched again) {
  auto relay = peer();
  add_remote("r1", relay);
  members.remove("r1");
  CAF_CHECK_EQUAL(add_remote("r2", relay).watch, true);
  CAF_CHECK(members.has_relay(relay.address()));
}

CAF_TEST_FIXTURE_SCOPE_END()
