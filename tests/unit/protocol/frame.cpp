#define CAF_SUITE protocol.frame

#include "protocol/frame.hpp"

#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

using namespace sockd;
using namespace sockd::protocol;

namespace {

refusal refused(std::string_view text) {
  auto res = parse(text);
  if (auto r = std::get_if<refusal>(&res))
    return *r;
  CAF_FAIL("frame was not refused: " << text);
}

inbound accepted(std::string_view text) {
  auto res = parse(text);
  if (auto in = std::get_if<inbound>(&res))
    return *in;
  CAF_FAIL("frame was not accepted: " << text);
}

} // namespace

CAF_TEST(keepalive frames) {
  auto ping = parse(R"({"payload":"PING"})");
  CAF_REQUIRE(std::holds_alternative<keepalive>(ping));
  CAF_CHECK(std::get<keepalive>(ping) == keepalive::ping);
  auto pong = parse(R"({"payload":"PONG"})");
  CAF_CHECK(std::get<keepalive>(pong) == keepalive::pong);
}

CAF_TEST(not an object is a bad frame) {
  for (auto text : {"", "nope", "[1]", "12", "\"x\"", "{\"a\":"}) {
    auto r = refused(text);
    CAF_CHECK_EQUAL(r.code, errc::bad_frame);
    CAF_CHECK_EQUAL(r.request, "null");
  }
}

CAF_TEST(missing or wrong typed action is a bad action) {
  CAF_CHECK_EQUAL(refused(R"({"topic":"a:b"})").code, errc::bad_action);
  CAF_CHECK_EQUAL(refused(R"({"action":1.5,"topic":"a:b"})").code,
                  errc::bad_action);
  CAF_CHECK_EQUAL(refused(R"({"action":null,"topic":"a:b"})").code,
                  errc::bad_action);
  CAF_CHECK_EQUAL(refused(R"({"action":"","topic":"a:b"})").code,
                  errc::bad_action);
  CAF_CHECK_EQUAL(refused(R"({"action":[8],"topic":"a:b"})").code,
                  errc::bad_action);
}

CAF_TEST(server only actions are refused) {
  for (auto a : {"4", "7", R"("ERROR")", R"("ack")", R"("has_more_messages")"}) {
    auto r = refused(std::string{R"({"topic":"a:b","action":)"} + a + "}");
    CAF_CHECK_EQUAL(r.code, errc::bad_action);
  }
}

CAF_TEST(topics need a type and a handle) {
  for (auto t : {R"("ab")", R"(":b")", R"("a:")", "1", "null"}) {
    auto r = refused(std::string{R"({"action":12,"topic":)"} + t + "}");
    CAF_CHECK_EQUAL(r.code, errc::bad_frame);
  }
  CAF_CHECK_EQUAL(refused(R"({"action":12})").code, errc::bad_frame);
  auto in = accepted(R"({"action":12,"topic":"exchange/0:x:y"})");
  CAF_CHECK_EQUAL(in.type, "exchange/0");
  CAF_CHECK_EQUAL(in.handle, "x:y");
}

CAF_TEST(ids are strings of at most 64 characters) {
  auto long_id = std::string(65, 'x');
  auto r = refused(R"({"action":12,"topic":"a:b","id":")" + long_id + "\"}");
  CAF_CHECK_EQUAL(r.code, errc::bad_frame);
  CAF_CHECK(!r.id);
  CAF_CHECK_EQUAL(refused(R"({"action":12,"topic":"a:b","id":5})").code,
                  errc::bad_frame);
  auto ok = accepted(R"({"action":12,"topic":"a:b","id":")"
                     + std::string(64, 'x') + "\"}");
  CAF_CHECK_EQUAL(ok.id->size(), 64u);
  // A refusal carries the id when it could be read.
  auto bad = refused(R"({"topic":"a:b","id":"q"})");
  CAF_CHECK_EQUAL(*bad.id, "q");
}

CAF_TEST(control names match without regard to case) {
  CAF_CHECK(accepted(R"({"action":"subscribe","topic":"a:b"})").kind
            == control::subscribe);
  CAF_CHECK(accepted(R"({"action":8,"topic":"a:b"})").kind
            == control::subscribe);
  CAF_CHECK(accepted(R"({"action":"Unsubscribe","topic":"a:b"})").kind
            == control::unsubscribe);
  CAF_CHECK(accepted(R"({"action":10,"topic":"a:b"})").kind
            == control::load_subscribers);
  auto relay = accepted(R"({"action":"normal-message","topic":"a:b"})");
  CAF_CHECK(relay.kind == control::relay);
  CAF_CHECK_EQUAL(relay.action, R"("normal-message")");
}

CAF_TEST(payload target and store are read) {
  auto in = accepted(R"({"action":13,"topic":"a:b","store":true,)"
                     R"("payload":{"target":"c2","sdp":"x"}})");
  CAF_CHECK_EQUAL(in.target, "c2");
  CAF_CHECK(in.store);
  CAF_CHECK_EQUAL(accepted(R"({"action":13,"topic":"a:b",)"
                           R"("payload":{"target":7}})").target, "");
  CAF_CHECK_EQUAL(refused(R"({"action":12,"topic":"a:b","store":"yes"})").code,
                  errc::bad_frame);
}

CAF_TEST(paging defaults clamp and refusals) {
  auto in = accepted(R"({"action":6,"topic":"a:b"})");
  CAF_CHECK_EQUAL(in.page, 1);
  CAF_CHECK_EQUAL(in.page_size, 10);
  in = accepted(R"({"action":6,"topic":"a:b","payload":{"page":3,)"
                R"("pageSize":500}})");
  CAF_CHECK_EQUAL(in.page, 3);
  CAF_CHECK_EQUAL(in.page_size, 100);
  for (auto p : {R"({"page":0})", R"({"page":-1})", R"({"pageSize":2.5})",
                 R"({"pageSize":"5"})", R"("page")"}) {
    auto r = refused(std::string{R"({"action":6,"topic":"a:b","payload":)"} + p
                     + "}");
    CAF_CHECK_EQUAL(r.code, errc::bad_frame);
  }
}

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
