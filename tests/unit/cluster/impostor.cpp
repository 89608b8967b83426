#define CAF_SUITE cluster.impostor

// Row 4 of issue 11: a process on the cluster port says hello with a live
// node's name. Before, the real node's gateway was replaced and the
// impostor's tickets were redeemed. Now a hello never replaces a connected,
// live node; with certificates a name must be proven; the gateway serves
// only nodes that completed a hello; and a node that really died or hangs
// can still be replaced under its name.

#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"
#include "tests/unit/cluster/certs.hpp"

using namespace sockd;

namespace {

using redemption = caf::expected<std::pair<std::string, std::string>>;

struct fixture : sockd::test::cluster_fixture {
  test::test_ca ca{"cluster CA"};

  /// Every planet proves its own name with a certificate of `ca`.
  void with_certificates() {
    for (auto name : {"earth", "mars", "jupiter"})
      identities[name] = ca.identity(name);
  }

  std::string issue(const std::string& node, const std::string& sub) {
    auto res = ask<std::string>(node, nodes[node].tickets, issue_atom::value,
                                sub, int64_t{0});
    CAF_REQUIRE(res);
    return *res;
  }

  // `ticket` redeemed through `dest` (a ticket router or a gateway) by the
  // test actor of planet `node`.
  template <class Handle>
  redemption redeem_via(const std::string& node, const Handle& dest,
                        const std::string& ticket) {
    auto& p = *planets[node];
    redemption result{caf::sec::unexpected_response};
    auto handle = p.self->request(dest, caf::infinite, redeem_atom::value,
                                  ticket);
    settle();
    handle.receive(
      [&](std::string& sub, std::string& cid, int64_t) {
        result = std::make_pair(std::move(sub), std::move(cid));
      },
      [&](caf::error& err) { result = std::move(err); });
    return result;
  }

  redemption redeem(const std::string& node, const std::string& ticket) {
    return redeem_via(node, nodes[node].tickets, ticket);
  }

  /// The gateway of `server`'s node as planet `from` reaches it (over the
  /// connection its node already opened).
  caf::actor gateway_on(const std::string& from, const std::string& server) {
    auto& p = *planets[from];
    caf::actor result;
    auto handle = p.self->request(p.mm.actor_handle(), caf::infinite,
                                  caf::connect_atom::value, server,
                                  test::cluster_port);
    settle();
    handle.receive(
      [&](caf::node_id&, caf::strong_actor_ptr& ptr,
          std::set<std::string>&) {
        result = caf::actor_cast<caf::actor>(ptr);
      },
      [&](caf::error& err) { CAF_FAIL("connect: " << to_string(err)); });
    CAF_REQUIRE(result);
    return result;
  }

  static void refused_as(const redemption& res, errc code) {
    CAF_REQUIRE(!res);
    CAF_CHECK_EQUAL(to_errc(res.error()), code);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(impostor_tests, fixture)

CAF_TEST(a hello with the name of a live node changes nothing) {
  start_all();
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  auto real = issue("mars", "alice");
  // pluto says it is mars, to earth, again on every tick.
  wire("earth", "pluto");
  start("pluto", {"earth"}, "mars");
  pass(std::chrono::seconds(2));
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  CAF_CHECK_EQUAL(live_nodes("pluto"), string_list{"mars"});
  // What it mints, for anyone, is refused everywhere.
  auto minted = issue("pluto", "victim-admin");
  refused_as(redeem("earth", minted), errc::unauthorized);
  refused_as(redeem("jupiter", minted), errc::unauthorized);
  // The real mars still answers for its tickets and owns its topic.
  auto ok = redeem("earth", real);
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "alice");
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"n":1})"), true);
  auto got = frames("e1");
  CAF_REQUIRE_EQUAL(got.size(), 1u);
  CAF_CHECK_EQUAL(frames("m1"), got);
  CAF_CHECK_EQUAL(frames("j1"), got);
  // Asked directly, earth's gateway serves it nothing: no ticket of
  // earth's, no topic to join or publish to.
  auto gw = gateway_on("pluto", "earth");
  auto earths = issue("earth", "bob");
  refused_as(redeem_via("pluto", gw, earths), errc::forbidden);
  auto t = ask<caf::actor>("pluto", gw, lookup_atom::value, topic);
  CAF_REQUIRE(!t);
  CAF_CHECK_EQUAL(to_errc(t.error()), errc::forbidden);
  // The refused attempt did not use up the ticket.
  auto bob = redeem("jupiter", earths);
  CAF_REQUIRE(bob);
  CAF_CHECK_EQUAL(bob->first, "bob");
}

CAF_TEST(a node that died gives its name back) {
  start_all();
  auto topic = topic_owned_by("earth", all_nodes);
  members_everywhere(topic);
  kill("mars");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  // mars restarts on another machine, with the same name.
  wire("earth", "pluto");
  wire("jupiter", "pluto");
  start("pluto", {"earth", "jupiter"}, "mars");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  CAF_CHECK_EQUAL(live_nodes("jupiter"), (string_list{"earth", "jupiter",
                                                      "mars"}));
  auto ticket = issue("pluto", "alice");
  auto ok = redeem("earth", ticket);
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "alice");
}

CAF_TEST(the name of a hung node can be taken over) {
  start_all();
  // mars keeps its connection but its heartbeat stopped.
  pass(std::chrono::seconds(4));
  node_rows rows{{"earth", "earth:7000"}, {"jupiter", "jupiter:7000"}};
  caf::anon_send(nodes["earth"].membership, nodes_atom::value, rows);
  settle();
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  wire("earth", "pluto");
  start("pluto", {"earth"}, "mars");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  auto ticket = issue("pluto", "alice");
  auto ok = redeem("earth", ticket);
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "alice");
}

CAF_TEST(with certificates every node proves its name) {
  with_certificates();
  start_all();
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  CAF_CHECK_EQUAL(live_nodes("jupiter"), (string_list{"earth", "jupiter",
                                                      "mars"}));
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  CAF_CHECK_EQUAL(publish("j1", topic, "1"), true);
  CAF_CHECK_EQUAL(frames("e1").size(), 1u);
  auto ok = redeem("earth", issue("jupiter", "alice"));
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "alice");
}

CAF_TEST(a certificate of another CA takes no name even a free one) {
  with_certificates();
  start_all();
  kill("mars");
  test::test_ca other{"other CA"};
  identities["pluto"] = other.identity("mars");
  wire("earth", "pluto");
  start("pluto", {"earth"}, "mars");
  pass(std::chrono::seconds(2));
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  CAF_CHECK_EQUAL(live_nodes("pluto"), string_list{"mars"});
  refused_as(redeem("earth", issue("pluto", "victim-admin")),
             errc::unauthorized);
  auto gw = gateway_on("pluto", "earth");
  refused_as(redeem_via("pluto", gw, issue("earth", "bob")), errc::forbidden);
}

CAF_TEST(the certificate of a member does not carry another name) {
  with_certificates();
  start_all();
  kill("mars");
  // pluto holds a good certificate, for pluto, and says it is mars.
  identities["pluto"] = ca.identity("pluto");
  wire("earth", "pluto");
  start("pluto", {"earth"}, "mars");
  pass(std::chrono::seconds(2));
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter"}));
  refused_as(redeem("earth", issue("pluto", "victim-admin")),
             errc::unauthorized);
}

CAF_TEST(a restarted node with its certificate takes its name back) {
  with_certificates();
  start_all();
  auto topic = topic_owned_by("mars", all_nodes);
  members_everywhere(topic);
  kill("mars");
  identities["pluto"] = ca.identity("mars");
  wire("earth", "pluto");
  wire("jupiter", "pluto");
  start("pluto", {"earth", "jupiter"}, "mars");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  // The topic went back to (the new) mars; members never re-subscribed.
  pass(std::chrono::seconds(1));
  frames("e1");
  frames("j1");
  CAF_CHECK_EQUAL(publish("e1", topic, R"({"back":true})"), true);
  CAF_CHECK_EQUAL(frames("e1").size(), 1u);
  CAF_CHECK_EQUAL(frames("j1").size(), 1u);
  auto ok = redeem("jupiter", issue("pluto", "alice"));
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "alice");
}

CAF_TEST(a proof answers one fresh challenge once) {
  with_certificates();
  start_all();
  kill("mars");
  wire("earth", "pluto");
  // pluto runs no node: its test actor speaks for itself, holding mars's
  // certificate and key, with a gateway of its own.
  auto mars = ca.identity("mars");
  auto& p = *planets["pluto"];
  // (An argument, as spawn_peer does: CAF 0.17 binds no arguments through
  // a null pointer, which UBSan reports.)
  auto own_gateway = p.sys.spawn(
    [](int) { return caf::behavior{[](int) {}}; }, 0);
  auto gw = gateway_on("pluto", "earth");
  // The name earth answers with, or why it refused.
  auto hello = [&](const std::string& name,
                   const cluster::credentials& proof) {
    caf::expected<std::string> result{caf::sec::unexpected_response};
    auto handle = p.self->request(gw, caf::infinite,
                                  cluster::hello_atom::value, name,
                                  std::string{"pluto:7000"}, own_gateway,
                                  proof, std::string{"n"});
    settle();
    handle.receive(
      [&](std::string& answer, cluster::credentials&) {
        result = std::move(answer);
      },
      [&](caf::error& err) { result = std::move(err); });
    return result;
  };
  auto proof_for = [&](const std::string& nonce, const std::string& name) {
    auto statement = cluster::hello_statement(nonce, name, "pluto:7000",
                                              own_gateway);
    return cluster::credentials{mars->certificate(), nonce,
                                mars->sign(statement)};
  };
  // A nonce earth never issued.
  auto made_up = hello("mars", proof_for("0123", "mars"));
  CAF_REQUIRE(!made_up);
  CAF_CHECK_EQUAL(to_errc(made_up.error()), errc::forbidden);
  // A proof signed for another name.
  auto nonce = ask<std::string>("pluto", gw, cluster::challenge_atom::value);
  CAF_REQUIRE(nonce);
  auto renamed = proof_for(*nonce, "mars");
  auto wrong = hello("jupiter", renamed);
  CAF_REQUIRE(!wrong);
  CAF_CHECK_EQUAL(to_errc(wrong.error()), errc::forbidden);
  // The nonce is spent even by a refused hello.
  auto again = hello("mars", renamed);
  CAF_REQUIRE(!again);
  CAF_CHECK_EQUAL(to_errc(again.error()), errc::forbidden);
  // A fresh one with a right proof: pluto speaks for mars.
  nonce = ask<std::string>("pluto", gw, cluster::challenge_atom::value);
  CAF_REQUIRE(nonce);
  auto proof = proof_for(*nonce, "mars");
  auto answer = hello("mars", proof);
  CAF_REQUIRE(answer);
  CAF_CHECK_EQUAL(*answer, "earth");
  CAF_CHECK_EQUAL(live_nodes("earth"), (string_list{"earth", "jupiter",
                                                    "mars"}));
  // Replayed later, the same proof is refused.
  auto replay = hello("mars", proof);
  CAF_REQUIRE(!replay);
  CAF_CHECK_EQUAL(to_errc(replay.error()), errc::forbidden);
  caf::anon_send_exit(own_gateway, caf::exit_reason::user_shutdown);
}

CAF_TEST_FIXTURE_SCOPE_END()
