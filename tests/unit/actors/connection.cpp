#define CAF_SUITE actors.connection

#include "actors/connection.hpp"

#include "tests/unit/fixtures.hpp"

#include "actors/topic_type.hpp"

#include <nlohmann/json.hpp>

using namespace sockd;
using sockd::test::field;
using sockd::test::recorder;
using json = nlohmann::json;

namespace {

struct connection_fixture : sockd::test::fixture {
  std::shared_ptr<recorder> out = std::make_shared<recorder>();
  topic_directory_actor directory;
  keepalive_actor keepalive;
  connection_actor conn;

  connection_fixture() {
    keepalive = spawn_keepalive(sys, std::chrono::seconds(30));
    auto types = std::make_shared<topic_types>();
    types->add("*", spawn_relay_topic);
    directory = spawn_topic_directory(sys, types, db);
    connection_config cfg;
    cfg.sub = "alice";
    cfg.cid = "c1";
    cfg.out = out;
    cfg.directory = directory;
    cfg.db = db;
    cfg.messages_per_second = 1;
    cfg.messages_burst = 3;
    cfg.keepalive = keepalive;
    cfg.ping_timeout = std::chrono::seconds(90);
    conn = spawn_connection(sys, cfg);
    script->allowed.emplace("alice", "chat:lobby");
    settle();
  }

  // The ticker never runs out of timers: stop it before the fixture's
  // teardown runs every timer to the end.
  ~connection_fixture() {
    caf::anon_send_exit(keepalive, caf::exit_reason::user_shutdown);
    settle();
  }

  // Sends a text frame and returns what the socket got for it.
  std::vector<std::string> frame(const std::string& text) {
    self->send(conn, frame_atom::value, text);
    settle();
    return out->take();
  }

  void join() {
    auto got = frame(R"({"action":8,"topic":"chat:lobby"})");
    CAF_REQUIRE_EQUAL(got.size(), 1u);
  }
};

json parsed(const std::string& frame) {
  return json::parse(frame);
}

// A second connection of alice's that may hold 3 memberships, at a rate
// that never limits the test.
struct capped_fixture : connection_fixture {
  std::shared_ptr<recorder> capped_out = std::make_shared<recorder>();
  connection_actor capped;

  capped_fixture() {
    connection_config cfg;
    cfg.sub = "alice";
    cfg.cid = "c2";
    cfg.out = capped_out;
    cfg.directory = directory;
    cfg.db = db;
    cfg.messages_per_second = 1000;
    cfg.messages_burst = 1000;
    cfg.max_topics = 3;
    capped = spawn_connection(sys, cfg);
    for (auto t : {"chat:t1", "chat:t2", "chat:t3", "chat:t4", "chat:t5"})
      script->allowed.emplace("alice", t);
    settle();
  }

  void send(const std::string& text) {
    self->send(capped, frame_atom::value, text);
  }

  std::vector<std::string> frame(const std::string& text) {
    send(text);
    settle();
    return capped_out->take();
  }

  std::vector<std::string> subscribe(const std::string& topic,
                                     const std::string& id = "s") {
    return frame(R"({"action":8,"topic":")" + topic + R"(","id":")" + id
                 + R"("})");
  }
};

// "ACK", "8", "9" or the code of an ERROR frame.
std::string outcome(const std::string& frame) {
  auto x = json::parse(frame);
  if (x["action"] == "ERROR")
    return x["payload"]["code"].get<std::string>();
  if (x["action"].is_string())
    return x["action"].get<std::string>();
  return std::to_string(x["action"].get<int>());
}

std::vector<std::string> outcomes(const std::vector<std::string>& frames) {
  std::vector<std::string> result;
  for (auto& f : frames)
    result.push_back(outcome(f));
  return result;
}


} // namespace

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

CAF_TEST(frames over the rate are dropped with rate_limited) {
  join(); // one token of the burst of 3
  auto a = frame(R"({"action":12,"topic":"chat:lobby","payload":1,"id":"1"})");
  auto b = frame(R"({"action":12,"topic":"chat:lobby","payload":2,"id":"2"})");
  auto c = frame(R"({"action":12,"topic":"chat:lobby","payload":3,"id":"3"})");
  CAF_CHECK_EQUAL(a.size(), 2u);
  CAF_CHECK_EQUAL(b.size(), 2u);
  CAF_REQUIRE_EQUAL(c.size(), 1u);
  CAF_CHECK_EQUAL(field(c[0], "payload", "code"), "rate_limited");
  CAF_CHECK_EQUAL(field(c[0], "payload", "id"), "3");
  // Without ids, at most one rate_limited error a second.
  CAF_CHECK_EQUAL(frame("garbage").size(), 1u);
  CAF_CHECK_EQUAL(frame("garbage").size(), 0u);
  CAF_CHECK_EQUAL(frame(R"({"action":12,"topic":"chat:lobby"})").size(), 0u);
  // Keepalives are exempt.
  CAF_CHECK_EQUAL(frame(R"({"payload":"PING"})"),
                  std::vector<std::string>{R"({"payload":"PONG"})"});
  // One token a second comes back.
  pass(std::chrono::seconds(1));
  out->take(); // the keepalive timer may not fire yet; nothing else is sent
  auto d = frame(R"({"action":12,"topic":"chat:lobby","payload":4})");
  CAF_REQUIRE_EQUAL(d.size(), 1u);
  CAF_CHECK_EQUAL(field(d[0], "payload"), 4);
}

CAF_TEST(frames over the rate are not parsed) {
  join(); // one token of the burst of 3
  frame(R"({"action":12,"topic":"chat:lobby","payload":1})");
  frame(R"({"action":12,"topic":"chat:lobby","payload":2})");
  // The bucket is empty: a frame too deep to parse, with an id, gets the
  // rate_limited error (a parse would have made it bad_frame).
  auto nested = std::string(100000, '[') + std::string(100000, ']');
  auto deep = std::string{R"({"action":12,"topic":"chat:lobby","payload":)"}
              + nested + R"(,"id":"deep"})";
  auto got = frame(deep);
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "rate_limited");
  CAF_CHECK_EQUAL(field(got[0], "payload", "id"), "deep");
  CAF_CHECK_EQUAL(field(got[0], "topic"), "chat:lobby");
  CAF_CHECK_EQUAL(field(got[0], "payload", "request"), 12);
  // A large frame with its id after the payload: every one is answered.
  auto big = std::string{R"({"action":12,"topic":"chat:lobby","payload":")"}
             + std::string(65000, 'x') + R"(","id":"big"})";
  for (int i = 0; i < 3; ++i) {
    got = frame(big);
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(field(got[0], "payload", "id"), "big");
  }
  // Without an id: one error, then silence for a second.
  CAF_CHECK_EQUAL(frame(R"({"action":12,"payload":)" + nested + "}").size(),
                  1u);
  CAF_CHECK_EQUAL(frame("garbage").size(), 0u);
  // Keepalives are still exempt, spaced or not.
  CAF_CHECK_EQUAL(frame(R"( { "payload" : "PING" } )"),
                  std::vector<std::string>{R"({"payload":"PONG"})"});
  CAF_CHECK_EQUAL(frame(R"({"payload":"PONG"})").size(), 0u);
  // Back under the rate, the same deep frame is parsed: bad_frame, and the
  // connection goes on.
  pass(std::chrono::seconds(1));
  out->take();
  got = frame(deep);
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "code"), "bad_frame");
  CAF_CHECK_EQUAL(field(got[0], "payload", "message"),
                  "frame nests deeper than 64 levels (max_json_depth)");
  pass(std::chrono::seconds(1));
  out->take();
  got = frame(R"({"action":12,"topic":"chat:lobby","payload":{"n":1e400}})");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_NOT_EQUAL(got[0].find(R"("payload":{"n":1e400})"),
                      std::string::npos);
}

CAF_TEST(the limits come from the connection config) {
  connection_config cfg;
  cfg.sub = "alice";
  cfg.cid = "c2";
  cfg.out = out;
  cfg.directory = directory;
  cfg.db = db;
  cfg.limits.max_json_depth = 2;
  cfg.limits.max_topic_bytes = 10;
  auto other = spawn_connection(sys, cfg);
  settle();
  self->send(other, frame_atom::value,
             std::string{R"({"action":8,"topic":"chat:lobby-long"})"});
  settle();
  auto got = out->take();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "message"),
                  "topic is longer than 10 bytes (max_topic_bytes)");
  CAF_CHECK_EQUAL(field(got[0], "topic"), nullptr);
  self->send(other, frame_atom::value,
             std::string{R"({"action":8,"topic":"chat:lobby","payload":[[]]})"});
  settle();
  got = out->take();
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(field(got[0], "payload", "message"),
                  "frame nests deeper than 2 levels (max_json_depth)");
  self->send(other, closed_atom::value);
  settle();
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

CAF_TEST_FIXTURE_SCOPE(connection_cap_tests, capped_fixture)

CAF_TEST(a subscribe over max_topics is limit_exceeded with its id) {
  using v = std::vector<std::string>;
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t1")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t2")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t3")), v({"8", "ACK"}));
  auto got = subscribe("chat:t4", "s4");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  auto err = parsed(got[0]);
  CAF_CHECK_EQUAL(err["action"], "ERROR");
  CAF_CHECK_EQUAL(err["topic"], "chat:t4");
  CAF_CHECK_EQUAL(err["payload"]["code"], "limit_exceeded");
  CAF_CHECK_EQUAL(err["payload"]["request"], 8);
  CAF_CHECK_EQUAL(err["payload"]["id"], "s4");
  CAF_CHECK_NOT_EQUAL(err["payload"]["message"].get<std::string>().find(
                        "at most 3"),
                      std::string::npos);
  // A topic held already does not count again.
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t2")), v({"8", "ACK"}));
  // The refused subscribe joined nothing.
  CAF_CHECK_EQUAL(outcome(frame(R"({"action":12,"topic":"chat:t4"})")[0]),
                  "not_subscribed");
  // Unsubscribing frees a slot.
  CAF_CHECK_EQUAL(outcomes(frame(R"({"action":9,"topic":"chat:t1"})")),
                  v({"9"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t4")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t5")), v({"limit_exceeded"}));
}

CAF_TEST(joins under way count against max_topics) {
  for (auto t : {"chat:t1", "chat:t2", "chat:t3", "chat:t4", "chat:t1"})
    send(R"({"action":8,"topic":")" + std::string{t} + R"(","id":")" + t
         + R"("})");
  settle();
  std::map<std::string, std::string> last; // topic -> last outcome
  for (auto& f : capped_out->take())
    last[parsed(f)["topic"].get<std::string>()] = outcome(f);
  CAF_CHECK_EQUAL(last["chat:t1"], "ACK");
  CAF_CHECK_EQUAL(last["chat:t2"], "ACK");
  CAF_CHECK_EQUAL(last["chat:t3"], "ACK");
  CAF_CHECK_EQUAL(last["chat:t4"], "limit_exceeded");
}

CAF_TEST(a refused join frees its slot) {
  using v = std::vector<std::string>;
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t1")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t2")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:secret")), v({"forbidden"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:t3")), v({"8", "ACK"}));
  CAF_CHECK_EQUAL(outcomes(subscribe("chat:secret")), v({"limit_exceeded"}));
}

CAF_TEST_FIXTURE_SCOPE_END()
