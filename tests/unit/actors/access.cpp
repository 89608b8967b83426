#define CAF_SUITE actors.access
// Revocation while connected (actors/access.hpp): real connections and a
// real relay topic, the access actor and the database double. A re-check
// asks the database ONE query per topic for all the members checked; a
// member it no longer allows gets ERROR forbidden after leaving, the others
// action 4, and its connection forgets the membership.

#include "actors/access.hpp"

#include "actors/connection.hpp"
#include "actors/topic_type.hpp"
#include "tests/unit/fixtures.hpp"

using namespace sockd;
using sockd::test::field;
using sockd::test::leave_notices;
using sockd::test::recorder;

namespace {

struct access_fixture : sockd::test::fixture {
  topic_directory_actor directory;
  access_actor access;
  std::map<std::string, std::shared_ptr<recorder>> sockets; // by cid
  std::map<std::string, connection_actor> conns;

  access_fixture() {
    auto types = std::make_shared<topic_types>();
    types->add("*", spawn_relay_topic);
    directory = spawn_topic_directory(sys, types, db);
    access_config cfg;
    cfg.db = db;
    cfg.schema = "s";
    cfg.interval = std::chrono::seconds(1);
    cfg.slice = std::chrono::milliseconds(100);
    access = spawn_access(sys, cfg);
  }

  ~access_fixture() {
    // The periodic timer never runs out: stop it before the teardown runs
    // every timer to the end.
    caf::anon_send_exit(access, caf::exit_reason::user_shutdown);
    settle();
  }

  void connect(const std::string& cid, const std::string& sub) {
    auto out = std::make_shared<recorder>();
    connection_config cfg;
    cfg.sub = sub;
    cfg.cid = cid;
    cfg.out = out;
    cfg.directory = directory;
    cfg.db = db;
    cfg.access = access;
    sockets[cid] = out;
    conns[cid] = spawn_connection(sys, cfg);
    settle();
  }

  std::vector<std::string> frame(const std::string& cid,
                                 const std::string& text) {
    self->send(conns[cid], frame_atom::value, text);
    settle();
    return sockets[cid]->take();
  }

  void join(const std::string& cid, const std::string& topic) {
    script->allowed.emplace(conns_sub(cid), topic);
    auto got = frame(cid, R"({"action":8,"topic":")" + topic + R"("})");
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    CAF_REQUIRE_EQUAL(field(got[0], "action"), 8);
  }

  std::string conns_sub(const std::string& cid) {
    return cid.substr(0, cid.find('-'));
  }

  void notify(const std::string& json) {
    self->send(access, recheck_atom::value, json);
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(access_tests, access_fixture)

CAF_TEST(a revoked member gets ERROR forbidden and the others action 4) {
  connect("alice-1", "alice");
  connect("bob-1", "bob");
  join("alice-1", "chat:lobby");
  join("bob-1", "chat:lobby");
  sockets["alice-1"]->take();
  sockets["bob-1"]->take();
  script->allowed.erase({"alice", "chat:lobby"});
  notify(R"({"schema":"s","user":"alice","pattern":"chat:*"})");
  CAF_CHECK_EQUAL(script->batched_allows, 1u);
  auto got = sockets["alice-1"]->take();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), "ERROR");
  CAF_CHECK_EQUAL(field(got[0], "topic"), "chat:lobby");
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "forbidden");
  CAF_CHECK_EQUAL(field(got[0], "payload", "request"), 8);
  CAF_CHECK_EQUAL(leave_notices(sockets["bob-1"]->take()),
                  std::vector<std::string>{"alice:alice-1"});
  // The connection forgot it: a relay is not_subscribed, bob's reaches bob
  // alone.
  auto relay = frame("alice-1", R"({"action":12,"topic":"chat:lobby"})");
  CAF_REQUIRE_EQUAL(relay.size(), 1u);
  CAF_CHECK_EQUAL(field(relay[0], "payload", "code"), "not_subscribed");
  CAF_CHECK_EQUAL(frame("bob-1", R"({"action":12,"topic":"chat:lobby"})")
                    .size(),
                  1u);
  CAF_CHECK(sockets["alice-1"]->take().empty());
  // The same change again: nothing left to revoke, no query.
  notify(R"({"schema":"s","user":"alice","pattern":"chat:*"})");
  CAF_CHECK_EQUAL(script->batched_allows, 1u);
}

CAF_TEST(one query per topic whatever the number of members) {
  for (auto cid : {"a-1", "b-1", "c-1", "a-2"}) {
    connect(cid, conns_sub(cid));
    join(cid, "chat:one");
  }
  connect("d-1", "d");
  join("d-1", "chat:two");
  self->send(access, recheck_atom::value); // everything
  settle();
  CAF_CHECK_EQUAL(script->batched_allows, 2u);
  for (auto& kvp : sockets) // nobody lost anything
    for (auto& f : kvp.second->take())
      CAF_CHECK_NOT_EQUAL(field(f, "action"), "ERROR");
  // Both connections of user a go with one answer.
  script->allowed.erase({"a", "chat:one"});
  notify(R"({"schema":"s","user":"a","pattern":"chat:one"})");
  CAF_CHECK_EQUAL(script->batched_allows, 3u);
  // Each ends with its ERROR (the first to leave may have seen the other's
  // action 4 before its own revocation).
  for (auto cid : {"a-1", "a-2"}) {
    auto got = sockets[cid]->take();
    CAF_REQUIRE(!got.empty());
    CAF_CHECK_EQUAL(field(got.back(), "payload", "code"), "forbidden");
  }
  CAF_CHECK_EQUAL(leave_notices(sockets["b-1"]->take()).size(), 2u);
}

CAF_TEST(other schemas and unmatched patterns are ignored) {
  connect("alice-1", "alice");
  join("alice-1", "chat:lobby");
  script->allowed.clear();
  notify(R"({"schema":"other","all":true})");
  notify(R"({"schema":"s","user":"alice","pattern":"room:*"})");
  notify(R"({"schema":"s","user":"bob","pattern":"*"})");
  notify("not json");
  CAF_CHECK_EQUAL(script->batched_allows, 0u);
  notify(R"({"schema":"s","all":true})");
  CAF_CHECK_EQUAL(script->batched_allows, 1u);
}

CAF_TEST(a database error revokes nobody) {
  connect("alice-1", "alice");
  join("alice-1", "chat:lobby");
  sockets["alice-1"]->take();
  script->allowed.clear();
  script->down = true;
  notify(R"({"schema":"s","all":true})");
  CAF_CHECK_EQUAL(script->batched_allows, 1u);
  CAF_CHECK(sockets["alice-1"]->take().empty());
  script->down = false;
  notify(R"({"schema":"s","all":true})");
  CAF_CHECK_EQUAL(sockets["alice-1"]->take().size(), 1u);
}

CAF_TEST(the periodic re-check visits every topic once per interval) {
  for (int i = 0; i < 20; ++i) {
    auto cid = "u" + std::to_string(i) + "-1";
    connect(cid, conns_sub(cid));
    join(cid, "chat:t" + std::to_string(i));
  }
  // Ten slices of 100 ms: each topic's slice comes once per second.
  for (int i = 0; i < 10; ++i)
    pass(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(script->batched_allows, 20u);
  for (int i = 0; i < 10; ++i)
    pass(std::chrono::milliseconds(100));
  CAF_CHECK_EQUAL(script->batched_allows, 40u);
}

CAF_TEST(the API unsubscribe sends the unsubscribe ack and frees the slot) {
  connect("alice-1", "alice");
  connect("bob-1", "bob");
  join("alice-1", "chat:lobby");
  join("bob-1", "chat:lobby");
  sockets["bob-1"]->take();
  int32_t removed = -1;
  int32_t members = -1;
  auto handle = self->request(access, caf::infinite, leave_atom::value,
                              std::string{"alice"}, std::string{"chat:lobby"});
  settle();
  handle.receive(
    [&](int32_t r, int32_t m) {
      removed = r;
      members = m;
    },
    [&](caf::error& err) { CAF_FAIL(sys.render(err)); });
  CAF_CHECK_EQUAL(removed, 1);
  CAF_CHECK_EQUAL(members, 2);
  auto got = sockets["alice-1"]->take();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 9);
  CAF_CHECK_EQUAL(leave_notices(sockets["bob-1"]->take()),
                  std::vector<std::string>{"alice:alice-1"});
  // Joining again asks the allowance again (still allowed here).
  join("alice-1", "chat:lobby");
}

CAF_TEST(a dead connection is forgotten) {
  connect("alice-1", "alice");
  join("alice-1", "chat:lobby");
  self->send_exit(conns["alice-1"], caf::exit_reason::user_shutdown);
  settle();
  notify(R"({"schema":"s","all":true})");
  CAF_CHECK_EQUAL(script->batched_allows, 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
