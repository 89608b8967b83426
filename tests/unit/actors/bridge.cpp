#define CAF_SUITE actors.bridge

#include "actors/bridge.hpp"

#include "tests/unit/fixtures.hpp"

#include "actors/admission.hpp"
#include "interfaces/errors.hpp"

using namespace sockd;
using namespace std::string_literals;

namespace {

struct bridge_fixture : sockd::test::fixture {
  caf::actor bridge = spawn_bridge(sys);
  admission_actor gate = spawn_admission(sys, 1, 1);
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(bridge_tests, bridge_fixture)

CAF_TEST(answers reach the result callback once per request) {
  std::vector<std::string> seen;
  for (auto sub : {"alice", "bob"})
    ask(
      bridge, gate, caf::infinite,
      [&seen, sub](bool ok) { seen.push_back(sub + (ok ? ":ok"s : ":no"s)); },
      [&seen, sub](const caf::error& err) {
        seen.push_back(sub + ":"s + to_string(to_errc(err)));
      },
      admit_atom::value, std::string{sub});
  settle();
  // One bridge, requests in order; the node cap (1) refuses bob.
  CAF_REQUIRE_EQUAL(seen.size(), 2u);
  CAF_CHECK_EQUAL(seen[0], "alice:ok");
  CAF_CHECK_EQUAL(seen[1], "bob:server_full");
}

CAF_TEST(a receiver that is gone is an error to the callback) {
  caf::anon_send_exit(gate, caf::exit_reason::user_shutdown);
  settle();
  std::string seen;
  ask(
    bridge, gate, caf::infinite, [&seen](bool) { seen = "result"; },
    [&seen](const caf::error& err) { seen = to_string(to_errc(err)); },
    admit_atom::value, std::string{"alice"});
  settle();
  CAF_CHECK_EQUAL(seen, "unavailable");
}

CAF_TEST(without a bridge the error callback runs at once) {
  std::string seen;
  ask(
    caf::actor{}, gate, caf::infinite, [&seen](bool) { seen = "result"; },
    [&seen](const caf::error&) { seen = "error"; }, admit_atom::value,
    std::string{"alice"});
  CAF_CHECK_EQUAL(seen, "error");
}

CAF_TEST_FIXTURE_SCOPE_END()
