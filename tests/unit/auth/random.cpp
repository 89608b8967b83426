#define CAF_SUITE auth.random
#include <caf/test/unit_test.hpp>

#include <set>
#include <string>

#include "auth/random.hpp"

using namespace sockd;

namespace {

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

} // namespace

CAF_TEST(uuid has the canonical version 4 form) {
  for (int i = 0; i < 100; ++i) {
    auto id = random_uuid();
    CAF_REQUIRE_EQUAL(id.size(), 36u);
    for (size_t k = 0; k < id.size(); ++k) {
      if (k == 8 || k == 13 || k == 18 || k == 23)
        CAF_REQUIRE_EQUAL(id[k], '-');
      else
        CAF_REQUIRE(is_lower_hex(id[k]));
    }
    CAF_CHECK_EQUAL(id[14], '4');
    // RFC 4122 variant: the top two bits of byte 8 are 10.
    CAF_CHECK(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
  }
}

CAF_TEST(uuids do not repeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(random_uuid());
  CAF_CHECK_EQUAL(seen.size(), 1000u);
}

CAF_TEST(hex has two lower case digits per byte) {
  CAF_CHECK_EQUAL(random_hex(0), "");
  auto h = random_hex(16);
  CAF_REQUIRE_EQUAL(h.size(), 32u);
  for (auto c : h)
    CAF_CHECK(is_lower_hex(c));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i)
    seen.insert(random_hex(16));
  CAF_CHECK_EQUAL(seen.size(), 1000u);
}
