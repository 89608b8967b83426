#define CAF_SUITE actors.admission

#include "actors/admission.hpp"

#include "tests/unit/fixtures.hpp"

#include "interfaces/errors.hpp"

using namespace sockd;
using sockd::test::ask;

namespace {

struct admission_fixture : sockd::test::fixture {
  admission_actor gate = spawn_admission(sys, 3, 2);

  std::string admit(const std::string& sub) {
    auto res = ask<bool>(*this, gate, admit_atom::value, sub);
    return res ? "ok" : to_string(to_errc(res.error()));
  }

  void release(const std::string& sub) {
    self->send(gate, release_atom::value, sub);
    settle();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(admission_tests, admission_fixture)

CAF_TEST(the per user cap refuses the connection over it) {
  CAF_CHECK_EQUAL(admit("alice"), "ok");
  CAF_CHECK_EQUAL(admit("alice"), "ok");
  CAF_CHECK_EQUAL(admit("alice"), "too_many_connections");
  release("alice");
  CAF_CHECK_EQUAL(admit("alice"), "ok");
}

CAF_TEST(the node cap refuses every user when full) {
  CAF_CHECK_EQUAL(admit("alice"), "ok");
  CAF_CHECK_EQUAL(admit("bob"), "ok");
  CAF_CHECK_EQUAL(admit("carol"), "ok");
  CAF_CHECK_EQUAL(admit("dave"), "server_full");
  release("bob");
  CAF_CHECK_EQUAL(admit("dave"), "ok");
}

CAF_TEST(releasing an unknown user changes nothing) {
  release("nobody");
  CAF_CHECK_EQUAL(admit("a"), "ok");
  CAF_CHECK_EQUAL(admit("b"), "ok");
  CAF_CHECK_EQUAL(admit("c"), "ok");
  CAF_CHECK_EQUAL(admit("d"), "server_full");
}

CAF_TEST_FIXTURE_SCOPE_END()
