#define CAF_SUITE cluster.tickets

#include "tests/unit/cluster/fixture.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;

namespace {

struct fixture : sockd::test::cluster_fixture {
  fixture() {
    start_all();
  }

  // The end of the login token the last redeem carried back.
  int64_t last_valid_until = -1;

  std::string issue(const std::string& node, const std::string& sub,
                    int64_t valid_until = 0) {
    auto res = ask<std::string>(node, nodes[node].tickets, issue_atom::value,
                                sub, valid_until);
    CAF_REQUIRE(res);
    return *res;
  }

  caf::expected<std::pair<std::string, std::string>>
  redeem(const std::string& node, const std::string& ticket) {
    auto& p = *planets[node];
    caf::expected<std::pair<std::string, std::string>> result{
      caf::sec::unexpected_response};
    auto handle = p.self->request(nodes[node].tickets, caf::infinite,
                                  redeem_atom::value, ticket);
    settle();
    handle.receive(
      [&](std::string& sub, std::string& cid, int64_t valid_until) {
        last_valid_until = valid_until;
        result = std::make_pair(std::move(sub), std::move(cid));
      },
      [&](caf::error& err) { result = std::move(err); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ticket_tests, fixture)

CAF_TEST(a ticket is redeemable on the node that issued it) {
  auto ticket = issue("earth", "alice");
  auto res = redeem("earth", ticket);
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->first, "alice");
  CAF_CHECK_EQUAL(res->second, ticket.substr(ticket.find(':') + 1));
}

CAF_TEST(a ticket from one node is redeemable on another once) {
  auto ticket = issue("earth", "alice", 1893456000);
  auto res = redeem("jupiter", ticket);
  CAF_REQUIRE(res);
  CAF_CHECK_EQUAL(res->first, "alice");
  CAF_CHECK_EQUAL(last_valid_until, 1893456000); // the token's end travels
  for (auto node : {"mars", "earth", "jupiter"}) {
    auto again = redeem(node, ticket);
    CAF_REQUIRE(!again);
    CAF_CHECK_EQUAL(to_errc(again.error()), errc::unauthorized);
  }
}

CAF_TEST(unknown and malformed tickets are refused everywhere) {
  for (auto node : {"earth", "mars"}) {
    for (auto ticket : {"nope", "a:b", ""}) {
      auto res = redeem(node, ticket);
      CAF_REQUIRE(!res);
      CAF_CHECK_EQUAL(to_errc(res.error()), errc::unauthorized);
    }
  }
}

CAF_TEST(a ticket of a dead node is refused and the rest still work) {
  auto lost = issue("mars", "alice");
  auto kept = issue("earth", "bob");
  kill("mars");
  auto res = redeem("jupiter", lost);
  CAF_REQUIRE(!res);
  CAF_CHECK_EQUAL(to_errc(res.error()), errc::unauthorized);
  auto ok = redeem("jupiter", kept);
  CAF_REQUIRE(ok);
  CAF_CHECK_EQUAL(ok->first, "bob");
}

CAF_TEST_FIXTURE_SCOPE_END()
