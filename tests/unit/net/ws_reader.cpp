#define CAF_SUITE net.ws_reader

#include "net/ws_reader.hpp"

#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

using namespace sockd::net::ws;
using kind = reader::kind;

namespace {

// A client frame as a browser sends it: masked. `len_form` forces a length
// encoding (0: shortest, 126: 16 bits, 127: 64 bits) for the edge cases.
std::string frame(uint8_t op, std::string_view payload, bool fin = true,
                  uint8_t rsv = 0, bool masked = true, int len_form = 0,
                  uint32_t key = 0x37FA213Du) {
  std::string out;
  out += static_cast<char>((fin ? 0x80 : 0) | rsv | op);
  auto n = payload.size();
  auto mask_bit = masked ? 0x80 : 0;
  if (len_form == 0)
    len_form = n < 126 ? 0 : (n <= 0xFFFF ? 126 : 127);
  if (len_form == 0) {
    out += static_cast<char>(mask_bit | static_cast<int>(n));
  } else if (len_form == 126) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8)
      out += static_cast<char>((uint64_t{n} >> shift) & 0xFF);
  }
  uint8_t k[4] = {static_cast<uint8_t>(key >> 24),
                  static_cast<uint8_t>(key >> 16),
                  static_cast<uint8_t>(key >> 8), static_cast<uint8_t>(key)};
  if (masked)
    out.append(reinterpret_cast<const char*>(k), 4);
  for (size_t i = 0; i < n; ++i)
    out += masked ? static_cast<char>(payload[i] ^ k[i & 3]) : payload[i];
  return out;
}

std::string text(std::string_view payload, bool fin = true) {
  return frame(0x1, payload, fin);
}

std::string cont(std::string_view payload, bool fin = true) {
  return frame(0x0, payload, fin);
}

std::string close_frame(int code, std::string_view reason = {}) {
  std::string body;
  body += static_cast<char>(code >> 8);
  body += static_cast<char>(code & 0xFF);
  body.append(reason.data(), reason.size());
  return frame(0x8, body);
}

// Every event the reader yields for `bytes` fed in one piece.
std::vector<reader::event> events(reader& r, const std::string& bytes) {
  r.append(bytes.data(), bytes.size());
  std::vector<reader::event> out;
  for (auto ev = r.next(); ev.what != kind::none; ev = r.next())
    out.push_back(std::move(ev));
  return out;
}

reader::event only_event(reader& r, const std::string& bytes) {
  auto evs = events(r, bytes);
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  return std::move(evs.front());
}

void check_error(const std::string& bytes, uint16_t code,
                 uint64_t max = 1024) {
  reader r{max};
  auto ev = only_event(r, bytes);
  CAF_CHECK(ev.what == kind::error);
  CAF_CHECK_EQUAL(ev.code, code);
  CAF_CHECK(r.done());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

} // namespace

CAF_TEST(a masked text frame is unmasked) {
  reader r{1024};
  auto ev = only_event(r, text(R"({"action":8,"topic":"a:b"})"));
  CAF_CHECK(ev.what == kind::text);
  CAF_CHECK_EQUAL(ev.payload, R"({"action":8,"topic":"a:b"})");
  CAF_CHECK(!r.done());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(an empty text frame is an empty message) {
  reader r{1024};
  auto ev = only_event(r, text(""));
  CAF_CHECK(ev.what == kind::text);
  CAF_CHECK_EQUAL(ev.payload, "");
}

CAF_TEST(every length form) {
  reader r{1 << 20};
  for (size_t n : {size_t{0}, size_t{1}, size_t{125}, size_t{126},
                   size_t{127}, size_t{65535}, size_t{65536},
                   size_t{70000}}) {
    std::string payload(n, 'a');
    for (size_t i = 0; i < n; ++i)
      payload[i] = static_cast<char>('a' + i % 26);
    auto bytes = text(payload);
    auto header = n < 126 ? 2u : (n <= 0xFFFF ? 4u : 10u);
    CAF_CHECK_EQUAL(bytes.size(), header + 4 + n);
    auto ev = only_event(r, bytes);
    CAF_CHECK(ev.what == kind::text);
    CAF_CHECK_EQUAL(ev.payload.size(), n);
    CAF_CHECK(ev.payload == payload);
  }
}

CAF_TEST(bytes arriving one at a time) {
  reader r{1 << 20};
  std::string payload(300, 'x');
  auto bytes = text("first") + text(payload) + frame(0x9, "hi");
  std::vector<reader::event> got;
  for (auto c : bytes) {
    r.append(&c, 1);
    for (auto ev = r.next(); ev.what != kind::none; ev = r.next())
      got.push_back(std::move(ev));
  }
  CAF_REQUIRE_EQUAL(got.size(), 3u);
  CAF_CHECK_EQUAL(got[0].payload, "first");
  CAF_CHECK(got[1].payload == payload);
  CAF_CHECK(got[2].what == kind::ping);
  CAF_CHECK_EQUAL(got[2].payload, "hi");
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(an incomplete frame is held until the rest arrives) {
  reader r{1024};
  auto bytes = text("hello world");
  r.append(bytes.data(), 5);
  CAF_CHECK(r.next().what == kind::none);
  CAF_CHECK_EQUAL(r.buffered(), 5u);
  r.append(bytes.data() + 5, bytes.size() - 5);
  auto ev = r.next();
  CAF_CHECK_EQUAL(ev.payload, "hello world");
  CAF_CHECK(r.next().what == kind::none);
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(several frames in one read) {
  reader r{1024};
  auto evs = events(r, text("a") + text("b") + frame(0xA, "p") + text("c"));
  CAF_REQUIRE_EQUAL(evs.size(), 4u);
  CAF_CHECK_EQUAL(evs[0].payload, "a");
  CAF_CHECK_EQUAL(evs[1].payload, "b");
  CAF_CHECK(evs[2].what == kind::pong);
  CAF_CHECK_EQUAL(evs[2].payload, "p");
  CAF_CHECK_EQUAL(evs[3].payload, "c");
}

CAF_TEST(fragments make one message) {
  reader r{1024};
  auto evs = events(r, text("one ", false) + cont("two ", false)
                         + cont("three"));
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  CAF_CHECK(evs[0].what == kind::text);
  CAF_CHECK_EQUAL(evs[0].payload, "one two three");
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(control frames between fragments) {
  reader r{1024};
  auto evs = events(r, text("ab", false) + frame(0x9, "ping!")
                         + cont("cd", false) + frame(0xA, "")
                         + cont("ef"));
  CAF_REQUIRE_EQUAL(evs.size(), 3u);
  CAF_CHECK(evs[0].what == kind::ping);
  CAF_CHECK_EQUAL(evs[0].payload, "ping!");
  CAF_CHECK(evs[1].what == kind::pong);
  CAF_CHECK(evs[2].what == kind::text);
  CAF_CHECK_EQUAL(evs[2].payload, "abcdef");
}

CAF_TEST(a close between fragments ends the reader) {
  reader r{1024};
  auto evs = events(r, text("ab", false) + close_frame(1000) + cont("cd"));
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  CAF_CHECK(evs[0].what == kind::close);
  CAF_CHECK(r.done());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(a character split across fragments) {
  reader r{1024};
  auto evs = events(r, text("caf\xC3", false) + cont("\xA9!"));
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  CAF_CHECK(evs[0].what == kind::text);
  CAF_CHECK_EQUAL(evs[0].payload, "caf\xC3\xA9!");
}

CAF_TEST(ping and pong carry their data) {
  reader r{1024};
  std::string longest(125, 'p');
  auto evs = events(r, frame(0x9, longest) + frame(0xA, "x") + frame(0x9, ""));
  CAF_REQUIRE_EQUAL(evs.size(), 3u);
  CAF_CHECK(evs[0].what == kind::ping);
  CAF_CHECK_EQUAL(evs[0].payload, longest);
  CAF_CHECK(evs[1].what == kind::pong);
  CAF_CHECK_EQUAL(evs[1].payload, "x");
  CAF_CHECK(evs[2].what == kind::ping);
  CAF_CHECK_EQUAL(evs[2].payload, "");
}

CAF_TEST(close with code and reason) {
  reader r{1024};
  auto ev = only_event(r, close_frame(1000, "bye"));
  CAF_CHECK(ev.what == kind::close);
  CAF_CHECK_EQUAL(ev.code, 1000);
  CAF_CHECK_EQUAL(ev.payload, "bye");
  CAF_CHECK(r.done());
  // Nothing after a close counts.
  CAF_CHECK(events(r, text("late")).empty());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(close without a code reports 1005) {
  reader r{1024};
  auto ev = only_event(r, frame(0x8, ""));
  CAF_CHECK(ev.what == kind::close);
  CAF_CHECK_EQUAL(ev.code, close_code::no_status);
  CAF_CHECK_EQUAL(ev.payload, "");
}

CAF_TEST(close codes) {
  for (int code : {1001, 1003, 1011, 3000, 4999}) {
    reader r{1024};
    auto ev = only_event(r, close_frame(code));
    CAF_CHECK(ev.what == kind::close);
    CAF_CHECK_EQUAL(ev.code, code);
  }
  for (int code : {0, 999, 1004, 1005, 1006, 1015, 2000, 5000})
    check_error(close_frame(code), close_code::protocol_error);
}

CAF_TEST(malformed close frames) {
  check_error(frame(0x8, "\x03"), close_code::protocol_error);
  check_error(close_frame(1000, "\xC3("), close_code::bad_payload);
}

CAF_TEST(unmasked client frames are refused) {
  check_error(frame(0x1, "hi", true, 0, false), close_code::protocol_error);
  check_error(frame(0x9, "", true, 0, false), close_code::protocol_error);
}

CAF_TEST(reserved bits are refused) {
  for (uint8_t rsv : {0x40, 0x20, 0x10})
    check_error(frame(0x1, "hi", true, rsv), close_code::protocol_error);
}

CAF_TEST(unknown opcodes are refused) {
  for (uint8_t op : {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    check_error(frame(op, "x"), close_code::protocol_error);
}

CAF_TEST(control frames must be short and final) {
  check_error(frame(0x9, std::string(126, 'p')), close_code::protocol_error);
  check_error(frame(0x9, "p", false), close_code::protocol_error);
  check_error(frame(0xA, "p", false), close_code::protocol_error);
  check_error(frame(0x8, std::string(126, 'c')), close_code::protocol_error);
}

CAF_TEST(fragments out of order are refused) {
  check_error(cont("orphan"), close_code::protocol_error);
  check_error(text("a", false) + text("b"), close_code::protocol_error);
  check_error(text("a", false) + frame(0x2, "b"), close_code::protocol_error);
}

CAF_TEST(lengths must use the shortest form) {
  check_error(frame(0x1, "short", true, 0, true, 126),
              close_code::protocol_error);
  check_error(frame(0x1, std::string(200, 'x'), true, 0, true, 127),
              close_code::protocol_error, 1 << 20);
  // A 64-bit length with the top bit set.
  std::string bytes = "\x81\xFF\x80";
  bytes += std::string(7, '\0');
  check_error(bytes, close_code::protocol_error);
}

CAF_TEST(the message limit is inclusive) {
  reader r{100};
  auto ev = only_event(r, text(std::string(100, 'x')));
  CAF_CHECK(ev.what == kind::text);
  CAF_CHECK_EQUAL(ev.payload.size(), 100u);
  check_error(text(std::string(101, 'x')), close_code::too_big, 100);
}

CAF_TEST(an oversized frame is refused from its header) {
  reader r{65536};
  auto bytes = text(std::string(65537, 'x'));
  // Header and mask only: the payload never needs to arrive.
  r.append(bytes.data(), 14);
  auto ev = r.next();
  CAF_CHECK(ev.what == kind::error);
  CAF_CHECK_EQUAL(ev.code, close_code::too_big);
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(the limit counts every fragment) {
  reader r{100};
  auto evs = events(r, text(std::string(60, 'x'), false)
                         + frame(0x9, "in between")
                         + cont(std::string(40, 'y')));
  CAF_REQUIRE_EQUAL(evs.size(), 2u);
  CAF_CHECK(evs[0].what == kind::ping);
  CAF_CHECK(evs[1].what == kind::text);
  CAF_CHECK_EQUAL(evs[1].payload, std::string(60, 'x') + std::string(40, 'y'));
  check_error(text(std::string(60, 'x'), false) + cont(std::string(41, 'y')),
              close_code::too_big, 100);
}

CAF_TEST(binary messages are reported without their payload) {
  reader r{100};
  auto evs = events(r, frame(0x2, "\x01\x02\x03") + frame(0x2, "ab", false)
                         + cont("cd"));
  CAF_REQUIRE_EQUAL(evs.size(), 2u);
  CAF_CHECK(evs[0].what == kind::binary);
  CAF_CHECK(evs[0].payload.empty());
  CAF_CHECK(evs[1].what == kind::binary);
  CAF_CHECK(!r.done());
  check_error(frame(0x2, std::string(101, 'b')), close_code::too_big, 100);
}

CAF_TEST(text must be utf8) {
  check_error(text("bad \xFF byte"), close_code::bad_payload);
  check_error(text("caf\xC3", false) + cont("("), close_code::bad_payload);
}

CAF_TEST(after an error the reader ignores everything) {
  reader r{1024};
  auto evs = events(r, frame(0x1, "x", true, 0x40) + text("after"));
  CAF_REQUIRE_EQUAL(evs.size(), 1u);
  CAF_CHECK(evs[0].what == kind::error);
  CAF_CHECK(events(r, text("later")).empty());
  CAF_CHECK_EQUAL(r.buffered(), 0u);
}

CAF_TEST(masking keys do not matter) {
  for (uint32_t key : {0u, 0xFFFFFFFFu, 0x01020304u}) {
    reader r{1024};
    auto ev = only_event(r, frame(0x1, "same text", true, 0, true, 0, key));
    CAF_CHECK_EQUAL(ev.payload, "same text");
  }
}
