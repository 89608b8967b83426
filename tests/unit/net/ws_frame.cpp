#define CAF_SUITE net.ws_frame

#include "net/ws_frame.hpp"

#include <string>
#include <vector>

#include <caf/test/unit_test.hpp>

using namespace sockd::net::ws;

namespace {

std::vector<int> header_of(opcode op, uint64_t size) {
  uint8_t out[max_header_size + 1];
  out[max_header_size] = 0xEE; // must stay untouched
  auto n = encode_header(out, op, size);
  CAF_CHECK_EQUAL(out[max_header_size], 0xEE);
  return std::vector<int>(out, out + n);
}

std::string bytes(std::initializer_list<int> xs) {
  std::string out;
  for (auto x : xs)
    out += static_cast<char>(x);
  return out;
}

std::string hex(std::string_view text) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (auto c : text) {
    auto b = static_cast<uint8_t>(c);
    out += digits[b >> 4];
    out += digits[b & 0xF];
  }
  return out;
}

} // namespace

CAF_TEST(headers use the shortest length form) {
  using v = std::vector<int>;
  CAF_CHECK_EQUAL(header_of(opcode::text, 0), (v{0x81, 0}));
  CAF_CHECK_EQUAL(header_of(opcode::text, 125), (v{0x81, 125}));
  CAF_CHECK_EQUAL(header_of(opcode::text, 126), (v{0x81, 126, 0, 126}));
  CAF_CHECK_EQUAL(header_of(opcode::text, 65535),
                  (v{0x81, 126, 0xFF, 0xFF}));
  CAF_CHECK_EQUAL(header_of(opcode::text, 65536),
                  (v{0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0}));
  CAF_CHECK_EQUAL(header_of(opcode::text, 0x0102030405060708ull),
                  (v{0x81, 127, 1, 2, 3, 4, 5, 6, 7, 8}));
}

CAF_TEST(headers are final and unmasked with the opcode) {
  using v = std::vector<int>;
  CAF_CHECK_EQUAL(header_of(opcode::close, 2), (v{0x88, 2}));
  CAF_CHECK_EQUAL(header_of(opcode::ping, 0), (v{0x89, 0}));
  CAF_CHECK_EQUAL(header_of(opcode::pong, 5), (v{0x8A, 5}));
  CAF_CHECK_EQUAL(header_of(opcode::binary, 1), (v{0x82, 1}));
}

CAF_TEST(close payload is the code then the reason) {
  CAF_CHECK_EQUAL(close_payload(1001, "going away"),
                  bytes({0x03, 0xE9}) + "going away");
  CAF_CHECK_EQUAL(close_payload(1008, ""), bytes({0x03, 0xF0}));
  CAF_CHECK_EQUAL(close_payload(4999, "x"), bytes({0x13, 0x87}) + "x");
}

CAF_TEST(close reason is cut to fit a control frame) {
  auto p = close_payload(1000, std::string(200, 'r'));
  CAF_CHECK_EQUAL(p.size(), max_control_payload);
  CAF_CHECK_EQUAL(p.substr(2), std::string(123, 'r'));
  // A two-byte character straddling the cut goes whole.
  auto reason = std::string(122, 'r') + "\xC3\xA9" + "tail";
  p = close_payload(1000, reason);
  CAF_CHECK_EQUAL(p.substr(2), std::string(122, 'r'));
  CAF_CHECK(valid_utf8(p.substr(2)));
  // Exactly 123 bytes stay as they are.
  p = close_payload(1000, std::string(121, 'r') + "\xC3\xA9");
  CAF_CHECK_EQUAL(p.size(), 125u);
}

CAF_TEST(close codes a peer may send) {
  std::vector<int> wrong; // codes judged the wrong way
  for (int code : {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011,
                   3000, 3999, 4000, 4999})
    if (!valid_close_code(static_cast<uint16_t>(code)))
      wrong.push_back(code);
  for (int code : {0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 2000, 2999,
                   5000, 65535})
    if (valid_close_code(static_cast<uint16_t>(code)))
      wrong.push_back(code);
  CAF_CHECK_EQUAL(wrong, std::vector<int>{});
}

CAF_TEST(utf8 accepts well formed text) {
  CAF_CHECK(valid_utf8(""));
  CAF_CHECK(valid_utf8("plain ascii, long enough for the 8-byte path"));
  CAF_CHECK(valid_utf8("caf\xC3\xA9"));                // U+00E9
  CAF_CHECK(valid_utf8("\xE2\x82\xAC 12"));            // U+20AC
  CAF_CHECK(valid_utf8("\xF0\x9F\x98\x80"));           // U+1F600
  CAF_CHECK(valid_utf8("\xF4\x8F\xBF\xBF"));           // U+10FFFF
  CAF_CHECK(valid_utf8("\xED\x9F\xBF"));               // U+D7FF
  CAF_CHECK(valid_utf8("\xEE\x80\x80"));               // U+E000
  CAF_CHECK(valid_utf8("abcdefg\xC3\xA9" "abcdefgh")); // across a chunk
  CAF_CHECK(valid_utf8(std::string("a\0b", 3)));
}

CAF_TEST(utf8 refuses malformed text) {
  std::vector<std::string> accepted;
  for (auto bad : {"\x80", "\xBF", "a\xC3", "\xC3(", "\xC0\x80", "\xC1\xBF",
                   "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80",
                   "\xED\xBF\xBF", "\xF0\x80\x80\x80", "\xF0\x8F\xBF\xBF",
                   "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF",
                   "\xE2\x82", "\xF0\x9F\x98", "abcdefgh\xC3",
                   "\xE2\x28\xA1"})
    if (valid_utf8(bad))
      accepted.push_back(hex(bad));
  CAF_CHECK_EQUAL(accepted, std::vector<std::string>{});
}
