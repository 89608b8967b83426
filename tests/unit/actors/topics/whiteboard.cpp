#define CAF_SUITE actors.topics.whiteboard

#include "actors/topics/whiteboard.hpp"

#include "net/outbox.hpp"
#include "tests/unit/fixtures.hpp"

using namespace sockd;
using sockd::test::field;

namespace {

// The recorder notes each backlog it gets (tests/unit/fixtures.hpp).
using backlog_recorder = sockd::test::recorder;

// A socket's real outbox (net/outbox.hpp) at the default max_queued_bytes,
// whose writer the test drives: what a late joiner's socket would hold.
struct outbox_socket : outbound {
  net::outbox box{1 << 20};
  std::vector<std::pair<uint16_t, std::string>> closes;
  size_t peak_bytes = 0;

  void send(frame_ptr frame) override {
    queue(std::move(frame));
  }

  bool queue(frame_ptr frame) override {
    if (box.push(net::data_frame(std::move(frame)))
        == net::outbox::push_result::overflow)
      close(1008, "slow consumer");
    peak_bytes = std::max(peak_bytes, box.bytes());
    return false;
  }

  void send_backlog(std::vector<frame_ptr> frames) override {
    box.push_backlog(std::move(frames));
  }

  void close(uint16_t code, std::string reason) override {
    closes.emplace_back(code, std::move(reason));
  }

  // Writes everything, batch by batch, as a reading client would.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    net::frame_batch batch;
    while (box.take(batch)) {
      peak_bytes = std::max(peak_bytes, box.bytes());
      for (auto& f : batch.frames())
        out.push_back(*f.payload);
      batch.clear(0);
      box.written();
    }
    return out;
  }
};

struct whiteboard_fixture
  : sockd::test::topic_fixture<spawn_whiteboard_topic> {
  whiteboard_fixture() {
    join("a", "alice");
    frames("a");
  }

  void draw(const char* action, std::string payload) {
    CAF_REQUIRE_EQUAL(publish("a", std::move(payload), {}, false, action),
                      true);
  }

  // What a late joiner gets after its ack, as (action, payload) text.
  std::vector<std::string> late_join(const std::string& cid) {
    join(cid, cid);
    auto got = frames(cid);
    std::vector<std::string> result;
    for (size_t i = 1; i < got.size(); ++i)
      result.push_back(field(got[i], "action").dump() + " "
                       + field(got[i], "payload").dump());
    return result;
  }

  // Joins `cid` with its own outbound `out`.
  template <class Outbound>
  std::shared_ptr<Outbound> join_with(const std::string& cid) {
    auto out = std::make_shared<Outbound>();
    auto peer = sockd::test::spawn_peer(sys);
    auto rec = std::make_shared<sockd::test::recorder>(); // unused
    clients[cid] = client{member{cid, cid, peer.address(), out}, rec, peer};
    script->allowed.emplace(cid, name);
    CAF_REQUIRE_EQUAL(sockd::test::ask<bool>(*this, topic, join_atom::value,
                                clients[cid].info),
                      true);
    return out;
  }

  // About 1 MiB of DRAW_LINES (the board's bound) in frames of ~4 KiB.
  size_t fill_board() {
    auto pad = std::string(4000, 'x');
    size_t n = 0;
    for (; n < 260; ++n)
      draw("18", R"({"n":)" + std::to_string(n) + R"(,"pad":")" + pad
                   + "\"}");
    frames("a");
    return n;
  }
};

int line_number(const std::string& frame) {
  auto payload = field(frame, "payload");
  return payload.is_object() && payload.contains("n")
           ? payload["n"].get<int>()
           : -1;
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(whiteboard_tests, whiteboard_fixture)

CAF_TEST(an empty board sends only the ack) {
  CAF_CHECK(late_join("b").empty());
}

CAF_TEST(a late joiner gets settings and lines in order) {
  draw("16", R"({"scale":2})");
  draw("18", R"({"lines":[1]})");
  draw("17", R"({"stroke":"red"})");
  draw("18", R"({"lines":[2]})");
  draw("16", R"({"scale":3})"); // replaces the first scale
  draw("12", R"({"message":"chat is not board state"})");
  CAF_CHECK_EQUAL(late_join("b"),
                  (std::vector<std::string>{
                    R"(18 {"lines":[1]})", R"(17 {"stroke":"red"})",
                    R"(18 {"lines":[2]})", R"(16 {"scale":3})"}));
}

CAF_TEST(a page change starts the lines afresh) {
  draw("18", R"({"lines":[1]})");
  draw("15", R"({"page":2})");
  draw("18", R"({"lines":[2]})");
  CAF_CHECK_EQUAL(late_join("b"),
                  (std::vector<std::string>{R"(15 {"page":2})",
                                            R"(18 {"lines":[2]})"}));
}

CAF_TEST(lines are bounded in bytes and the oldest go first) {
  auto line = std::string(300 * 1024, 'x');
  for (int i = 0; i < 5; ++i)
    draw("18", R"({"n":)" + std::to_string(i) + R"(,"pad":")" + line + "\"}");
  auto got = late_join("b");
  CAF_REQUIRE_EQUAL(got.size(), 3u); // 3 x 300 KiB fit in 1 MiB
  CAF_CHECK_EQUAL(got[0].substr(0, 10), R"(18 {"n":2,)");
}

CAF_TEST(targeted messages are not board state) {
  join("b", "b");
  frames("b");
  CAF_CHECK_EQUAL(publish("a", R"({"target":"b","scale":9})", "b", false,
                          "16"),
                  true);
  CAF_CHECK(late_join("c").empty());
}

CAF_TEST(the board goes to a late joiner as one backlog) {
  draw("16", R"({"scale":2})");
  draw("18", R"({"lines":[1]})");
  draw("18", R"({"lines":[2]})");
  auto out = join_with<backlog_recorder>("b");
  CAF_CHECK_EQUAL(out->backlogs, (std::vector<size_t>{3}));
  auto got = out->take();
  CAF_REQUIRE_EQUAL(got.size(), 4u); // the ack, then the board
  CAF_CHECK_EQUAL(field(got[0], "action"), 8); // the SUBSCRIBE ack
  CAF_CHECK_EQUAL(field(got[3], "payload").dump(), R"({"lines":[2]})");
}

CAF_TEST(an empty board sends no backlog) {
  auto out = join_with<backlog_recorder>("b");
  CAF_CHECK(out->backlogs.empty());
}

CAF_TEST(broadcasts after the join follow the board) {
  auto lines = fill_board();
  auto out = join_with<backlog_recorder>("b");
  CAF_REQUIRE_EQUAL(out->backlogs.size(), 1u);
  draw("18", R"({"n":1000})");
  auto got = out->take();
  CAF_REQUIRE_GREATER(got.size(), 2u);
  CAF_CHECK_EQUAL(line_number(got.back()), 1000);
  CAF_CHECK_EQUAL(got.size(), 1u + out->backlogs[0] + 1u);
  CAF_CHECK_LESS_OR_EQUAL(out->backlogs[0], lines);
}

CAF_TEST(a 1 MiB board reaches a late joiner through a real outbox) {
  // The board holds ~1 MiB; the joiner's socket allows 1 MiB queued.
  // Before issue 11 this closed the joiner 1008 before its first frame.
  fill_board();
  auto out = join_with<outbox_socket>("b");
  draw("18", R"({"n":1000})"); // drawing goes on while the board streams
  auto got = out->drain();
  CAF_CHECK(out->closes.empty());
  CAF_CHECK_LESS_OR_EQUAL(out->peak_bytes, size_t{512} << 10);
  CAF_REQUIRE_GREATER(got.size(), 200u);
  CAF_CHECK_EQUAL(field(got[0], "action"), 8); // the SUBSCRIBE ack first
  // Every line in order, the newest ones of the board, then the new line.
  auto first = line_number(got[1]);
  for (size_t i = 1; i + 1 < got.size(); ++i)
    CAF_REQUIRE_EQUAL(line_number(got[i]), first + static_cast<int>(i) - 1);
  CAF_CHECK_EQUAL(line_number(got[got.size() - 2]), 259);
  CAF_CHECK_EQUAL(line_number(got.back()), 1000);
}

CAF_TEST_FIXTURE_SCOPE_END()
