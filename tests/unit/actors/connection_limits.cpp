#define CAF_SUITE actors.connection_limits
// What a connection refuses to do: frames over the rate (dropped before
// parsing), the parse limits of its config, subscribes over max_topics.

#include "actors/connection.hpp"

#include "tests/unit/actors/connection_fixture.hpp"

using namespace sockd;
using namespace sockd::connection_test;

CAF_TEST_FIXTURE_SCOPE(connection_rate_tests, connection_fixture)

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
  auto cfg = alice_config("c2", out);
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
