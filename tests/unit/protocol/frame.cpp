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

// A refusal's `request`, or "absent" when its ERROR has no such key.
std::string request_of(const refusal& r) {
  return r.request ? *r.request : std::string{"absent"};
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
    // Not parsed: code and message only (docs/protocol.md, 8.11).
    CAF_CHECK_EQUAL(request_of(r), "absent");
    CAF_CHECK(!r.id);
    CAF_CHECK_EQUAL(encode_error(r),
                    R"({"action":"ERROR","topic":null,"payload":{"code":)"
                    R"("bad_frame","message":"frame is not a JSON object"}})");
  }
}

CAF_TEST(missing or wrong typed action is a bad action) {
  CAF_CHECK_EQUAL(refused(R"({"topic":"a:b"})").code, errc::bad_action);
  // Parsed, so the request is named: it had no action.
  CAF_CHECK_EQUAL(request_of(refused(R"({"topic":"a:b"})")), "null");
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

// -- issue 11: depth, topic length, payloads as sent --------------------------

namespace {

// A relay frame whose payload nests `levels` arrays; the frame is one more.
std::string nested_frame(size_t levels, bool closed = true) {
  std::string text = R"({"action":12,"topic":"a:b","id":"d","payload":)";
  text += std::string(levels, '[');
  if (closed)
    text += std::string(levels, ']') + "}";
  return text;
}

} // namespace

CAF_TEST(nesting at the depth limit passes and one deeper is a bad frame) {
  limits lim; // max_json_depth 64: the frame object and 63 arrays
  auto at_limit = parse(nested_frame(63), lim);
  auto in = std::get_if<inbound>(&at_limit);
  CAF_REQUIRE(in != nullptr);
  CAF_CHECK_EQUAL(in->payload, std::string(63, '[') + std::string(63, ']'));
  auto res = parse(nested_frame(64), lim);
  auto r = std::get_if<refusal>(&res);
  CAF_REQUIRE(r != nullptr);
  CAF_CHECK_EQUAL(r->code, errc::bad_frame);
  CAF_CHECK_EQUAL(r->message,
                  "frame nests deeper than 64 levels (max_json_depth)");
  // What came before the payload was checked, so the refusal carries it;
  // the frame was not parsed, so it names no request (8.11).
  CAF_CHECK_EQUAL(*r->id, "d");
  CAF_CHECK_EQUAL(r->topic, "a:b");
  CAF_CHECK_EQUAL(request_of(*r), "absent");
  CAF_CHECK_EQUAL(encode_error(*r),
                  R"({"action":"ERROR","topic":"a:b","payload":{"code":)"
                  R"("bad_frame","id":"d","message":"frame nests deeper )"
                  R"x(than 64 levels (max_json_depth)"}})x");
  // Objects count like arrays; the limit is the option's.
  lim.max_json_depth = 3;
  CAF_CHECK(std::holds_alternative<inbound>(
    parse(R"({"action":1,"topic":"a:b","payload":{"x":[1]}})", lim)));
  auto deeper = parse(R"({"action":1,"topic":"a:b","payload":{"x":[{}]}})",
                      lim);
  CAF_REQUIRE(std::holds_alternative<refusal>(deeper));
  auto code = std::get<refusal>(deeper).code;
  CAF_CHECK_EQUAL(code, errc::bad_frame);
}

CAF_TEST(hundred thousand levels are refused without recursion) {
  for (bool closed : {true, false}) {
    auto r = refused(nested_frame(100000, closed));
    CAF_CHECK_EQUAL(r.code, errc::bad_frame);
    CAF_CHECK_EQUAL(r.message,
                    "frame nests deeper than 64 levels (max_json_depth)");
  }
  std::string objects;
  for (int i = 0; i < 100000; ++i)
    objects += R"({"a":)";
  CAF_CHECK_EQUAL(refused(objects).code, errc::bad_frame);
  // The highest limit the option allows holds too.
  limits deep;
  deep.max_json_depth = 1024;
  CAF_CHECK(std::holds_alternative<inbound>(parse(nested_frame(1023), deep)));
  CAF_CHECK(std::holds_alternative<refusal>(parse(nested_frame(1024), deep)));
}

CAF_TEST(payloads are kept byte for byte) {
  auto payload = std::string{R"({"n":12345678901234567890123,"z":1,"a":)"}
                 + R"([1.50,-0,2E+5,1e999],"s":"\u00e9\"\/",)"
                 + R"("u":"\ud83d\ude00 é"})";
  auto in = accepted(R"({"action":12,"topic":"a:b","payload":)" + payload
                     + "}");
  CAF_CHECK_EQUAL(in.payload, payload);
  // Whitespace inside the payload stays; around it, it goes.
  auto spaced = accepted("{ \"payload\" :\t{ \"b\" : [ 1 , 2 ] ,\n\"a\":0 } "
                         ", \"action\" : 12 , \"topic\" : \"a:b\" }\r\n");
  CAF_CHECK_EQUAL(spaced.payload, "{ \"b\" : [ 1 , 2 ] ,\n\"a\":0 }");
  CAF_CHECK_EQUAL(accepted(R"({"action":12,"topic":"a:b","payload":null})")
                    .payload,
                  "null");
  CAF_CHECK_EQUAL(accepted(R"({"action":12,"topic":"a:b"})").payload, "");
  auto relay = encode_relay(in.action, in.topic, "c1", "T", in.payload, false);
  CAF_CHECK_EQUAL(relay, R"({"action":12,"topic":"a:b","sender":"c1",)"
                         R"("timestamp":"T","payload":)"
                           + payload + "}");
}

CAF_TEST(escaped strings are decoded where sockd reads them) {
  auto in = accepted(R"({"\u0061ction":"\u0053ubscribe",)"
                     R"("topic":"chat:caf\u00e9\n","id":"\"q\""})");
  CAF_CHECK(in.kind == control::subscribe);
  CAF_CHECK_EQUAL(in.action, R"("Subscribe")");
  CAF_CHECK_EQUAL(in.topic, "chat:caf\xc3\xa9\n");
  CAF_CHECK_EQUAL(in.handle, "caf\xc3\xa9\n");
  CAF_CHECK_EQUAL(*in.id, "\"q\"");
  auto t = accepted(R"({"action":13,"topic":"a:b",)"
                    R"("payload":{"t\u0061rget":"c\u0032"}})");
  CAF_CHECK_EQUAL(t.target, "c2");
  // Keys repeat: the last one counts, as in a DOM.
  auto twice = accepted(R"({"action":13,"topic":"a:b",)"
                        R"("payload":{"target":"c2"},"payload":{"x":1}})");
  CAF_CHECK_EQUAL(twice.target, "");
  CAF_CHECK_EQUAL(twice.payload, R"({"x":1})");
  CAF_CHECK_EQUAL(accepted(R"({"action":12,"action":8,"topic":"a:b"})").kind,
                  control::subscribe);
  // Integers are echoed in decimal, as nlohmann wrote them.
  CAF_CHECK_EQUAL(accepted(R"({"action":-0,"topic":"a:b"})").action, "0");
  CAF_CHECK_EQUAL(accepted(R"({"action":18446744073709551615,"topic":"a:b"})")
                    .action,
                  "18446744073709551615");
  CAF_CHECK_EQUAL(refused(R"({"action":18446744073709551616,"topic":"a:b"})")
                    .code,
                  errc::bad_action);
  CAF_CHECK_EQUAL(request_of(refused(R"({"action":8.0,"topic":"a:b"})")),
                  "8.0");
  CAF_CHECK_EQUAL(refused(R"({"action":1e1,"topic":"a:b"})").code,
                  errc::bad_action);
}

CAF_TEST(invalid utf8 and malformed json are bad frames) {
  auto with = [](std::string s) {
    return R"({"action":12,"topic":"a:b","payload":")" + s + "\"}";
  };
  for (auto bad : {"\xc3\x28", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                   "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\x80", "\xc3",
                   "\x01", "\t", R"(\ud800)", R"(\udc00)", R"(\ud800\u0041)",
                   R"(\x)", R"(\u12)", R"(\u12g4)"}) {
    auto r = refused(with(bad));
    CAF_CHECK_EQUAL(r.code, errc::bad_frame);
    CAF_CHECK_EQUAL(r.message, "frame is not a JSON object");
  }
  for (auto good : {"\xc3\xa9", "\xe2\x82\xac", "\xef\xbf\xbf",
                    "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\x7f",
                    R"(\ud83d\ude00)", R"(\u0000)"})
    CAF_CHECK_EQUAL(accepted(with(good)).payload,
                    "\"" + std::string{good} + "\"");
  for (auto bad :
       {R"({"action":12,"topic":"a:b","payload":01})",
        R"({"action":12,"topic":"a:b","payload":1.})",
        R"({"action":12,"topic":"a:b","payload":.5})",
        R"({"action":12,"topic":"a:b","payload":-})",
        R"({"action":12,"topic":"a:b","payload":1e})",
        R"({"action":12,"topic":"a:b","payload":+1})",
        R"({"action":12,"topic":"a:b","payload":tru})",
        R"({"action":12,"topic":"a:b","payload":[1,]})",
        R"({"action":12,"topic":"a:b","payload":{"a":1,}})",
        R"({"action":12,"topic":"a:b","payload":{"a" 1}})",
        R"({"action":12,"topic":"a:b","payload":[1}})",
        R"({"action":12,"topic":"a:b"} x)", R"({"action":12,"topic":"a:b",})",
        R"({"action":12 "topic":"a:b"})", "{\"action\":12,\"topic\":\"a:b\"}{}"})
    CAF_CHECK_EQUAL(refused(bad).code, errc::bad_frame);
  // A byte order mark is skipped, as nlohmann does.
  CAF_CHECK(std::holds_alternative<inbound>(
    parse("\xef\xbb\xbf{\"action\":12,\"topic\":\"a:b\"}")));
}

CAF_TEST(topics at the length limit pass and longer ones are bad frames) {
  auto frame = [](size_t handle) {
    return R"({"action":8,"topic":"a:)" + std::string(handle, 'h')
           + R"(","id":"s"})";
  };
  auto in = accepted(frame(254)); // "a:" and 254 bytes: 256
  CAF_CHECK_EQUAL(in.topic.size(), 256u);
  auto r = refused(frame(255));
  CAF_CHECK_EQUAL(r.code, errc::bad_frame);
  CAF_CHECK_EQUAL(r.message, "topic is longer than 256 bytes (max_topic_bytes)");
  CAF_CHECK_EQUAL(r.topic, ""); // never echoed
  CAF_CHECK_EQUAL(*r.id, "s");
  CAF_CHECK_EQUAL(request_of(r), "8");
  // Bytes of the decoded topic count, not of its escapes.
  limits lim;
  lim.max_topic_bytes = 4;
  CAF_CHECK(std::holds_alternative<inbound>(
    parse(R"({"action":8,"topic":"a:\u00e9"})", lim)));
  CAF_CHECK(std::holds_alternative<refusal>(
    parse(R"({"action":8,"topic":"a:\u00e9x"})", lim)));
  CAF_CHECK(std::holds_alternative<inbound>(
    parse(R"({"action":8,"topic":"\u0061:\u0062\u0063"})", lim)));
  // A keepalive has no topic to check.
  CAF_CHECK(std::holds_alternative<keepalive>(
    parse(R"({"payload":"PING","topic":"abcdefgh"})", lim)));
}
