#define CAF_SUITE net.outbox_backlog

#include "net/outbox.hpp"

#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

#include "tests/unit/net/outbox_fixture.hpp"

using namespace sockd;
using namespace sockd::net;
using namespace sockd::net::test;
using result = outbox::push_result;

// -- backlogs (issue 11, row 6) ---------------------------------------------------

namespace {

std::vector<frame_ptr> board(size_t frames, size_t bytes_each,
                             const std::string& prefix = "b") {
  std::vector<frame_ptr> out;
  for (size_t i = 0; i < frames; ++i) {
    auto text = prefix + std::to_string(i) + ":";
    text.resize(bytes_each, '.');
    out.push_back(make_frame(std::move(text)));
  }
  return out;
}

std::string tag(const std::string& payload) {
  return payload.substr(0, payload.find(':'));
}

} // namespace

CAF_TEST(a backlog larger than the limit is fed at the low-water mark) {
  // 1 MiB limit, 256 KiB low water; a 2 MiB board of 1 KiB frames.
  outbox box{1 << 20};
  auto frames = board(2048, 1024);
  CAF_CHECK(box.push_backlog(frames) == result::schedule);
  CAF_CHECK_EQUAL(box.bytes(), 0u); // pointers only until fed
  CAF_CHECK_EQUAL(box.backlog_frames(), 2048u);
  size_t got = 0;
  size_t batches = 0;
  frame_batch batch;
  while (box.take(batch)) {
    ++batches;
    // Each batch is about the low-water mark, never near the limit.
    CAF_CHECK_LESS_OR_EQUAL(box.bytes(), (256u << 10) + 1028u);
    for (auto& f : batch.frames())
      CAF_REQUIRE_EQUAL(tag(*f.payload), "b" + std::to_string(got++));
    batch.clear(0);
    box.written();
  }
  CAF_CHECK_EQUAL(got, 2048u);
  CAF_CHECK_EQUAL(batches, 8u);
  CAF_CHECK_EQUAL(box.backlog_frames(), 0u);
  // The frames were shared, not copied.
  CAF_CHECK_EQUAL(frames[0].use_count(), 1);
}

CAF_TEST(frames pushed after a backlog go out after it) {
  outbox box{1 << 20};
  box.push(data("before"));
  box.push_backlog(board(600, 1024));
  CAF_CHECK(box.push(data("after1")) == result::queued);
  box.push_backlog(board(3, 10, "second"));
  CAF_CHECK(box.push(data("after2")) == result::queued);
  // Counted while waiting behind the backlog.
  CAF_CHECK_EQUAL(box.bytes(), 8u + 8u + 8u);
  std::vector<std::string> order;
  frame_batch batch;
  while (box.take(batch)) {
    for (auto& f : batch.frames())
      order.push_back(tag(*f.payload));
    batch.clear(0);
    box.written();
  }
  CAF_REQUIRE_EQUAL(order.size(), 1u + 600u + 1u + 3u + 1u);
  CAF_CHECK_EQUAL(order[0], "before");
  for (size_t i = 0; i < 600; ++i)
    CAF_REQUIRE_EQUAL(order[1 + i], "b" + std::to_string(i));
  CAF_CHECK_EQUAL(order[601], "after1");
  CAF_CHECK_EQUAL(order[602], "second0");
  CAF_CHECK_EQUAL(order[604], "second2");
  CAF_CHECK_EQUAL(order[605], "after2");
  CAF_CHECK_EQUAL(box.bytes(), 0u);
}

CAF_TEST(a reader that stalls behind a backlog is a slow consumer) {
  outbox box{64 << 10}; // low water 16 KiB
  box.push_backlog(board(1000, 1024));
  frame_batch batch;
  CAF_REQUIRE(box.take(batch)); // ~16 KiB in flight, then the socket stalls
  auto res = result::queued;
  int pushed = 0;
  while (res == result::queued && pushed < 1000) {
    res = box.push(data(std::string(1000, 'x')));
    ++pushed;
  }
  CAF_CHECK(res == result::overflow);
  CAF_CHECK_LESS(pushed, 64);
  CAF_CHECK_EQUAL(box.backlog_frames(), 0u); // dropped with the rest
}

CAF_TEST(closing drops the backlog) {
  outbox box{1 << 20};
  box.push(data("a"));
  box.push_backlog(board(10, 100));
  box.shut_data(false);
  CAF_CHECK_EQUAL(box.backlog_frames(), 0u);
  box.push_control(control_frame(ws::opcode::close, "\x03\xE8"));
  auto got = drain(box);
  CAF_REQUIRE_EQUAL(got.size(), 2u);
  CAF_CHECK_EQUAL(got[0], "a");
}
