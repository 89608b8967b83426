#define CAF_SUITE net.socket_limits

#include "net/socket_limits.hpp"

#include <vector>

#include <caf/test/unit_test.hpp>

using namespace sockd::net;
using verdict = socket_limits::verdict;

namespace {

asio::ip::address ip(const char* text) {
  return asio::ip::make_address(text);
}

} // namespace

CAF_TEST(open sockets are capped in all) {
  socket_limits limits{3, 100, 100};
  std::vector<open_token> open(4);
  std::vector<pending_token> pending(4);
  for (int i = 0; i < 3; ++i)
    CAF_CHECK(limits.admit(ip("127.0.0.1"), open[i], pending[i])
              == verdict::ok);
  CAF_CHECK(limits.admit(ip("127.0.0.2"), open[3], pending[3])
            == verdict::full);
  // An upgrade frees the pending place, not the open one.
  pending[0].release();
  CAF_CHECK(limits.admit(ip("127.0.0.2"), open[3], pending[3])
            == verdict::full);
  open[0].release();
  CAF_CHECK_EQUAL(limits.open(), 2);
  CAF_CHECK(limits.admit(ip("127.0.0.2"), open[3], pending[3])
            == verdict::ok);
}

CAF_TEST(pending sockets are capped per address) {
  socket_limits limits{100, 100, 2};
  std::vector<open_token> open(5);
  std::vector<pending_token> pending(5);
  CAF_CHECK(limits.admit(ip("10.0.0.1"), open[0], pending[0]) == verdict::ok);
  CAF_CHECK(limits.admit(ip("10.0.0.1"), open[1], pending[1]) == verdict::ok);
  CAF_CHECK(limits.admit(ip("10.0.0.1"), open[2], pending[2])
            == verdict::address_full);
  // An IPv4-mapped IPv6 address is the same client.
  CAF_CHECK(limits.admit(ip("::ffff:10.0.0.1"), open[2], pending[2])
            == verdict::address_full);
  CAF_CHECK(limits.admit(ip("10.0.0.2"), open[3], pending[3]) == verdict::ok);
  CAF_CHECK_EQUAL(limits.pending(ip("10.0.0.1")), 2);
  // Upgraded (or closed): the address gets its place back.
  pending[0].release();
  CAF_CHECK(limits.admit(ip("10.0.0.1"), open[4], pending[4]) == verdict::ok);
  CAF_CHECK_EQUAL(limits.open(), 4);
}

CAF_TEST(tokens give their places back once when dropped or moved over) {
  socket_limits limits{100, 100, 100};
  {
    open_token open;
    pending_token pending;
    CAF_REQUIRE(limits.admit(ip("::1"), open, pending) == verdict::ok);
    open_token moved{std::move(open)};
    pending_token moved_pending{std::move(pending)};
    open.release(); // moved from: nothing
    CAF_CHECK_EQUAL(limits.open(), 1);
    CAF_CHECK_EQUAL(limits.pending(ip("::1")), 1);
  }
  CAF_CHECK_EQUAL(limits.open(), 0);
  CAF_CHECK_EQUAL(limits.pending(ip("::1")), 0);
}

CAF_TEST(pending sockets are capped on the node) {
  socket_limits limits{100, 2, 100};
  std::vector<open_token> open(4);
  std::vector<pending_token> pending(4);
  CAF_CHECK(limits.admit(ip("10.0.0.1"), open[0], pending[0]) == verdict::ok);
  CAF_CHECK(limits.admit(ip("10.0.0.2"), open[1], pending[1]) == verdict::ok);
  CAF_CHECK(limits.admit(ip("10.0.0.3"), open[2], pending[2])
            == verdict::pending_full);
  CAF_CHECK_EQUAL(limits.pending(), 2);
  // An upgrade frees the pending place; the socket stays open.
  pending[0].release();
  CAF_CHECK_EQUAL(limits.pending(), 1);
  CAF_CHECK(limits.admit(ip("10.0.0.3"), open[2], pending[2]) == verdict::ok);
  CAF_CHECK_EQUAL(limits.open(), 3);
}
