#define CAF_SUITE net.outbox

#include "net/outbox.hpp"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "tests/unit/net/outbox_fixture.hpp"

using namespace sockd;
using namespace sockd::net;
using namespace sockd::net::test;
using result = outbox::push_result;


CAF_TEST(only the first push schedules a flush) {
  outbox box{1 << 20};
  CAF_CHECK(box.push(data("a")) == result::schedule);
  CAF_CHECK(box.push(data("b")) == result::queued);
  CAF_CHECK(box.push(data("c")) == result::queued);
  CAF_CHECK_EQUAL(drain(box), (std::vector<std::string>{"a", "b", "c"}));
  // Taking again finds nothing: the outbox goes idle...
  CAF_CHECK(drain(box).empty());
  // ... and the next push schedules again.
  CAF_CHECK(box.push(data("d")) == result::schedule);
}

CAF_TEST(frames pushed during a write wait for the next batch) {
  outbox box{1 << 20};
  CAF_CHECK(box.push(data("a")) == result::schedule);
  frame_batch batch;
  CAF_REQUIRE(box.take(batch));
  // Still armed while writing: no second flush.
  CAF_CHECK(box.push(data("b")) == result::queued);
  batch.clear(0);
  box.written();
  CAF_CHECK_EQUAL(drain(box), (std::vector<std::string>{"b"}));
}

CAF_TEST(bytes count waiting and writing frames) {
  outbox box{1 << 20};
  box.push(data(std::string(10, 'x'))); // 12 bytes with the header
  box.push(data(std::string(200, 'y'))); // 204
  CAF_CHECK_EQUAL(box.bytes(), 216u);
  frame_batch batch;
  CAF_REQUIRE(box.take(batch));
  CAF_CHECK_EQUAL(box.bytes(), 216u);
  box.push(data("z"));
  CAF_CHECK_EQUAL(box.bytes(), 219u);
  box.written();
  CAF_CHECK_EQUAL(box.bytes(), 3u);
}

CAF_TEST(over the limit is a slow consumer) {
  outbox box{100};
  CAF_CHECK(box.push(data(std::string(58, 'a'))) == result::schedule); // 60
  CAF_CHECK(box.push(data(std::string(38, 'b'))) == result::queued);   // 100
  CAF_CHECK(box.push(data("c")) == result::overflow);
  CAF_CHECK_EQUAL(box.bytes(), 0u); // the backlog is gone
  CAF_CHECK(box.push(data("d")) == result::dropped);
  // The close frame still goes out.
  CAF_CHECK(box.push_control(control_frame(ws::opcode::close, "\x03\xF0"))
            == result::queued);
  auto out = drain(box);
  CAF_CHECK_EQUAL(out.size(), 1u);
}

CAF_TEST(the frame being written counts against the limit) {
  outbox box{100};
  box.push(data(std::string(58, 'a')));
  frame_batch batch;
  CAF_REQUIRE(box.take(batch));
  CAF_CHECK(box.push(data(std::string(48, 'b'))) == result::overflow);
  // Once written, the same frame fits.
  outbox other{100};
  other.push(data(std::string(58, 'a')));
  frame_batch b2;
  CAF_REQUIRE(other.take(b2));
  other.written();
  CAF_CHECK(other.push(data(std::string(48, 'b'))) == result::queued);
}

CAF_TEST(one frame always fits) {
  outbox box{100};
  CAF_CHECK(box.push(data(std::string(500, 'x'))) == result::schedule);
  CAF_CHECK(box.push(data("y")) == result::overflow);
}

CAF_TEST(shutting data off) {
  outbox box{1 << 20};
  box.push(data("kept"));
  box.shut_data(false);
  CAF_CHECK(box.push(data("late")) == result::dropped);
  CAF_CHECK(box.push_control(control_frame(ws::opcode::close, ""))
            == result::queued);
  CAF_CHECK_EQUAL(drain(box).size(), 2u);
  outbox other{1 << 20};
  other.push(data("dropped"));
  other.shut_data(true);
  CAF_CHECK(other.push_control(control_frame(ws::opcode::close, ""))
            == result::queued);
  auto out = drain(other);
  CAF_CHECK_EQUAL(out.size(), 1u);
}

CAF_TEST(a shut outbox takes nothing) {
  outbox box{1 << 20};
  box.push(data("a"));
  box.shut();
  CAF_CHECK_EQUAL(box.bytes(), 0u);
  CAF_CHECK(box.push(data("b")) == result::dropped);
  CAF_CHECK(box.push_control(control_frame(ws::opcode::pong, ""))
            == result::dropped);
  CAF_CHECK(drain(box).empty());
}

CAF_TEST(a busy outbox reuses its vectors and an idle one holds none) {
  outbox box{1 << 20};
  frame_batch batch;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 100; ++i)
      box.push(data("x"));
    CAF_REQUIRE(box.take(batch));
    CAF_CHECK_EQUAL(batch.frames().size(), 100u);
    // Written while busy: the batch keeps its slots for the next round,
    // and the next take hands them to the waiting list.
    batch.clear(1024);
    box.written();
  }
  CAF_CHECK(!box.take(batch)); // idle now
  CAF_CHECK_EQUAL(box.capacity(), outbox::idle_capacity);
  batch.clear(outbox::idle_capacity);
  CAF_CHECK_EQUAL(batch.frames().capacity(), outbox::idle_capacity);
}

CAF_TEST(concurrent producers lose nothing and keep their order) {
  constexpr int producers = 4;
  constexpr int per_producer = 5000;
  outbox box{size_t{1} << 30};
  std::atomic<int> schedules{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      while (!go.load())
        std::this_thread::yield();
      for (int i = 0; i < per_producer; ++i) {
        auto text = std::to_string(p) + ":" + std::to_string(i);
        if (box.push(data(std::move(text))) == result::schedule)
          ++schedules;
      }
    });
  go = true;
  // The consumer plays the strand: it drains whenever a flush is due and
  // counts the idle transitions it sees.
  std::vector<int> next(producers, 0);
  int received = 0;
  int idles = 0;
  bool ordered = true;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (received < producers * per_producer
         && std::chrono::steady_clock::now() < deadline) {
    frame_batch batch;
    if (!box.take(batch)) {
      ++idles;
      std::this_thread::yield();
      continue;
    }
    for (auto& f : batch.frames()) {
      auto& text = *f.payload;
      auto colon = text.find(':');
      auto p = std::stoi(text.substr(0, colon));
      auto i = std::stoi(text.substr(colon + 1));
      ordered = ordered && i == next[p];
      next[p] = i + 1;
      ++received;
    }
    batch.clear(0);
    box.written();
  }
  for (auto& t : threads)
    t.join();
  CAF_CHECK_EQUAL(received, producers * per_producer);
  CAF_CHECK(ordered);
  // Every idle transition but possibly the last was undone by exactly one
  // push that was told to schedule.
  CAF_CHECK_LESS_OR_EQUAL(schedules.load(), idles + 1);
  CAF_CHECK_GREATER_OR_EQUAL(schedules.load(), 1);
  CAF_CHECK_EQUAL(box.bytes(), 0u);
}

// -- control frames (issue 11, row 2) -------------------------------------------

namespace {

out_frame pong(std::string data) {
  return control_frame(ws::opcode::pong, std::move(data));
}

} // namespace

CAF_TEST(control frames count against the byte limit) {
  outbox box{1024};
  CAF_CHECK(box.push_control(pong(std::string(125, 'p'))) == result::schedule);
  CAF_CHECK_EQUAL(box.bytes(), 127u); // 2-byte header
  CAF_CHECK(box.push(data(std::string(800, 'd'))) == result::queued); // 804
  CAF_CHECK_EQUAL(box.bytes(), 931u);
  // A data frame that would pass the limit with the pong counted overflows.
  CAF_CHECK(box.push(data(std::string(100, 'x'))) == result::overflow);
}

CAF_TEST(a pong over the limit is a slow consumer) {
  outbox box{1024};
  box.push(data(std::string(1000, 'd'))); // 1004 queued
  CAF_CHECK(box.push_control(pong(std::string(100, 'p'))) == result::overflow);
  CAF_CHECK_EQUAL(box.bytes(), 0u);
  // The close still goes out.
  CAF_CHECK(box.push_control(control_frame(ws::opcode::close, "\x03\xF0"))
            == result::queued);
}

CAF_TEST(one pong waits and a newer ping replaces it) {
  outbox box{1 << 20};
  box.push(data("a"));
  box.push_control(pong("1"));
  box.push(data("b"));
  for (int i = 2; i <= 1000; ++i)
    CAF_CHECK(box.push_control(pong(std::to_string(i))) == result::queued);
  // One pong, answering the latest ping, in the first pong's place.
  CAF_CHECK_EQUAL(box.bytes(), 3u + 6u + 3u);
  CAF_CHECK_EQUAL(drain(box),
                  (std::vector<std::string>{"a", "pong:1000", "b"}));
}

CAF_TEST(a pong being written is not replaced: one more may wait) {
  outbox box{1 << 20};
  box.push_control(pong("1"));
  frame_batch batch;
  CAF_REQUIRE(box.take(batch)); // pong 1 is being written
  box.push_control(pong("2"));
  box.push_control(pong("3"));
  CAF_CHECK_EQUAL(box.bytes(), 3u + 3u); // the one in flight and one waiting
  batch.clear(0);
  box.written();
  CAF_CHECK_EQUAL(drain(box), (std::vector<std::string>{"pong:3"}));
}

CAF_TEST(a ping flood that is never read stays bounded) {
  outbox box{4096};
  // The socket took one batch and stalls: nothing is ever written again.
  box.push(data(std::string(3000, 'd')));
  frame_batch batch;
  CAF_REQUIRE(box.take(batch));
  for (int i = 0; i < 100000; ++i)
    CAF_REQUIRE(box.push_control(pong(std::string(125, 'p')))
                != result::overflow);
  CAF_CHECK_EQUAL(box.bytes(), 3004u + 127u);
}

CAF_TEST(a close passes the limit after data is shut off) {
  outbox box{1024};
  box.push(data(std::string(1000, 'd')));
  box.shut_data(false);
  CAF_CHECK(box.push(data("late")) == result::dropped);
  CAF_CHECK(box.push_control(control_frame(ws::opcode::close, "\x03\xE8"))
            == result::queued);
  CAF_CHECK_EQUAL(box.bytes(), 1004u + 4u);
}
