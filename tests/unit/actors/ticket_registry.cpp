#define CAF_SUITE actors.ticket_registry

#include "actors/ticket_registry.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

#include <regex>

using namespace sockd;
using sockd::test::ask;

namespace {

struct registry_fixture : sockd::test::fixture {
  ticket_registry_actor registry
    = spawn_ticket_registry(sys, std::chrono::seconds(30));

  std::string issue(const std::string& sub, int64_t valid_until = 0) {
    auto ticket = ask<std::string>(*this, registry, issue_atom::value, sub,
                                   valid_until);
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
      [&](std::string& sub, std::string& cid, int64_t valid_until) {
        result = sub + "|" + cid;
        if (valid_until != 0)
          result += "|" + std::to_string(valid_until);
      },
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

CAF_TEST(a ticket carries the end of its login token to the socket) {
  auto ticket = issue("alice", 1893456000);
  auto cid = ticket.substr(ticket.find(':') + 1);
  CAF_CHECK_EQUAL(redeem(ticket), "alice|" + cid + "|1893456000");
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

namespace {

struct capped_registry_fixture : registry_fixture {
  ticket_registry_actor capped
    = spawn_ticket_registry(sys, std::chrono::seconds(30), 3);

  // A ticket, or the error code.
  std::string issue_capped(const std::string& sub) {
    auto ticket = ask<std::string>(*this, capped, issue_atom::value, sub,
                                   int64_t{0});
    return ticket ? *ticket : to_string(to_errc(ticket.error()));
  }

  std::string redeem_capped(const std::string& ticket) {
    std::string result;
    auto handle = self->request(capped, caf::infinite, redeem_atom::value,
                                ticket);
    settle();
    handle.receive(
      [&](std::string& sub, std::string&, int64_t) { result = sub; },
      [&](caf::error& err) { result = to_string(to_errc(err)); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(ticket_cap_tests, capped_registry_fixture)

CAF_TEST(a user holds at most max_per_user outstanding tickets) {
  std::vector<std::string> tickets;
  for (int i = 0; i < 3; ++i)
    tickets.push_back(issue_capped("alice"));
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
  CAF_CHECK_NOT_EQUAL(issue_capped("bob"), "too_many_tickets");
  // Redeeming frees a slot, once.
  CAF_CHECK_EQUAL(redeem_capped(tickets[0]), "alice");
  CAF_CHECK_EQUAL(redeem_capped(tickets[0]), "unauthorized");
  auto fourth = issue_capped("alice");
  CAF_CHECK_NOT_EQUAL(fourth, "too_many_tickets");
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
  // A failed redeem frees nothing.
  CAF_CHECK_EQUAL(redeem_capped("nope:nope"), "unauthorized");
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
}

CAF_TEST(expired tickets free their slots) {
  for (int i = 0; i < 3; ++i)
    issue_capped("alice");
  sched.clock().advance_time(std::chrono::seconds(29));
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
  sched.clock().advance_time(std::chrono::seconds(1));
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_NOT_EQUAL(issue_capped("alice"), "too_many_tickets");
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
}

CAF_TEST(a redeemed ticket that expires later frees nothing twice) {
  auto first = issue_capped("alice");
  CAF_CHECK_EQUAL(redeem_capped(first), "alice");
  sched.clock().advance_time(std::chrono::seconds(10));
  for (int i = 0; i < 3; ++i)
    CAF_CHECK_NOT_EQUAL(issue_capped("alice"), "too_many_tickets");
  // first's expiry entry is swept now; alice still holds 3.
  sched.clock().advance_time(std::chrono::seconds(20));
  CAF_CHECK_EQUAL(issue_capped("alice"), "too_many_tickets");
}

CAF_TEST_FIXTURE_SCOPE_END()
