// Three simulated sockd nodes (earth, mars, jupiter) on CAF's test
// multiplexer: real BASP between them, no sockets, one deterministic
// scheduler per node. They share one database double (one PostgreSQL).
// A fourth planet, pluto, is wired and started only by the tests that need
// an intruder or a restarted node. The test multiplexer has no TLS: tests
// give nodes `identities` (certificates in memory) to check the proofs of
// their names, not the handshake.
//
// The fixture never fires timers on its own (the nodes have periodic ones):
// settle() runs messages and network traffic until every node is quiet,
// pass(t) moves every live node's clock by t first. kill(name) cuts every
// connection of a node both ways, as a kill -9 does, and stops running it.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <caf/io/basp_broker.hpp>
#include <caf/io/system_messages.hpp>
#include <caf/test/io_dsl.hpp>

#include "actors/topics/builtin.hpp"
#include "cluster/node.hpp"
#include "cluster/placement.hpp"
#include "tests/unit/fixtures.hpp"

namespace sockd::test {

struct cluster_test_config : caf::actor_system_config {
  cluster_test_config() {
    load<caf::io::middleman>();
    register_message_types(*this);
    cluster::register_cluster_types(*this);
  }
};

using planet_base = test_coordinator_fixture<cluster_test_config>;
using planet = test_node_fixture<planet_base>;

constexpr uint16_t cluster_port = 7000;

struct cluster_fixture : test_network_fixture_base<planet> {
  using super = test_network_fixture_base<planet>;

  planet earth;
  planet mars;
  planet jupiter;
  planet pluto;

  std::map<std::string, planet*> planets;
  std::map<std::string, cluster::node> nodes;
  std::map<std::string, admission_actor> admissions;
  std::set<std::string> dead;
  // The connection handle each side of a pair uses, by (side, other side).
  std::map<std::pair<std::string, std::string>, caf::io::connection_handle>
    handles;
  // The acceptor of each planet that accepts connections.
  std::map<std::string, caf::io::accept_handle> acceptors;
  // The certificate identity of each planet's node, if any.
  std::map<std::string, cluster::tls_identity_ptr> identities;
  std::shared_ptr<database_script> script
    = std::make_shared<database_script>();
  std::shared_ptr<topic_types> types = std::make_shared<topic_types>();

  struct client {
    std::string node;
    member info;
    std::shared_ptr<recorder> out;
    caf::actor peer;
  };

  std::map<std::string, client> clients; // by cid

  /// The three nodes most tests start.
  static inline const string_list all_nodes{"earth", "jupiter", "mars"};

  cluster_fixture()
    : super({&earth, &mars, &jupiter, &pluto}),
      earth([this] { settle(); }),
      mars([this] { settle(); }),
      jupiter([this] { settle(); }),
      pluto([this] { settle(); }) {
    planets = {{"earth", &earth},
               {"mars", &mars},
               {"jupiter", &jupiter},
               {"pluto", &pluto}};
    register_builtin_topic_types(*types);
  }

  ~cluster_fixture() {
    // Stop every node, dead ones included, and drain the network while
    // every planet still exists; the planets' own teardown then finds
    // nothing left to send.
    for (auto& kvp : nodes)
      kvp.second.stop();
    for (auto& kvp : admissions)
      caf::anon_send_exit(kvp.second, caf::exit_reason::user_shutdown);
    for (auto& kvp : clients)
      caf::anon_send_exit(kvp.second.peer, caf::exit_reason::user_shutdown);
    dead.clear();
    settle();
  }

  // -- the network ------------------------------------------------------------

  std::vector<planet*> live() {
    std::vector<planet*> result;
    for (auto& kvp : planets)
      if (dead.count(kvp.first) == 0)
        result.push_back(kvp.second);
    return result;
  }

  void settle() {
    auto step = [](planet* x) {
      return x->sched.try_run_once() || x->mpx.try_exec_runnable()
             || x->mpx.read_data() || x->mpx.try_accept_connection();
    };
    for (int i = 0; i < 1000000; ++i) {
      bool any = false;
      for (auto p : live())
        any = step(p) || any;
      if (!any)
        return;
    }
    CAF_FAIL("the cluster never settled");
  }

  void pass(caf::timespan t) {
    for (auto p : live())
      p->sched.clock().advance_time(t);
    settle();
  }

  // `client_name` connects to `server_name`'s cluster port.
  void wire(const std::string& server_name, const std::string& client_name) {
    auto i = acceptors.find(server_name);
    if (i == acceptors.end())
      i = acceptors.emplace(server_name, next_accept_handle()).first;
    auto hdls = prepare_connection(*planets[server_name],
                                   *planets[client_name], server_name,
                                   cluster_port, i->second);
    handles[{server_name, client_name}] = hdls.first;
    handles[{client_name, server_name}] = hdls.second;
  }

  // Starts a node on planet `name`; `seeds` are the names of planets it
  // connects to. The node calls itself `node_name` (default: the planet's).
  void start(const std::string& name, std::vector<std::string> seeds,
             std::string node_name = {}) {
    auto& p = *planets[name];
    cluster::node_config cfg;
    cfg.name = node_name.empty() ? name : node_name;
    cfg.identity = identities[name];
    for (auto& s : seeds)
      cfg.seeds.push_back(s + ":" + std::to_string(cluster_port));
    cfg.types = types;
    cfg.db = spawn_database_double(p.sys, script);
    // The socket registry the backend API's disconnect and census use.
    admissions[name] = spawn_admission(p.sys, 1000, 100);
    cfg.admission = admissions[name];
    auto n = cluster::spawn_node(p.sys, std::move(cfg));
    // publish() blocks on the middleman actor, run inline: nothing else
    // may be queued for it.
    settle();
    if (!p.mpx.is_known_port(cluster_port)) {
      auto i = acceptors.find(name);
      if (i == acceptors.end())
        i = acceptors.emplace(name, next_accept_handle()).first;
      p.mpx.provide_acceptor(cluster_port, i->second);
    }
    p.publish(n.gateway, cluster_port);
    caf::anon_send(n.membership, cluster::gateway_atom::value,
                   caf::actor_cast<caf::actor>(n.gateway),
                   name + ":" + std::to_string(cluster_port));
    nodes[name] = n;
    settle();
  }

  /// The simulated network between earth, mars and jupiter (earth and
  /// mars accept, jupiter dials).
  void wire_all() {
    wire("earth", "mars");
    wire("earth", "jupiter");
    wire("mars", "jupiter");
  }

  /// earth, then mars (seeding earth), then jupiter (seeding both).
  void start_all() {
    wire_all();
    start("earth", {});
    start("mars", {"earth"});
    start("jupiter", {"earth", "mars"});
  }

  // One member of `topic` on every node: e1 (earth), m1 (mars), j1
  // (jupiter); every frame they got so far is dropped.
  void members_everywhere(const std::string& topic) {
    connect("earth", "e1", "erin");
    connect("mars", "m1", "mark");
    connect("jupiter", "j1", "jade");
    for (auto cid : {"e1", "m1", "j1"}) {
      CAF_REQUIRE_EQUAL(join(cid, topic), true);
    }
    for (auto cid : {"e1", "m1", "j1"})
      frames(cid);
  }

  // m1, j1 then e1 publish {"n":1}, {"n":2}, {"n":3} to `topic`; returns
  // what e1 got.
  std::vector<std::string> publish_in_turn(const std::string& topic) {
    CAF_CHECK_EQUAL(publish("m1", topic, R"({"n":1})"), true);
    CAF_CHECK_EQUAL(publish("j1", topic, R"({"n":2})"), true);
    CAF_CHECK_EQUAL(publish("e1", topic, R"({"n":3})"), true);
    return frames("e1");
  }

  /// A kill -9: every connection of `name` breaks, on both ends, and the
  /// node stops running.
  void kill(const std::string& name) {
    for (auto& kvp : handles) {
      auto& side = kvp.first.first;
      auto& other = kvp.first.second;
      if (side != name && other != name)
        continue;
      auto basp = planets[side]->mm.named_broker<caf::io::basp_broker>(
        caf::atom("BASP"));
      caf::anon_send(basp, caf::io::connection_closed_msg{kvp.second});
    }
    // The dead node's own broker lets go of its peers, then it halts.
    auto& p = *planets[name];
    while (p.sched.try_run_once() || p.mpx.try_exec_runnable()) {
      // drain
    }
    dead.insert(name);
    settle();
  }

  // -- asking actors ----------------------------------------------------------

  template <class T, class Handle, class... Ts>
  caf::expected<T> ask(const std::string& node, const Handle& dest,
                       Ts&&... xs) {
    auto& p = *planets[node];
    caf::expected<T> result{caf::sec::unexpected_response};
    auto handle = p.self->request(dest, caf::infinite,
                                  std::forward<Ts>(xs)...);
    settle();
    handle.receive([&](T& value) { result = std::move(value); },
                   [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  string_list live_nodes(const std::string& node) {
    auto res = ask<string_list>(node, nodes[node].membership,
                                cluster::live_atom::value);
    return res ? *res : string_list{};
  }

  // -- clients ----------------------------------------------------------------

  client& connect(const std::string& node, const std::string& cid,
                  const std::string& sub) {
    auto& p = *planets[node];
    auto out = std::make_shared<recorder>();
    auto peer = spawn_peer(p.sys);
    auto& c = clients[cid];
    c = client{node, member{cid, sub, peer.address(), out}, out, peer};
    return c;
  }

  caf::expected<topic_actor> lookup(const std::string& node,
                                    const std::string& topic) {
    return ask<topic_actor>(node, nodes[node].directory, lookup_atom::value,
                            topic);
  }

  caf::expected<bool> join(const std::string& cid, const std::string& topic) {
    auto& c = clients.at(cid);
    script->allowed.emplace(c.info.sub, topic);
    auto t = lookup(c.node, topic);
    if (!t)
      return t.error();
    return ask<bool>(c.node, *t, join_atom::value, c.info);
  }

  caf::expected<bool> leave(const std::string& cid, const std::string& topic) {
    auto& c = clients.at(cid);
    auto t = lookup(c.node, topic);
    if (!t)
      return t.error();
    return ask<bool>(c.node, *t, leave_atom::value, c.info.cid);
  }

  caf::expected<bool> publish(const std::string& cid, const std::string& topic,
                              std::string payload, std::string target = {},
                              std::string action = "12") {
    auto& c = clients.at(cid);
    auto t = lookup(c.node, topic);
    if (!t)
      return t.error();
    publication msg{std::move(action), std::move(payload), std::move(target), false,
              cid, c.info.sub};
    return ask<bool>(c.node, *t, publish_atom::value, std::move(msg));
  }

  caf::expected<bool> members(const std::string& cid,
                              const std::string& topic) {
    auto& c = clients.at(cid);
    auto t = lookup(c.node, topic);
    if (!t)
      return t.error();
    return ask<bool>(c.node, *t, members_atom::value, c.info.cid);
  }

  std::vector<std::string> frames(const std::string& cid) {
    return clients.at(cid).out->take();
  }

  /// A new node takes a topic of `type` over: e1 (earth) and m1 (mars) are
  /// in a topic that earth and mars place on earth and all three nodes on
  /// jupiter; jupiter starts, the relays detach from earth's topic and
  /// re-join at jupiter's, and nobody is told anyone left. A message
  /// afterwards reaches e1, m1 and j1 (jupiter) once.
  void check_takeover(const std::string& type) {
    wire_all();
    start("earth", {});
    start("mars", {"earth"});
    std::string topic;
    for (int i = 0; i < 10000 && topic.empty(); ++i) {
      auto t = type + ":t" + std::to_string(i);
      if (cluster::owner_of(t, {"earth", "mars"}) == "earth"
          && cluster::owner_of(t, all_nodes) == "jupiter")
        topic = t;
    }
    CAF_REQUIRE(!topic.empty());
    connect("earth", "e1", "erin");
    connect("mars", "m1", "mark");
    CAF_REQUIRE_EQUAL(join("e1", topic), true);
    CAF_REQUIRE_EQUAL(join("m1", topic), true);
    frames("e1");
    frames("m1");
    start("jupiter", {"earth", "mars"});
    pass(std::chrono::seconds(1));
    CAF_CHECK(frames("e1").empty());
    CAF_CHECK(frames("m1").empty());
    connect("jupiter", "j1", "jade");
    CAF_REQUIRE_EQUAL(join("j1", topic), true);
    frames("j1");
    CAF_CHECK_EQUAL(publish("m1", topic, R"({"n":1})"), true);
    auto got = frames("m1");
    CAF_REQUIRE_EQUAL(got.size(), 1u);
    CAF_CHECK_EQUAL(frames("e1"), got);
    CAF_CHECK_EQUAL(frames("j1"), got);
  }

  /// A topic of type `chat` whose owner among `nodes` is `owner`.
  static std::string topic_owned_by(const std::string& owner,
                                    const std::vector<std::string>& nodes,
                                    const std::string& type = "chat") {
    for (int i = 0; i < 10000; ++i) {
      auto topic = type + ":t" + std::to_string(i);
      if (cluster::owner_of(topic, nodes) == owner)
        return topic;
    }
    CAF_FAIL("no topic for " << owner);
    return {};
  }
};

} // namespace sockd::test
