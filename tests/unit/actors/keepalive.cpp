#define CAF_SUITE actors.keepalive

#include "actors/keepalive.hpp"

#include "tests/unit/fixtures.hpp"

using namespace sockd;

namespace {

constexpr auto interval = std::chrono::seconds(8);
const size_t slices = keepalive_slices(interval); // 80, of 100 ms
const caf::timespan step = caf::timespan{interval} / slices;

// Counts the ticks it gets.
caf::behavior counter(caf::event_based_actor*, std::shared_ptr<int> ticks) {
  return {
    [=](tick_atom) { ++*ticks; },
  };
}

struct keepalive_fixture : sockd::test::fixture {
  keepalive_actor ticker = spawn_keepalive(sys, interval);
  std::vector<caf::actor> actors;
  std::vector<std::shared_ptr<int>> ticks;

  keepalive_fixture() {
    for (int i = 0; i < 20; ++i) {
      ticks.push_back(std::make_shared<int>(0));
      actors.push_back(sys.spawn(counter, ticks.back()));
      self->send(ticker, watch_atom::value, actors.back().address());
    }
    settle();
  }

  // The ticker never runs out of timers: stop it before the fixture's
  // teardown runs every timer to the end.
  ~keepalive_fixture() {
    caf::anon_send_exit(ticker, caf::exit_reason::user_shutdown);
    settle();
  }

  void run_for(size_t steps) {
    for (size_t i = 0; i < steps; ++i)
      pass(step);
  }

  std::vector<int> counts() const {
    std::vector<int> result;
    for (auto& t : ticks)
      result.push_back(*t);
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(keepalive_tests, keepalive_fixture)

CAF_TEST(an interval is cut into slices of 100 ms) {
  CAF_CHECK_EQUAL(keepalive_slices(std::chrono::seconds(30)), 300u);
  CAF_CHECK_EQUAL(keepalive_slices(std::chrono::milliseconds(250)), 2u);
  CAF_CHECK_EQUAL(keepalive_slices(std::chrono::milliseconds(50)), 1u);
}

CAF_TEST(every watched actor gets one tick per interval) {
  run_for(slices);
  CAF_CHECK_EQUAL(counts(), std::vector<int>(20, 1));
  run_for(2 * slices);
  CAF_CHECK_EQUAL(counts(), std::vector<int>(20, 3));
}

CAF_TEST(the ticks of an interval are spread over its slices) {
  // 20 actors in 80 slices: no single step ticks all of them.
  pass(step);
  int first = 0;
  for (auto n : counts())
    first += n;
  CAF_CHECK_LESS(first, 20);
}

CAF_TEST(unwatched and dead actors get no more ticks) {
  for (int i = 0; i < 10; ++i)
    self->send(ticker, unwatch_atom::value, actors[i].address());
  caf::anon_send_exit(actors[10], caf::exit_reason::user_shutdown);
  settle();
  run_for(slices);
  auto got = counts();
  for (int i = 0; i <= 10; ++i)
    CAF_CHECK_EQUAL(got[i], 0);
  for (int i = 11; i < 20; ++i)
    CAF_CHECK_EQUAL(got[i], 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
