#define CAF_SUITE auth.ticket
#include <caf/test/unit_test.hpp>

#include <string>

#include "auth/random.hpp"
#include "auth/ticket.hpp"

using namespace sockd;

namespace {

const std::string a = "0190f6c2-6a4e-4b1c-9d3e-2f1a5b7c8d9e";
const std::string b = "7d3c1e2f-0a9b-4c8d-8e7f-6a5b4c3d2e1f";

} // namespace

CAF_TEST(a ticket splits into its two uuids) {
  auto text = a + ":" + b;
  auto parts = parse_ticket(text);
  CAF_REQUIRE(parts);
  CAF_CHECK_EQUAL(parts->auth_code, a);
  CAF_CHECK_EQUAL(parts->connection_id, b);
}

CAF_TEST(issued ids always parse) {
  for (int i = 0; i < 100; ++i) {
    auto text = random_uuid() + ":" + random_uuid();
    CAF_REQUIRE(parse_ticket(text));
  }
}

CAF_TEST(anything else is malformed) {
  for (std::string bad : {
         std::string{}, std::string{":"}, std::string{"x:y"}, a, a + ":",
         ":" + b, a + ":" + b + ":" + a, a + ":" + b + " ", " " + a + ":" + b,
         a + "-" + b, a + ":" + b.substr(1), a + ":" + b + "0",
         // upper case is not how the registry writes them
         "0190F6C2-6A4E-4B1C-9D3E-2F1A5B7C8D9E:" + b,
         // dashes in the wrong places, a non-hex digit
         "0190f6c26-a4e-4b1c-9d3e-2f1a5b7c8d9e:" + b,
         "0190f6c2-6a4e-4b1c-9d3e-2f1a5b7c8d9g:" + b,
         a + ":" + std::string(36, '-'),
         a + std::string{'\0'} + b,
       })
    CAF_CHECK(!parse_ticket(bad));
}

CAF_TEST(canonical uuids) {
  CAF_CHECK(is_canonical_uuid(a));
  CAF_CHECK(is_canonical_uuid("00000000-0000-0000-0000-000000000000"));
  CAF_CHECK(!is_canonical_uuid("00000000000000000000000000000000"));
  CAF_CHECK(!is_canonical_uuid("{" + a.substr(1) + "}"));
  CAF_CHECK(!is_canonical_uuid(""));
}
