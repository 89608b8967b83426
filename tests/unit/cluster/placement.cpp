#define CAF_SUITE cluster.placement

#include "cluster/placement.hpp"

#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <map>

using namespace sockd::cluster;

namespace {

std::vector<std::string> keys(size_t n) {
  std::vector<std::string> result;
  for (size_t i = 0; i < n; ++i)
    result.push_back("chat:topic-" + std::to_string(i));
  return result;
}

std::map<std::string, std::string>
owners(const std::vector<std::string>& ks,
       const std::vector<std::string>& nodes) {
  std::map<std::string, std::string> result;
  for (auto& k : ks)
    result[k] = owner_of(k, nodes);
  return result;
}

} // namespace

CAF_TEST(no nodes means no owner) {
  CAF_CHECK_EQUAL(owner_of("chat:x", {}), "");
}

CAF_TEST(the weight is a fixed function of its inputs) {
  // The same values as tests/integration/cluster.test.mjs computes, so that
  // every build and the JavaScript port agree.
  CAF_CHECK_EQUAL(rendezvous_weight("", ""), 0x25fc6dd36ce04b20ULL);
  CAF_CHECK_EQUAL(rendezvous_weight("chat:lobby", "node1"),
                  0x882c40ffbde6b990ULL);
  CAF_CHECK_NOT_EQUAL(rendezvous_weight("chat:lobby", "node1"),
                      rendezvous_weight("chat:lobby", "node2"));
}

CAF_TEST(the owner does not depend on the order of the nodes) {
  std::vector<std::string> a{"earth", "mars", "jupiter"};
  std::vector<std::string> b{"jupiter", "earth", "mars"};
  for (auto& k : keys(200))
    CAF_CHECK_EQUAL(owner_of(k, a), owner_of(k, b));
}

CAF_TEST(keys spread over the nodes) {
  std::vector<std::string> nodes{"earth", "mars", "jupiter"};
  std::map<std::string, size_t> count;
  for (auto& kvp : owners(keys(3000), nodes))
    ++count[kvp.second];
  CAF_REQUIRE_EQUAL(count.size(), 3u);
  for (auto& kvp : count) {
    CAF_MESSAGE(kvp.first << " owns " << kvp.second);
    CAF_CHECK(kvp.second > 800 && kvp.second < 1200);
  }
}

CAF_TEST(a new node takes keys only for itself) {
  auto ks = keys(3000);
  auto before = owners(ks, {"earth", "mars", "jupiter"});
  auto after = owners(ks, {"earth", "mars", "jupiter", "saturn"});
  size_t moved = 0;
  for (auto& k : ks) {
    if (before[k] == after[k])
      continue;
    ++moved;
    CAF_CHECK_EQUAL(after[k], "saturn");
  }
  // About a quarter moves, and nothing else.
  CAF_MESSAGE(moved << " of 3000 keys moved");
  CAF_CHECK(moved > 600 && moved < 900);
}

CAF_TEST(a node that leaves gives away only its own keys) {
  auto ks = keys(3000);
  auto before = owners(ks, {"earth", "mars", "jupiter"});
  auto after = owners(ks, {"earth", "jupiter"});
  size_t moved = 0;
  for (auto& k : ks) {
    if (before[k] == after[k])
      continue;
    ++moved;
    CAF_CHECK_EQUAL(before[k], "mars");
  }
  auto mars_keys = std::count_if(before.begin(), before.end(), [](auto& x) {
    return x.second == "mars";
  });
  CAF_CHECK_EQUAL(moved, static_cast<size_t>(mars_keys));
}
