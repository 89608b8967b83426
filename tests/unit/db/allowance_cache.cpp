#define CAF_SUITE db.allowance_cache
// The positive allowance cache (db/allowance_cache.hpp): yes only, per
// (user, topic), expiring, bounded, cleared at once.

#include "db/allowance_cache.hpp"

#include <caf/test/unit_test.hpp>

using sockd::db::allowance_cache;
using namespace std::chrono_literals;

CAF_TEST(a yes is reused for its user and topic until the ttl) {
  allowance_cache cache{10, 30s};
  auto t0 = allowance_cache::clock::time_point{} + 1h;
  CAF_CHECK(!cache.allowed("alice", "chat:a", t0));
  cache.put("alice", "chat:a", t0);
  CAF_CHECK(cache.allowed("alice", "chat:a", t0 + 29s));
  CAF_CHECK(!cache.allowed("alice", "chat:b", t0));
  CAF_CHECK(!cache.allowed("bob", "chat:a", t0));
  // "a" + "b:c" and "ab" + ":c" are different keys.
  cache.put("a", "b:c", t0);
  CAF_CHECK(!cache.allowed("ab", ":c", t0));
  CAF_CHECK(!cache.allowed("alice", "chat:a", t0 + 30s));
  CAF_CHECK_EQUAL(cache.size(), 1u); // the expired one is gone
}

CAF_TEST(bounded and cleared) {
  allowance_cache cache{3, 30s};
  auto t0 = allowance_cache::clock::time_point{} + 1h;
  for (auto sub : {"a", "b", "c"})
    cache.put(sub, "chat:x", t0);
  CAF_CHECK_EQUAL(cache.size(), 3u);
  cache.put("d", "chat:x", t0); // full: starts over
  CAF_CHECK_EQUAL(cache.size(), 1u);
  CAF_CHECK(cache.allowed("d", "chat:x", t0));
  cache.put("e", "chat:x", t0);
  cache.erase("d", "chat:x");
  CAF_CHECK(!cache.allowed("d", "chat:x", t0));
  CAF_CHECK(cache.allowed("e", "chat:x", t0));
  cache.clear();
  CAF_CHECK(!cache.allowed("e", "chat:x", t0));
  allowance_cache none{0, 30s};
  none.put("a", "chat:x", t0);
  CAF_CHECK(!none.allowed("a", "chat:x", t0));
}
