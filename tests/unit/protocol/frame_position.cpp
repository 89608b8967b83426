#define CAF_SUITE protocol.frame_position

#include "protocol/frame.hpp"

#include <caf/test/unit_test.hpp>

using namespace sockd;
using namespace sockd::protocol;

namespace {

inbound accepted(std::string_view text) {
  auto res = parse(text);
  if (auto in = std::get_if<inbound>(&res))
    return *in;
  CAF_FAIL("frame was not accepted: " << text);
}

std::string refused(std::string_view text) {
  auto res = parse(text);
  if (auto r = std::get_if<refusal>(&res)) {
    CAF_CHECK_EQUAL(r->code, errc::bad_frame);
    return r->message;
  }
  CAF_FAIL("frame was not refused: " << text);
}

} // namespace

CAF_TEST(a plain subscribe asks for nothing) {
  auto in = accepted(R"({"action":8,"topic":"chat:a"})");
  CAF_CHECK(!in.recover);
  CAF_CHECK(!in.since);
}

CAF_TEST(recover and since are read) {
  auto in = accepted(R"({"action":8,"topic":"chat:a","recover":true})");
  CAF_CHECK(in.recover);
  CAF_CHECK(!in.since);
  in = accepted(R"({"action":"SUBSCRIBE","topic":"chat:a",)"
                R"("since":{"offset":42,"epoch":"e1"},"x":[1]})");
  CAF_CHECK(!in.recover);
  CAF_REQUIRE(in.since);
  CAF_CHECK_EQUAL(in.since->epoch, "e1");
  CAF_CHECK_EQUAL(in.since->offset, 42);
  in = accepted(R"({"action":8,"topic":"chat:a","recover":null,"since":null})");
  CAF_CHECK(!in.recover && !in.since);
  // A repeated since counts with its last value.
  in = accepted(R"({"action":8,"topic":"chat:a","since":{"epoch":"a",)"
                R"("offset":1},"since":{"epoch":"b","offset":0}})");
  CAF_REQUIRE(in.since);
  CAF_CHECK_EQUAL(in.since->epoch, "b");
  CAF_CHECK_EQUAL(in.since->offset, 0);
}

CAF_TEST(other actions ignore recover and since) {
  auto in = accepted(R"({"action":12,"topic":"chat:a","recover":"x",)"
                     R"("since":5,"payload":{"since":{"epoch":1}}})");
  CAF_CHECK(!in.recover && !in.since);
}

CAF_TEST(wrong types are bad frames) {
  refused(R"({"action":8,"topic":"chat:a","recover":"yes"})");
  refused(R"({"action":8,"topic":"chat:a","recover":1})");
  refused(R"({"action":8,"topic":"chat:a","since":"e1:3"})");
  refused(R"({"action":8,"topic":"chat:a","since":{}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":"e"}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"offset":1}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":1,"offset":1}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":"e","offset":-1}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":"e","offset":1.5}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":"e","offset":"1"}})");
  refused(R"({"action":8,"topic":"chat:a","since":{"epoch":"","offset":1}})");
  auto long_epoch = std::string(65, 'e');
  CAF_CHECK_EQUAL(refused(R"({"action":8,"topic":"chat:a","since":{"epoch":")"
                          + long_epoch + R"(","offset":1}})"),
                  "since.epoch must be 1 to 64 bytes");
  accepted(R"({"action":8,"topic":"chat:a","since":{"epoch":")"
           + std::string(64, 'e') + R"(","offset":1}})");
}

CAF_TEST(positioned encodings) {
  auto plain = encode_relay("12", "chat:a", "c1", "2026-01-01T00:00:00.000Z",
                            "{}", true);
  CAF_CHECK_EQUAL(encode_positioned(plain, 7, "ep"),
                  plain.substr(0, plain.size() - 1)
                    + R"(,"offset":7,"epoch":"ep"})");
  CAF_CHECK_EQUAL(encode_subscribed("chat:a", "ep", 3, std::nullopt),
                  R"({"action":8,"topic":"chat:a","epoch":"ep","offset":3})");
  CAF_CHECK_EQUAL(encode_subscribed("chat:a", "ep", 3, true),
                  R"({"action":8,"topic":"chat:a","recovered":true,)"
                  R"("epoch":"ep","offset":3})");
  CAF_CHECK_EQUAL(encode_subscribed("chat:a", "ep", 0, false),
                  R"({"action":8,"topic":"chat:a","recovered":false,)"
                  R"("epoch":"ep","offset":0})");
}

CAF_TEST(a stored row is replayed as the relay it was) {
  auto stored = encode_stored("12", "chat:a", "c1", "2026-01-01T00:00:00.000Z",
                              R"({"m":4})");
  CAF_CHECK_EQUAL(encode_recovered(stored, 5, "ep"),
                  encode_positioned(encode_relay("12", "chat:a", "c1",
                                                 "2026-01-01T00:00:00.000Z",
                                                 R"({"m":4})", true),
                                    5, "ep"));
  // As jsonb gives it back: keys reordered, spaces; the members stay.
  std::string jsonb = R"({"topic": "chat:a", "action": 12, "sender": "c1",)"
                      R"( "payload": {"m": 4}, "historical": true,)"
                      R"( "timestamp": "2026-01-01T00:00:00.000Z"})";
  CAF_CHECK_EQUAL(encode_recovered(jsonb, 5, "ep"),
                  R"({"topic":"chat:a","action":12,"sender":"c1",)"
                  R"("payload":{"m": 4},"timestamp":)"
                  R"("2026-01-01T00:00:00.000Z","store":true,"offset":5,)"
                  R"("epoch":"ep"})");
  CAF_CHECK_EQUAL(encode_recovered("[1]", 5, "ep"), "");
  CAF_CHECK_EQUAL(encode_recovered("{}", 5, "ep"), "");
  CAF_CHECK_EQUAL(encode_recovered("{\"a\":", 5, "ep"), "");
}
