// What the actors.connection* suites share: a connection of alice's over a
// recording socket, a keepalive and a relay-type topic directory; a second,
// capped connection (max_topics 3); and the outcome of a reply frame.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "actors/connection.hpp"
#include "actors/topic_type.hpp"
#include "tests/unit/fixtures.hpp"

namespace sockd::connection_test {

using sockd::test::field;
using sockd::test::recorder;
using json = nlohmann::json;

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
    auto cfg = alice_config("c1", out);
    cfg.messages_per_second = 1;
    cfg.messages_burst = 3;
    cfg.keepalive = keepalive;
    cfg.ping_timeout = std::chrono::seconds(90);
    conn = spawn_connection(sys, cfg);
    script->allowed.emplace("alice", "chat:lobby");
    settle();
  }

  // A connection of alice's as `cid` over `socket`, on this fixture's
  // directory and database; the rest is the config's defaults.
  connection_config alice_config(const std::string& cid,
                                 std::shared_ptr<recorder> socket) {
    connection_config cfg;
    cfg.sub = "alice";
    cfg.cid = cid;
    cfg.out = std::move(socket);
    cfg.directory = directory;
    cfg.db = db;
    return cfg;
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

inline json parsed(const std::string& frame) {
  return json::parse(frame);
}

// A second connection of alice's that may hold 3 memberships, at a rate
// that never limits the test.
struct capped_fixture : connection_fixture {
  std::shared_ptr<recorder> capped_out = std::make_shared<recorder>();
  connection_actor capped;

  capped_fixture() {
    auto cfg = alice_config("c2", capped_out);
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
inline std::string outcome(const std::string& frame) {
  auto x = json::parse(frame);
  if (x["action"] == "ERROR")
    return x["payload"]["code"].get<std::string>();
  if (x["action"].is_string())
    return x["action"].get<std::string>();
  return std::to_string(x["action"].get<int>());
}

inline std::vector<std::string> outcomes(const std::vector<std::string>& frames) {
  std::vector<std::string> result;
  for (auto& f : frames)
    result.push_back(outcome(f));
  return result;
}

} // namespace sockd::connection_test
