// Shared pieces of the actor unit tests: a socket that records what it is
// sent, a database double with scripted answers, and a fixture that
// registers sockd's message types on the deterministic coordinator.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include <caf/test/dsl.hpp>
#include <nlohmann/json.hpp>

#include "actors/topic_type.hpp"
#include "db/database.hpp"
#include "interfaces/messages.hpp"
#include "interfaces/outbound.hpp"

namespace sockd::test {

/// An outbound socket that keeps every frame and close it gets. Like a
/// socket, frames queued without a flush are not out yet (`frames` only
/// holds what a send or a flush let out), and only the queue that finds
/// nothing waiting asks for a flush.
struct recorder : outbound {
  std::vector<std::string> frames;
  std::vector<std::string> waiting; // queued, no flush yet
  std::vector<std::pair<uint16_t, std::string>> closes;
  size_t flushes = 0;

  // A socket whose write someone else owes waits for that flush.
  void send(frame_ptr frame) override {
    if (queue(std::move(frame)))
      flush();
  }

  bool queue(frame_ptr frame) override {
    waiting.push_back(*frame);
    return waiting.size() == 1;
  }

  void flush() override {
    ++flushes;
    frames.insert(frames.end(), waiting.begin(), waiting.end());
    waiting.clear();
  }

  /// Frames per send_backlog call. Like a socket, a backlog goes out
  /// behind what was queued before it.
  std::vector<size_t> backlogs;

  void send_backlog(std::vector<frame_ptr> backlog) override {
    backlogs.push_back(backlog.size());
    auto idle = waiting.empty();
    for (auto& frame : backlog)
      waiting.push_back(*frame);
    if (idle)
      flush();
  }

  void close(uint16_t code, std::string reason) override {
    closes.emplace_back(code, std::move(reason));
  }

  /// Returns and forgets the frames received so far.
  std::vector<std::string> take() {
    auto result = std::move(frames);
    frames.clear();
    return result;
  }
};

/// What the database double answers; tests change it between steps.
struct database_script {
  std::set<std::pair<std::string, std::string>> allowed; // (sub, topic)
  bool down = false;
  bool fail_stores = false;
  std::vector<stored_message> stored;
  writer_list writers;
  size_t writer_queries = 0; // participant lists asked for
  size_t batched_allows = 0;  // allow(type, subs, ...) re-checks asked for
  std::vector<std::string> opened;
  std::vector<std::string> closed;
};

database_actor spawn_database_double(caf::actor_system& sys,
                                     std::shared_ptr<database_script> script);

struct config : caf::actor_system_config {
  config() {
    register_message_types(*this);
  }
};

struct fixture : test_coordinator_fixture<config> {
  std::shared_ptr<database_script> script
    = std::make_shared<database_script>();
  database_actor db = spawn_database_double(sys, script);

  /// Runs every actor until no message is left, without firing timers
  /// (the dsl's run() also fires them, which would run keepalives forever).
  void settle() {
    sched.run();
  }

  /// Moves the clock, fires what is due, then settles.
  void pass(caf::timespan t) {
    sched.clock().advance_time(t);
    settle();
  }
};

/// A stand-in for a connection actor: topics monitor it; killing it is a
/// disconnect.
caf::actor spawn_peer(caf::actor_system& sys);

} // namespace sockd::test

namespace sockd::test {

/// A member of a JSON frame by value (`inner`: a member of that member).
/// CAF's check macros must not hold a reference into a temporary.
inline nlohmann::json field(const std::string& frame, const char* key,
                            const char* inner = nullptr) {
  auto value = nlohmann::json::parse(frame).value(key, nlohmann::json{});
  return inner ? value.value(inner, nlohmann::json{}) : value;
}

/// The leave notices (action 4) among `frames`, by payload ("sub:cid").
inline std::vector<std::string>
leave_notices(const std::vector<std::string>& frames) {
  std::vector<std::string> result;
  for (auto& f : frames)
    if (field(f, "action") == 4)
      result.push_back(field(f, "payload").get<std::string>());
  return result;
}

/// Sends a request from the fixture's scoped actor, runs the scheduler and
/// returns the answer (or its error).
template <class T, class Fixture, class Handle, class... Ts>
caf::expected<T> ask(Fixture& fx, const Handle& dest, Ts&&... xs) {
  caf::expected<T> result{caf::sec::unexpected_response};
  auto handle = fx.self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
  fx.settle();
  handle.receive([&](T& value) { result = std::move(value); },
                 [&](caf::error& err) { result = std::move(err); });
  return result;
}

} // namespace sockd::test

namespace sockd::test {

/// A topic of the type `Factory` spawns, with clients that join it.
template <owner_topic_actor (*Factory)(caf::actor_system&, topic_context)>
struct topic_fixture : fixture {
  const std::string name = "chat:lobby";
  topic_actor topic;

  struct client {
    member info;
    std::shared_ptr<recorder> out;
    caf::actor peer;
  };

  std::map<std::string, client> clients;

  topic_fixture() {
    topic = Factory(sys, topic_context{name, "chat", "lobby", db});
  }

  client& make_client(const std::string& cid, const std::string& sub) {
    auto out = std::make_shared<recorder>();
    auto peer = spawn_peer(sys);
    auto& c = clients[cid];
    c = client{member{cid, sub, peer.address(), out}, out, peer};
    return c;
  }

  caf::expected<bool> join(const std::string& cid, const std::string& sub) {
    script->allowed.emplace(sub, name);
    auto& c = clients.count(cid) ? clients[cid] : make_client(cid, sub);
    return ask<bool>(*this, topic, join_atom::value, c.info);
  }

  caf::expected<bool> publish(const std::string& cid, std::string payload,
                              std::string target = {}, bool store = false,
                              std::string action = "12") {
    publication msg{std::move(action), std::move(payload), std::move(target), store,
              cid, clients[cid].info.sub};
    return ask<bool>(*this, topic, publish_atom::value, std::move(msg));
  }

  std::vector<std::string> frames(const std::string& cid) {
    return clients[cid].out->take();
  }
};

} // namespace sockd::test
