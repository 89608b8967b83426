#define CAF_SUITE actors.topic_participants

// LOAD_SUBSCRIBERS (actors/topic_participants.cpp): what a list holds, who
// gets it, and one database query per participants_window.
#include "actors/topic.hpp"
#include "actors/topic_type.hpp"

#include "tests/unit/fixtures.hpp"

#include <nlohmann/json.hpp>

using namespace sockd;
using sockd::test::ask;
using sockd::test::field;
using json = nlohmann::json;

namespace {

using topic_fixture = sockd::test::topic_fixture<spawn_relay_topic>;

} // namespace

CAF_TEST_FIXTURE_SCOPE(topic_participants_tests, topic_fixture)

CAF_TEST(load subscribers merges online members with stored writers) {
  join("a", "alice");
  join("b", "bob");
  join("b2", "bob");
  for (auto cid : {"a", "b", "b2"})
    frames(cid);
  script->writers = {writer{"carol", {"c1", "c2"}, "Carol", "admin"},
                     writer{"alice", {"old", "a"}, "Alice", ""}};
  CAF_CHECK_EQUAL(ask<bool>(*this, topic, members_atom::value,
                            std::string{"b"}),
                  true);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(frames("b"), got);
  CAF_CHECK_EQUAL(frames("b2"), got);
  auto frame = json::parse(got[0]);
  CAF_CHECK_EQUAL(frame["action"], 10);
  CAF_CHECK_EQUAL(frame["sender"], "b");
  auto& p = frame["payload"];
  CAF_CHECK_EQUAL(p["carol"]["online"], false);
  CAF_CHECK_EQUAL(p["carol"]["cids"], json({"c1", "c2"}));
  CAF_CHECK_EQUAL(p["carol"]["name"], "Carol");
  CAF_CHECK_EQUAL(p["carol"]["role"], "admin");
  CAF_CHECK_EQUAL(p["alice"]["online"], true);
  CAF_CHECK_EQUAL(p["alice"]["cids"], json({"old", "a"}));
  CAF_CHECK_EQUAL(p["bob"]["online"], true);
  CAF_CHECK_EQUAL(p["bob"]["cids"], json({"b", "b2"}));
  CAF_CHECK_EQUAL(p["bob"]["scid"], "bob");
  CAF_CHECK_EQUAL(p["bob"]["exists"], true);
}

CAF_TEST(load subscribers in a flood queries once per window) {
  join("a", "alice");
  join("b", "bob");
  join("c", "carol");
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  // The first request of a topic starts a list at once; the other 49 wait
  // for the window to end and share one list.
  for (int i = 0; i < 50; ++i)
    self->send(topic, members_atom::value, std::string{"a"});
  settle();
  CAF_CHECK_EQUAL(script->writer_queries, 1u);
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
  CAF_CHECK_EQUAL(frames("b").size(), 1u);
  CAF_CHECK_EQUAL(frames("c").size(), 1u);
  pass(participants_window);
  CAF_CHECK_EQUAL(script->writer_queries, 2u);
  // Nothing changed since the list everyone got: the requester alone.
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 10);
  CAF_CHECK_EQUAL(field(got[0], "sender"), "a");
  CAF_CHECK_EQUAL(frames("b").size(), 0u);
  CAF_CHECK_EQUAL(frames("c").size(), 0u);
  pass(participants_window * 10);
  CAF_CHECK_EQUAL(script->writer_queries, 2u);
}

CAF_TEST(every request in a window is answered by the next list) {
  join("a", "alice");
  join("b", "bob");
  join("c", "carol");
  CAF_CHECK_EQUAL(ask<bool>(*this, topic, members_atom::value,
                            std::string{"a"}),
                  true);
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  auto rb = self->request(topic, caf::infinite, members_atom::value,
                          std::string{"b"});
  auto rc = self->request(topic, caf::infinite, members_atom::value,
                          std::string{"c"});
  settle();
  CAF_CHECK_EQUAL(frames("b").size(), 0u); // the window is not over
  pass(participants_window);
  int answered = 0;
  rb.receive([&](bool) { ++answered; }, [](caf::error&) {});
  rc.receive([&](bool) { ++answered; }, [](caf::error&) {});
  CAF_CHECK_EQUAL(answered, 2);
  auto got_b = frames("b");
  auto got_c = frames("c");
  CAF_REQUIRE_EQUAL(got_b.size(), 1u);
  CAF_REQUIRE_EQUAL(got_c.size(), 1u);
  // Each requester knows its answer by its own id; the lists are the same.
  CAF_CHECK_EQUAL(field(got_b[0], "sender"), "b");
  CAF_CHECK_EQUAL(field(got_c[0], "sender"), "c");
  CAF_CHECK_EQUAL(field(got_b[0], "payload"), field(got_c[0], "payload"));
  CAF_CHECK_EQUAL(frames("a").size(), 0u); // a has that list already
}

CAF_TEST(members joining within a window each get their own answer) {
  join("a", "alice");
  CAF_CHECK_EQUAL(ask<bool>(*this, topic, members_atom::value,
                            std::string{"a"}),
                  true);
  join("b", "bob");
  join("c", "carol");
  for (auto cid : {"a", "b", "c"})
    frames(cid);
  // Awayto's client asks right after its join ack.
  self->send(topic, members_atom::value, std::string{"b"});
  self->send(topic, members_atom::value, std::string{"c"});
  settle(); // both wait: a list went out just now
  CAF_CHECK_EQUAL(frames("b").size(), 0u);
  pass(participants_window);
  auto got_a = frames("a");
  auto got_b = frames("b");
  auto got_c = frames("c");
  CAF_REQUIRE_EQUAL(got_a.size(), 1u);
  CAF_REQUIRE_EQUAL(got_b.size(), 1u);
  CAF_REQUIRE_EQUAL(got_c.size(), 1u);
  CAF_CHECK_EQUAL(field(got_a[0], "sender"), "b"); // the first request
  CAF_CHECK_EQUAL(field(got_b[0], "sender"), "b");
  CAF_CHECK_EQUAL(field(got_c[0], "sender"), "c");
  auto p = field(got_a[0], "payload");
  CAF_CHECK_EQUAL(p.size(), 3u);
  CAF_CHECK_EQUAL(field(got_b[0], "payload"), p);
  CAF_CHECK_EQUAL(field(got_c[0], "payload"), p);
}

CAF_TEST(a list after a membership change reaches every member) {
  join("a", "alice");
  join("b", "bob");
  ask<bool>(*this, topic, members_atom::value, std::string{"a"});
  frames("a");
  frames("b");
  // b leaves and comes back: the list is the same as the last one, but a
  // was told b left, so a gets it again.
  ask<bool>(*this, topic, leave_atom::value, std::string{"b"});
  join("b", "bob");
  frames("a");
  frames("b");
  pass(participants_window);
  ask<bool>(*this, topic, members_atom::value, std::string{"b"});
  pass(participants_window);
  auto got = frames("a");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "sender"), "b");
  CAF_CHECK_EQUAL(field(got[0], "payload", "bob"),
                  json::parse(R"({"scid":"bob","cids":["b"],"name":"",)"
                              R"("role":"","color":"","exists":true,)"
                              R"("online":true})"));
  CAF_CHECK_EQUAL(frames("b"), got);
  // A new writer changes the list: everyone again.
  script->writers = {writer{"dave", {"d1"}, "", ""}};
  pass(participants_window);
  ask<bool>(*this, topic, members_atom::value, std::string{"b"});
  pass(participants_window);
  CAF_CHECK_EQUAL(frames("a").size(), 1u);
  CAF_CHECK_EQUAL(frames("b").size(), 1u);
}

CAF_TEST(a participant list of many members is built once per list) {
  for (int i = 0; i < 2000; ++i)
    join("c" + std::to_string(i), "u" + std::to_string(i % 1000));
  frames("c0");
  CAF_CHECK_EQUAL(ask<bool>(*this, topic, members_atom::value,
                            std::string{"c0"}),
                  true);
  auto got = frames("c0");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto p = field(got[0], "payload");
  CAF_CHECK_EQUAL(p.size(), 1000u);
  CAF_CHECK_EQUAL(p["u7"]["cids"], json({"c7", "c1007"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
