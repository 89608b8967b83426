#define CAF_SUITE actors.backend_api

// The actor side of the backend API (docs/api.md): server publications,
// presence, the directory's find and census, admission's socket registry
// and the node's local admin.
#include "actors/admin.hpp"
#include "actors/admission.hpp"
#include "actors/server_publication.hpp"
#include "actors/topic.hpp"
#include "actors/topic_directory.hpp"
#include "actors/topic_type.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::ask;
using sockd::test::field;
using sockd::test::recorder;

namespace {

using topic_fixture = sockd::test::topic_fixture<spawn_relay_topic>;

publication from_server(std::string payload, bool store = false) {
  return publication{"12", std::move(payload), {}, store, server_sender, {},
                     {}};
}

errc code_of(const caf::error& err) {
  return to_errc(err);
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(server_publication_tests, topic_fixture)

CAF_TEST(a server publication needs no membership and reaches everyone) {
  join("a", "alice");
  join("b", "bob");
  frames("a");
  frames("b");
  publish("a", R"({"n":1})");
  auto res = ask<bool>(*this, topic, publish_atom::value,
                       from_server(R"({"n":2})"));
  CAF_CHECK_EQUAL(res, true);
  for (auto cid : {"a", "b"}) {
    auto got = frames(cid);
    CAF_REQUIRE_EQUAL(got.size(), 2u);
    CAF_CHECK_EQUAL(field(got[0], "payload", "n"), 1);
    CAF_CHECK_EQUAL(field(got[1], "payload", "n"), 2);
    CAF_CHECK_EQUAL(field(got[1], "sender"), "server");
  }
}

CAF_TEST(a stored server publication is stored before it is delivered) {
  join("a", "alice");
  frames("a");
  auto res = ask<bool>(*this, topic, publish_atom::value,
                       from_server(R"("kept")", true));
  CAF_CHECK_EQUAL(res, true);
  CAF_REQUIRE_EQUAL(script->stored.size(), 1u);
  CAF_CHECK_EQUAL(script->stored[0].cid, "server");
  CAF_CHECK_EQUAL(script->stored[0].sub, "");
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "store"), true);
}

CAF_TEST(a server publication to a topic without members succeeds) {
  auto res = ask<bool>(*this, topic, publish_atom::value,
                       from_server(R"({"n":1})", true));
  CAF_CHECK_EQUAL(res, true);
  CAF_CHECK_EQUAL(script->stored.size(), 1u);
}

CAF_TEST(presence lists the members in join order) {
  join("b", "bob");
  join("a", "alice");
  auto res = ask<remote_member_list>(*this, topic, presence_atom::value);
  CAF_REQUIRE(res);
  CAF_REQUIRE_EQUAL(res->size(), 2u);
  CAF_CHECK_EQUAL((*res)[0].cid, "b");
  CAF_CHECK_EQUAL((*res)[0].sub, "bob");
  CAF_CHECK_EQUAL((*res)[0].node, "");
  CAF_CHECK_EQUAL((*res)[1].cid, "a");
}

CAF_TEST_FIXTURE_SCOPE_END()

namespace {

struct registry_fixture : sockd::test::fixture {
  admission_actor gate = spawn_admission(sys, 10, 5);
  std::shared_ptr<topic_types> types = [] {
    auto t = std::make_shared<topic_types>();
    t->add("chat", spawn_relay_topic);
    return t;
  }();
  topic_directory_actor directory = spawn_topic_directory(sys, types, db);
  node_admin_actor admin = spawn_local_admin(sys, gate, directory, "solo");

  struct socket {
    caf::actor conn;
    std::shared_ptr<recorder> out;
  };

  socket enroll(const std::string& sub, const std::string& cid) {
    ask<bool>(*this, gate, admit_atom::value, sub);
    socket s{sockd::test::spawn_peer(sys), std::make_shared<recorder>()};
    self->send(gate, enroll_atom::value,
               member{cid, sub, s.conn.address(), s.out});
    settle();
    return s;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(registry_tests, registry_fixture)

CAF_TEST(disconnect closes every enrolled socket of the user and no other) {
  auto m1 = enroll("mallory", "m1");
  auto m2 = enroll("mallory", "m2");
  auto o = enroll("oscar", "o1");
  auto res = ask<uint64_t>(*this, admin, disconnect_atom::value,
                           std::string{"mallory"}, std::string{"banned"});
  CAF_CHECK_EQUAL(res, uint64_t{2});
  for (auto* s : {&m1, &m2}) {
    CAF_REQUIRE_EQUAL(s->out->closes.size(), 1u);
    CAF_CHECK_EQUAL(s->out->closes[0].first, disconnect_close_code);
    CAF_CHECK_EQUAL(s->out->closes[0].second, "banned");
  }
  CAF_CHECK(o.out->closes.empty());
  auto none = ask<uint64_t>(*this, admin, disconnect_atom::value,
                            std::string{"nobody"}, std::string{});
  CAF_CHECK_EQUAL(none, uint64_t{0});
}

CAF_TEST(a released socket leaves the registry) {
  auto m1 = enroll("mallory", "m1");
  auto m2 = enroll("mallory", "m2");
  // The socket ended: its admission slot goes back, naming the socket.
  self->send(gate, release_atom::value, std::string{"mallory"},
             enrollment_key(m1.out));
  settle();
  auto res = ask<uint64_t>(*this, gate, disconnect_atom::value,
                           std::string{"mallory"}, uint16_t{4001},
                           std::string{"x"});
  CAF_CHECK_EQUAL(res, uint64_t{1});
  CAF_CHECK(m1.out->closes.empty());
  CAF_CHECK_EQUAL(m2.out->closes.size(), 1u);
}

CAF_TEST(the directory finds live topics only and counts them) {
  auto name = std::string{"chat:lobby"};
  auto missing = ask<topic_actor>(*this, directory, find_atom::value, name);
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(code_of(missing.error()), errc::not_found);
  CAF_CHECK_EQUAL(ask<int64_t>(*this, directory, census_atom::value),
                  int64_t{0});
  auto spawned = ask<topic_actor>(*this, directory, lookup_atom::value, name);
  CAF_REQUIRE(spawned);
  auto found = ask<topic_actor>(*this, directory, find_atom::value, name);
  CAF_REQUIRE(found);
  CAF_CHECK_EQUAL(found->address(), spawned->address());
  CAF_CHECK_EQUAL(ask<int64_t>(*this, directory, census_atom::value),
                  int64_t{1});
}

CAF_TEST(the local admin answers census and presence with its node name) {
  enroll("alice", "a1");
  auto name = std::string{"chat:lobby"};
  auto missing = ask<remote_member_list>(*this, admin, presence_atom::value,
                                         name);
  CAF_REQUIRE(!missing);
  CAF_CHECK_EQUAL(code_of(missing.error()), errc::not_found);
  auto topic = ask<topic_actor>(*this, directory, lookup_atom::value, name);
  CAF_REQUIRE(topic);
  script->allowed.emplace("alice", name);
  auto out = std::make_shared<recorder>();
  auto peer = sockd::test::spawn_peer(sys);
  ask<bool>(*this, *topic, join_atom::value,
            member{"a1", "alice", peer.address(), out});
  auto members = ask<remote_member_list>(*this, admin, presence_atom::value,
                                         name);
  CAF_REQUIRE(members);
  CAF_REQUIRE_EQUAL(members->size(), 1u);
  CAF_CHECK_EQUAL((*members)[0].cid, "a1");
  CAF_CHECK_EQUAL((*members)[0].node, "solo");
  auto census = ask<node_census_list>(*this, admin, census_atom::value);
  CAF_REQUIRE(census);
  CAF_REQUIRE_EQUAL(census->size(), 1u);
  CAF_CHECK_EQUAL((*census)[0].name, "solo");
  CAF_CHECK_EQUAL((*census)[0].live, true);
  CAF_CHECK_EQUAL((*census)[0].connections, int64_t{1});
  CAF_CHECK_EQUAL((*census)[0].topics, int64_t{1});
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(a server publication is a relay frame without target) {
  auto ok = make_server_publication(
    R"({"action":12,"topic":"chat:x","payload":{"target":"c1"},"store":true})",
    64, 256);
  CAF_REQUIRE(ok.ok);
  CAF_CHECK_EQUAL(ok.topic, "chat:x");
  CAF_CHECK_EQUAL(ok.msg.sender, "server");
  CAF_CHECK_EQUAL(ok.msg.target, "");
  CAF_CHECK_EQUAL(ok.msg.store, true);
  auto control = make_server_publication(
    R"({"action":8,"topic":"chat:x","payload":1})", 64, 256);
  CAF_CHECK(!control.ok);
  CAF_CHECK_EQUAL(control.code, "bad_action");
  auto topic = make_server_publication(
    R"({"action":12,"topic":"chat","payload":1})", 64, 256);
  CAF_CHECK(!topic.ok);
  CAF_CHECK_EQUAL(topic.code, "bad_topic");
}
