#define CAF_SUITE actors.connection
// A connection actor frame by frame: the connection row, bad frames,
// subscribe and unsubscribe, relays, history and keepalive. Its limits
// (rate, parse limits, max_topics) are actors.connection_limits.

#include "actors/connection.hpp"

#include "tests/unit/actors/connection_fixture.hpp"

using namespace sockd;
using namespace sockd::connection_test;

CAF_TEST_FIXTURE_SCOPE(connection_tests, connection_fixture)

CAF_TEST(the connection row is opened at start and closed at the end) {
  CAF_CHECK_EQUAL(script->opened, std::vector<std::string>{"c1"});
  self->send(conn, closed_atom::value);
  settle();
  CAF_CHECK_EQUAL(script->closed, std::vector<std::string>{"c1"});
}

CAF_TEST(a frame that is not a JSON object is a bad_frame) {
  auto got = frame("not json");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"({"action":"ERROR","topic":null,"payload":)"
                          R"({"code":"bad_frame","message":"frame is not a )"
                          R"(JSON object"}})");
  CAF_CHECK_EQUAL(frame("[1,2]").size(), 1u);
}

CAF_TEST(a frame without a valid action is a bad_action) {
  auto got = frame(R"({"topic":"chat:lobby","id":"x1"})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto err = parsed(got[0]);
  auto payload = err["payload"];
  CAF_CHECK_EQUAL(payload["code"], "bad_action");
  CAF_CHECK_EQUAL(payload["id"], "x1");
  CAF_CHECK_EQUAL(err["topic"], "chat:lobby");
}

CAF_TEST(subscribe acks with action 8 and then the ACK of the id) {
  auto got = frame(R"({"action":"Subscribe","topic":"chat:lobby","id":"s"})");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0], R"({"action":8,"topic":"chat:lobby"})");
  CAF_CHECK_EQUAL(got[1], R"({"action":"ACK","topic":"chat:lobby",)"
                          R"("payload":{"id":"s"}})");
}

CAF_TEST(a denied subscribe is forbidden without an ACK) {
  auto got = frame(R"({"action":8,"topic":"chat:secret","id":"s"})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto err = parsed(got[0]);
  CAF_CHECK_EQUAL(err["action"], "ERROR");
  CAF_CHECK_EQUAL(err["payload"]["code"], "forbidden");
  CAF_CHECK_EQUAL(err["payload"]["request"], 8);
  CAF_CHECK_EQUAL(err["payload"]["id"], "s");
}

CAF_TEST(relays are stamped with the connection id) {
  join();
  auto got = frame(R"({"action":"normal-message","topic":"chat:lobby",)"
                   R"("sender":"forged","timestamp":"x","historical":true,)"
                   R"("payload":{"message":"hi"},"id":"m1"})");
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  auto relay = parsed(got[0]);
  CAF_CHECK_EQUAL(relay["sender"], "c1");
  CAF_CHECK_EQUAL(relay["action"], "normal-message");
  CAF_CHECK_EQUAL(relay["payload"]["message"], "hi");
  CAF_CHECK_EQUAL(relay.count("historical"), 0u);
  CAF_CHECK_EQUAL(relay.count("id"), 0u);
  CAF_CHECK_NOT_EQUAL(relay["timestamp"], "x");
  CAF_CHECK_EQUAL(field(got[1], "action"), "ACK");
}

CAF_TEST(a relay without id is broadcast and not acknowledged) {
  join();
  auto got = frame(R"({"action":12,"topic":"chat:lobby","payload":{"n":1}})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 12);
  CAF_CHECK_EQUAL(field(got[0], "payload", "n"), 1);
  CAF_CHECK_EQUAL(field(got[0], "sender"), "c1");
}

CAF_TEST(a relay without id to a stranger is refused with bad_target) {
  join();
  auto got = frame(R"({"action":12,"topic":"chat:lobby",)"
                   R"("payload":{"target":"nobody"}})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "action"), "ERROR");
  CAF_CHECK_EQUAL(field(got[0], "topic"), "chat:lobby");
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "bad_target");
  CAF_CHECK_EQUAL(field(got[0], "payload", "request"), 12);
  CAF_CHECK_EQUAL(parsed(got[0])["payload"].count("id"), 0u);
}

CAF_TEST(a relay right behind the subscribe waits for the join) {
  self->send(conn, frame_atom::value,
             std::string{R"({"action":8,"topic":"chat:lobby"})"});
  self->send(conn, frame_atom::value,
             std::string{R"({"action":12,"topic":"chat:lobby","id":"r"})"});
  settle();
  auto got = out->take();
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(got[0], R"({"action":8,"topic":"chat:lobby"})");
  CAF_CHECK_EQUAL(field(got[1], "action"), 12);
  CAF_CHECK_EQUAL(field(got[2], "action"), "ACK");
}

CAF_TEST(frames waiting for a refused join are not subscribed) {
  self->send(conn, frame_atom::value,
             std::string{R"({"action":8,"topic":"chat:secret"})"});
  self->send(conn, frame_atom::value,
             std::string{R"({"action":12,"topic":"chat:secret"})"});
  settle();
  auto got = out->take();
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "forbidden");
  CAF_CHECK_EQUAL(field(got[1], "payload", "code"), "not_subscribed");
}

CAF_TEST(relays on a topic not joined are refused) {
  auto got = frame(R"({"action":12,"topic":"chat:lobby","payload":1})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "not_subscribed");
}

CAF_TEST(unsubscribe acks with action 9) {
  join();
  auto got = frame(R"({"action":9,"topic":"chat:lobby"})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(got[0], R"({"action":9,"topic":"chat:lobby"})");
  got = frame(R"({"action":9,"topic":"chat:lobby"})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "not_subscribed");
}

CAF_TEST(keepalive pings every interval and closes a silent socket) {
  auto slices = keepalive_slices(std::chrono::seconds(30));
  auto step = caf::timespan{std::chrono::seconds(30)} / slices;
  // The first PING comes within one interval (at the connection's slice).
  for (size_t i = 0; i < slices && out->frames.empty(); ++i)
    pass(step);
  CAF_CHECK_EQUAL(out->take(),
                  std::vector<std::string>{R"({"payload":"PING"})"});
  frame(R"({"payload":"PONG"})"); // a sign of life at that tick
  for (size_t i = 0; i < 2 * slices; ++i)
    pass(step);
  CAF_CHECK_EQUAL(out->take().size(), 2u); // a PING every 30 s
  CAF_CHECK(out->closes.empty());          // 60 s after the PONG
  for (size_t i = 0; i < slices; ++i)
    pass(step);
  CAF_REQUIRE_EQUAL(out->closes.size(), 1u); // 90 s after the PONG
  CAF_CHECK_EQUAL(out->closes[0].first, 1001u);
  CAF_CHECK_EQUAL(out->closes[0].second, "ping timeout");
}

CAF_TEST(a socket closes with 4002 when its login token expires) {
  using namespace std::chrono;
  auto out2 = std::make_shared<recorder>();
  auto cfg = alice_config("c2", out2);
  auto now = duration_cast<seconds>(system_clock::now().time_since_epoch());
  cfg.valid_until = (now + seconds{120}).count();
  auto conn2 = spawn_connection(sys, cfg);
  settle();
  pass(seconds{100}); // well before the end (the wall clock moved < 20 s)
  CAF_CHECK(out2->closes.empty());
  pass(seconds{40});
  CAF_REQUIRE_EQUAL(out2->closes.size(), 1u);
  CAF_CHECK_EQUAL(out2->closes[0].first, 4002u);
  CAF_CHECK_EQUAL(out2->closes[0].second, "token expired");
  self->send(conn2, closed_atom::value);
  settle();
}

CAF_TEST(a token that ended before the upgrade closes the socket at once) {
  auto out2 = std::make_shared<recorder>();
  auto cfg = alice_config("c2", out2);
  cfg.valid_until = 1; // 1970
  auto conn2 = spawn_connection(sys, cfg);
  settle();
  pass(std::chrono::seconds{0});
  CAF_REQUIRE_EQUAL(out2->closes.size(), 1u);
  CAF_CHECK_EQUAL(out2->closes[0].first, 4002u);
  self->send(conn2, closed_atom::value);
  settle();
}

CAF_TEST(without enforce_token_exp the socket outlives any token) {
  auto out2 = std::make_shared<recorder>();
  auto conn2 = spawn_connection(sys, alice_config("c2", out2)); // until 0
  settle();
  pass(std::chrono::hours{48});
  CAF_CHECK(out2->closes.empty());
  self->send(conn2, closed_atom::value);
  settle();
}

CAF_TEST(a closed connection is no longer ticked) {
  auto slices = keepalive_slices(std::chrono::seconds(30));
  auto step = caf::timespan{std::chrono::seconds(30)} / slices;
  self->send(conn, closed_atom::value);
  settle();
  for (size_t i = 0; i < slices; ++i)
    pass(step);
  CAF_CHECK(out->frames.empty());
}

CAF_TEST(load messages replays history newest first with has more) {
  join();
  for (int i = 1; i <= 3; ++i) {
    pass(std::chrono::seconds(1)); // one token a second
    frame(R"({"action":12,"topic":"chat:lobby","store":true,"payload":)"
          + std::to_string(i) + "}");
  }
  out->take();
  auto got = frame(R"({"action":6,"topic":"chat:lobby",)"
                   R"("payload":{"page":1,"pageSize":2},"id":"h"})");
  CAF_REQUIRE_EQUAL(got.size(), 4u);
  auto newest = parsed(got[0]);
  CAF_CHECK_EQUAL(newest["payload"], 3);
  CAF_CHECK_EQUAL(newest["historical"], true);
  CAF_CHECK_EQUAL(newest.count("store"), 0u);
  CAF_CHECK_EQUAL(field(got[1], "payload"), 2);
  CAF_CHECK_EQUAL(got[2], R"({"action":7,"topic":"chat:lobby"})");
  CAF_CHECK_EQUAL(field(got[3], "action"), "ACK");
}

CAF_TEST(database down answers unavailable for subscribe) {
  script->down = true;
  auto got = frame(R"({"action":8,"topic":"chat:lobby"})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "unavailable");
}

CAF_TEST_FIXTURE_SCOPE_END()
