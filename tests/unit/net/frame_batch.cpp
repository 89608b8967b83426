#define CAF_SUITE net.frame_batch

#include "net/frame_batch.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

using namespace sockd;
using namespace sockd::net;

namespace {

std::string joined(const std::vector<iovec>& iov) {
  std::string out;
  for (auto& v : iov)
    out.append(static_cast<const char*>(v.iov_base), v.iov_len);
  return out;
}

// The bytes fill() would hand to sendmsg, `max` iovecs at a time.
std::vector<iovec> pending(const frame_batch& batch, size_t max = 64) {
  std::vector<iovec> iov(max);
  iov.resize(batch.fill(iov.data(), iov.size()));
  return iov;
}

std::string wire(std::string_view payload) {
  uint8_t head[ws::max_header_size];
  auto n = ws::encode_header(head, ws::opcode::text, payload.size());
  return std::string(reinterpret_cast<char*>(head), n) + std::string(payload);
}

} // namespace

CAF_TEST(a data frame is a header plus the shared payload) {
  auto payload = make_frame(std::string(300, 'p'));
  auto f = data_frame(payload);
  CAF_CHECK_EQUAL(f.header_size, 4);
  CAF_CHECK_EQUAL(f.size(), 304u);
  CAF_CHECK(f.payload == payload); // the same string, not a copy
  CAF_CHECK(!f.is_close);
}

CAF_TEST(control frames) {
  auto close = control_frame(ws::opcode::close, ws::close_payload(1001, "bye"));
  CAF_CHECK(close.is_close);
  CAF_CHECK_EQUAL(close.header[0], 0x88);
  CAF_CHECK_EQUAL(close.header[1], 5);
  auto pong = control_frame(ws::opcode::pong, std::string(200, 'x'));
  CAF_CHECK_EQUAL(pong.payload->size(), ws::max_control_payload);
  CAF_CHECK_EQUAL(pong.header[1], 125);
}

CAF_TEST(fill lays out every frame in order) {
  frame_batch batch;
  batch.frames().push_back(data_frame(make_frame("first")));
  batch.frames().push_back(data_frame(make_frame(std::string(200, 'b'))));
  batch.frames().push_back(data_frame(make_frame("")));
  auto iov = pending(batch);
  CAF_CHECK_EQUAL(iov.size(), 5u); // the empty payload has no iovec
  CAF_CHECK_EQUAL(joined(iov),
                  wire("first") + wire(std::string(200, 'b')) + wire(""));
  CAF_CHECK(!batch.written());
  batch.advance(joined(iov).size());
  CAF_CHECK(batch.written());
  CAF_CHECK(pending(batch).empty());
}

CAF_TEST(a partial write resumes mid header and mid payload) {
  frame_batch batch;
  auto big = std::string(70000, 'z');
  batch.frames().push_back(data_frame(make_frame("abc")));
  batch.frames().push_back(data_frame(make_frame(big)));
  auto all = wire("abc") + wire(big);
  size_t done = 0;
  // Steps that stop inside a header, at a frame boundary and inside
  // payloads.
  for (size_t step : {size_t{1}, size_t{4}, size_t{3}, size_t{5}, size_t{1000},
                      size_t{50000}}) {
    batch.advance(step);
    done += step;
    CAF_CHECK_EQUAL(joined(pending(batch)), all.substr(done));
  }
  batch.advance(all.size() - done);
  CAF_CHECK(batch.written());
}

CAF_TEST(fill stops at the iovec limit) {
  frame_batch batch;
  std::string all;
  for (int i = 0; i < 10; ++i) {
    auto text = "frame " + std::to_string(i);
    batch.frames().push_back(data_frame(make_frame(text)));
    all += wire(text);
  }
  std::string seen;
  while (!batch.written()) {
    auto iov = pending(batch, 3);
    CAF_REQUIRE(!iov.empty());
    CAF_CHECK_LESS_OR_EQUAL(iov.size(), 3u);
    auto bytes = joined(iov);
    seen += bytes;
    batch.advance(bytes.size());
  }
  CAF_CHECK_EQUAL(seen, all);
}

CAF_TEST(dropping keeps a frame already started) {
  frame_batch batch;
  for (auto text : {"one", "two", "three"})
    batch.frames().push_back(data_frame(make_frame(text)));
  batch.advance(wire("one").size() + 1); // into "two"
  batch.drop_unstarted();
  CAF_CHECK_EQUAL(batch.frames().size(), 2u);
  CAF_CHECK_EQUAL(joined(pending(batch)), wire("two").substr(1));
  batch.advance(wire("two").size() - 1);
  CAF_CHECK(batch.written());
  // At a frame boundary nothing unstarted stays.
  frame_batch other;
  for (auto text : {"one", "two"})
    other.frames().push_back(data_frame(make_frame(text)));
  other.advance(wire("one").size());
  other.drop_unstarted();
  CAF_CHECK(other.written());
}

CAF_TEST(the batch knows a trailing close) {
  frame_batch batch;
  batch.frames().push_back(data_frame(make_frame("x")));
  CAF_CHECK(!batch.ends_with_close());
  batch.frames().push_back(
    control_frame(ws::opcode::close, ws::close_payload(1000, "")));
  CAF_CHECK(batch.ends_with_close());
}

CAF_TEST(clear keeps little capacity) {
  frame_batch batch;
  for (int i = 0; i < 100; ++i)
    batch.frames().push_back(data_frame(make_frame("x")));
  batch.clear(4);
  CAF_CHECK(batch.empty());
  CAF_CHECK_LESS_OR_EQUAL(batch.frames().capacity(), 4u);
  for (int i = 0; i < 3; ++i)
    batch.frames().push_back(data_frame(make_frame("x")));
  auto cap = batch.frames().capacity();
  batch.clear(4);
  CAF_CHECK_EQUAL(batch.frames().capacity(), cap); // small: kept for reuse
  CAF_CHECK(batch.written());
}

CAF_TEST(small pieces share one copied iovec) {
  frame_batch batch;
  std::string all;
  for (auto text : {"a", "bb", "ccc"}) {
    batch.frames().push_back(data_frame(make_frame(text)));
    all += wire(text);
  }
  auto big = std::string(1000, 'B');
  batch.frames().push_back(data_frame(make_frame(big)));
  all += wire(big);
  batch.frames().push_back(data_frame(make_frame("tail")));
  all += wire("tail");
  char scratch[256];
  std::vector<iovec> iov(16);
  iov.resize(batch.fill(iov.data(), iov.size(), scratch, sizeof(scratch),
                        512));
  // Three small frames and the big one's header copied together; the big
  // payload in place; then the last frame copied.
  CAF_REQUIRE_EQUAL(iov.size(), 3u);
  CAF_CHECK(iov[1].iov_base == batch.frames()[3].payload->data());
  CAF_CHECK_EQUAL(joined(iov), all);
}

CAF_TEST(copying resumes mid frame and respects the scratch size) {
  frame_batch batch;
  std::string all;
  for (int i = 0; i < 50; ++i) {
    auto text = "frame number " + std::to_string(i);
    batch.frames().push_back(data_frame(make_frame(text)));
    all += wire(text);
  }
  char scratch[100];
  std::string seen;
  size_t step = 7; // sendmsg takes odd amounts
  while (!batch.written()) {
    std::vector<iovec> iov(4);
    iov.resize(batch.fill(iov.data(), iov.size(), scratch, sizeof(scratch),
                          512));
    CAF_REQUIRE(!iov.empty());
    auto bytes = joined(iov);
    auto taken = std::min(step, bytes.size());
    seen += bytes.substr(0, taken);
    batch.advance(taken);
    step = step * 3 % 101 + 1;
  }
  CAF_CHECK_EQUAL(seen, all);
}

CAF_TEST(append_to lays the unwritten bytes out in one buffer) {
  frame_batch batch;
  std::string all;
  for (auto len : {5, 130, 70000, 0, 12}) {
    auto text = std::string(static_cast<size_t>(len), 'x');
    batch.frames().push_back(data_frame(make_frame(text)));
    all += wire(text);
  }
  std::string out = "kept";
  CAF_CHECK_EQUAL(batch.append_to(out), all.size());
  CAF_CHECK_EQUAL(out, "kept" + all);
  // Mid header of the 70000-byte frame (10-byte header), then mid payload.
  for (size_t taken : {size_t{7 + 134 + 3}, size_t{9}}) {
    batch.advance(taken);
    all.erase(0, taken);
    out.clear();
    CAF_CHECK_EQUAL(batch.append_to(out), all.size());
    CAF_CHECK_EQUAL(out, all);
  }
  batch.advance(all.size());
  out.clear();
  CAF_CHECK_EQUAL(batch.append_to(out), 0u);
  CAF_CHECK(batch.written());
}
