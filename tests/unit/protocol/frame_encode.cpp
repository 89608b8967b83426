#define CAF_SUITE protocol.frame_encode

#include "protocol/frame.hpp"

#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

using namespace sockd;
using namespace sockd::protocol;

CAF_TEST(encoded frames) {
  CAF_CHECK_EQUAL(encode_relay("12", "a:b", "c1", "T", R"({"m":1})", true),
                  R"({"action":12,"topic":"a:b","sender":"c1",)"
                  R"("timestamp":"T","payload":{"m":1},"store":true})");
  CAF_CHECK_EQUAL(encode_relay("\"x\"", "a:b", "c1", "T", "", false),
                  R"({"action":"x","topic":"a:b","sender":"c1",)"
                  R"("timestamp":"T"})");
  auto stored = encode_stored("12", "a:b", "c1", "T", "1");
  CAF_CHECK_EQUAL(stored, R"({"action":12,"topic":"a:b","sender":"c1",)"
                          R"("timestamp":"T","payload":1,)"
                          R"("historical":true,"store":false})");
  auto replay = nlohmann::json::parse(encode_replay(stored));
  CAF_CHECK_EQUAL(replay.count("store"), 0u);
  CAF_CHECK_EQUAL(replay.value("historical", false), true);
  CAF_CHECK_EQUAL(encode_left("a:b", "u:c"),
                  R"({"action":4,"topic":"a:b","sender":"u:c",)"
                  R"("payload":"u:c"})");
  CAF_CHECK_EQUAL(encode_ack("a:\"b", "i"),
                  R"({"action":"ACK","topic":"a:\"b","payload":{"id":"i"}})");
  auto t = std::chrono::system_clock::time_point{
    std::chrono::milliseconds{1764107311123}};
  CAF_CHECK_EQUAL(iso_timestamp(t), "2025-11-25T21:48:31.123Z");
}

CAF_TEST(replays keep the stored members and their text) {
  // As PostgreSQL's jsonb gives it back.
  auto stored = R"({"topic": "a:b", "action": 12, "sender": "c1", )"
                R"("payload": {"n": 12345678901234567890123, "s": "x, y"}, )"
                R"("timestamp": "T", "historical": true, "store": false})";
  CAF_CHECK_EQUAL(encode_replay(stored),
                  R"({"topic":"a:b","action":12,"sender":"c1",)"
                  R"("payload":{"n": 12345678901234567890123, "s": "x, y"},)"
                  R"("timestamp":"T","historical":true})");
  CAF_CHECK_EQUAL(encode_replay("{}"), R"({"historical":true})");
  CAF_CHECK_EQUAL(encode_replay("not json"), "not json");
  CAF_CHECK_EQUAL(encode_replay(std::string(100000, '[')),
                  std::string(100000, '['));
}

CAF_TEST(error frames are built without a DOM) {
  refusal r{errc::rate_limited, "m\"", "12", "a:b", std::string{"i"}};
  CAF_CHECK_EQUAL(encode_error(r),
                  R"({"action":"ERROR","topic":"a:b","payload":{"code":)"
                  R"("rate_limited","id":"i","message":"m\"","request":12}})");
  r.request = "not json";
  r.id.reset();
  r.topic.clear();
  CAF_CHECK_EQUAL(encode_error(r),
                  R"({"action":"ERROR","topic":null,"payload":{"code":)"
                  R"("rate_limited","message":"m\"","request":null}})");
  // No request at all (a frame not parsed): no `request` key (8.11).
  r.request.reset();
  CAF_CHECK_EQUAL(encode_error(r),
                  R"({"action":"ERROR","topic":null,"payload":{"code":)"
                  R"("rate_limited","message":"m\""}})");
  CAF_CHECK_EQUAL(quote("a\x01\b\f\n\r\t\"\\/\x7f\xc3\xa9"),
                  R"("a\u0001\b\f\n\r\t\"\\/)"
                  "\x7f\xc3\xa9\"");
  // Invalid UTF-8 (never from a parsed frame) is repaired as nlohmann does.
  CAF_CHECK_EQUAL(quote("\xff"), "\"\xef\xbf\xbd\"");
}

CAF_TEST(a request beyond the range of a double is not echoed) {
  // Found by fuzzing: a valid JSON number that parsers refuse (overflow).
  refusal r{errc::bad_action, "m", "9E999999999999", "a:b", std::nullopt};
  auto huge = nlohmann::json::parse(encode_error(r), nullptr, false);
  CAF_REQUIRE(!huge.is_discarded());
  CAF_CHECK(huge["payload"]["request"].is_null());
  r.request = "-1e400";
  CAF_CHECK(nlohmann::json::parse(encode_error(r))["payload"]["request"]
              .is_null());
  r.request = "1.5e3";
  auto fine = nlohmann::json::parse(encode_error(r));
  CAF_CHECK_EQUAL(fine["payload"]["request"], 1500.0);
  r.request = "1e-400";
  CAF_CHECK(nlohmann::json::parse(encode_error(r))["payload"]["request"]
              .is_null());
  // Nested in an array or an object, too (found by fuzzing).
  for (auto nested : {R"([9e331,1e00,1e5,0.1])", R"({"a":[1,{"b":-2E999}]})"}) {
    r.request = nested;
    auto err = nlohmann::json::parse(encode_error(r), nullptr, false);
    CAF_REQUIRE(!err.is_discarded());
    CAF_CHECK(err["payload"]["request"].is_null());
  }
  // Digits inside strings are text, not numbers.
  r.request = R"({"s":"9e999 \" 1e999","n":[-0.5,2E+5]})";
  auto kept = nlohmann::json::parse(encode_error(r));
  CAF_CHECK_EQUAL(kept["payload"]["request"]["s"], "9e999 \" 1e999");
  CAF_CHECK_EQUAL(kept["payload"]["request"]["n"][1], 200000.0);
}
