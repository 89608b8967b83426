#define CAF_SUITE actors.ticket_registry

#include "actors/ticket_registry.hpp"

#include "tests/unit/fixtures.hpp"

#include "actors/errors.hpp"

#include <regex>

using namespace sockd;
using sockd::test::ask;

namespace {

struct registry_fixture : sockd::test::fixture {
  ticket_registry_actor registry
    = spawn_ticket_registry(sys, std::chrono::seconds(30));

  std::string issue(const std::string& sub) {
    auto ticket = ask<std::string>(*this, registry, issue_atom::value, sub);
    CAF_REQUIRE(ticket);
    return *ticket;
  }

  // Redeems a ticket: the user and connection id, or the error code.
  std::string redeem(const std::string& ticket) {
    std::string result;
    auto handle = self->request(registry, caf::infinite, redeem_atom::value,
                                ticket);
    settle();
    handle.receive(
      [&](std::string& sub, std::string& cid) { result = sub + "|" + cid; },
      [&](caf::error& err) { result = to_string(to_errc(err)); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ticket_registry_tests, registry_fixture)

CAF_TEST(a ticket is two fresh uuids) {
  auto ticket = issue("alice");
  std::regex uuid_pair{"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}"
                       "-[0-9a-f]{12}:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}"
                       "-[89ab][0-9a-f]{3}-[0-9a-f]{12}"};
  CAF_CHECK(std::regex_match(ticket, uuid_pair));
  CAF_CHECK_NOT_EQUAL(issue("alice"), ticket);
}

CAF_TEST(a ticket redeems once for its user and connection id) {
  auto ticket = issue("alice");
  auto cid = ticket.substr(ticket.find(':') + 1);
  CAF_CHECK_EQUAL(redeem(ticket), "alice|" + cid);
  CAF_CHECK_EQUAL(redeem(ticket), "unauthorized");
}

CAF_TEST(a ticket expires after its time to live) {
  auto ticket = issue("alice");
  sched.clock().advance_time(std::chrono::seconds(29));
  auto fresh = issue("bob");
  sched.clock().advance_time(std::chrono::seconds(1));
  CAF_CHECK_EQUAL(redeem(ticket), "unauthorized");
  CAF_CHECK_NOT_EQUAL(redeem(fresh), "unauthorized");
}

CAF_TEST(malformed and forged tickets are refused) {
  auto ticket = issue("alice");
  auto auth_code = ticket.substr(0, ticket.find(':'));
  CAF_CHECK_EQUAL(redeem(""), "unauthorized");
  CAF_CHECK_EQUAL(redeem("no-colon"), "unauthorized");
  CAF_CHECK_EQUAL(redeem(auth_code + ":another-connection"), "unauthorized");
  // A failed guess does not burn the real ticket.
  CAF_CHECK_NOT_EQUAL(redeem(ticket), "unauthorized");
}

CAF_TEST_FIXTURE_SCOPE_END()
