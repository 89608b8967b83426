#define CAF_SUITE db.pending_rows
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "db/pending_rows.hpp"

using namespace sockd::db;

namespace {

/// The queue as "+cid" (insert, with "/sub") and "-cid" (delete), oldest
/// first; empties the queue.
std::vector<std::string> take_all(pending_rows& q) {
  std::vector<std::string> out;
  while (!q.empty()) {
    auto& x = q.front();
    out.push_back(x.open ? "+" + x.cid + "/" + x.sub : "-" + x.cid);
    q.pop_front();
  }
  return out;
}

std::vector<std::string> run_of(const pending_rows& q, size_t max) {
  std::vector<pending_rows::op> run;
  q.front_run(max, run);
  std::vector<std::string> out;
  for (auto& x : run)
    out.push_back((x.open ? "+" : "-") + x.cid);
  return out;
}

using strings = std::vector<std::string>;

} // namespace

CAF_TEST(writes wait oldest first) {
  pending_rows q{10};
  q.open("a", "alice");
  q.close("x");
  q.open("b", "bob");
  q.close("y");
  CAF_CHECK_EQUAL(q.size(), 4u);
  CAF_CHECK_EQUAL(take_all(q), strings({"+a/alice", "-x", "+b/bob", "-y"}));
  CAF_CHECK(q.empty());
}

CAF_TEST(closing a connection whose insert waits forgets the insert) {
  pending_rows q{10};
  q.open("a", "alice");
  q.open("b", "bob");
  CAF_CHECK(q.cancel_open("a"));
  CAF_CHECK_EQUAL(take_all(q), strings({"+b/bob"}));
}

CAF_TEST(without a waiting insert cancel_open answers false) {
  pending_rows q{10};
  CAF_CHECK(!q.cancel_open("a"));
  q.close("a");
  CAF_CHECK(!q.cancel_open("a"));
  // Once written (popped), an insert can no longer be cancelled.
  q.open("b", "bob");
  q.pop_front(); // "-a"
  q.pop_front(); // "+b"
  CAF_CHECK(!q.cancel_open("b"));
  CAF_CHECK(q.empty());
}

CAF_TEST(a repeated open replaces the older insert at the back) {
  pending_rows q{10};
  q.open("a", "alice");
  q.open("b", "bob");
  q.open("a", "alice2");
  CAF_CHECK_EQUAL(take_all(q), strings({"+b/bob", "+a/alice2"}));
}

CAF_TEST(a full queue drops its oldest writes and counts them) {
  pending_rows q{3};
  q.open("a", "alice");
  q.close("x");
  q.open("b", "bob");
  q.close("y");
  q.open("c", "carol");
  CAF_CHECK_EQUAL(q.size(), 3u);
  CAF_CHECK_EQUAL(q.take_dropped(), 2u);
  CAF_CHECK_EQUAL(q.take_dropped(), 0u); // counted once
  // The dropped insert is forgotten: a close of it has nothing to cancel.
  CAF_CHECK(!q.cancel_open("a"));
  CAF_CHECK_EQUAL(take_all(q), strings({"+b/bob", "-y", "+c/carol"}));
}

CAF_TEST(replacing an open in a full queue drops nothing) {
  pending_rows q{2};
  q.open("a", "alice");
  q.open("b", "bob");
  q.open("a", "alice2");
  CAF_CHECK_EQUAL(q.take_dropped(), 0u);
  CAF_CHECK_EQUAL(take_all(q), strings({"+b/bob", "+a/alice2"}));
}

CAF_TEST(a smaller capacity applies from the next write) {
  pending_rows q{10};
  for (auto cid : {"a", "b", "c", "d"})
    q.close(cid);
  q.set_capacity(2);
  CAF_CHECK_EQUAL(q.size(), 4u);
  q.close("e");
  CAF_CHECK_EQUAL(q.take_dropped(), 3u);
  CAF_CHECK_EQUAL(take_all(q), strings({"-d", "-e"}));
}

CAF_TEST(a run is at most max oldest writes of the kind of the front) {
  pending_rows q{10};
  q.open("a", "alice");
  q.open("b", "bob");
  q.open("c", "carol");
  q.close("x");
  q.open("d", "dave");
  CAF_CHECK_EQUAL(run_of(q, 10), strings({"+a", "+b", "+c"}));
  CAF_CHECK_EQUAL(run_of(q, 2), strings({"+a", "+b"}));
  // front_run copies: the queue is unchanged until the writes are popped.
  CAF_CHECK_EQUAL(q.size(), 5u);
  for (int i = 0; i < 3; ++i)
    q.pop_front();
  CAF_CHECK_EQUAL(run_of(q, 10), strings({"-x"}));
  q.pop_front();
  CAF_CHECK_EQUAL(run_of(q, 10), strings({"+d"}));
  q.pop_front();
  CAF_CHECK_EQUAL(run_of(q, 10), strings({}));
  q.pop_front(); // empty: nothing happens
  CAF_CHECK(q.empty());
}
