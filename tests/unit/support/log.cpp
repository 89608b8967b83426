#define CAF_SUITE support.log
#include <caf/test/unit_test.hpp>

#include <string>

#include "support/log.hpp"

using namespace sockd;

namespace {

constexpr auto stamp = "2026-12-03T16:13:01.123Z";

} // namespace

CAF_TEST(text lines put fields after the message as key=value) {
  CAF_CHECK_EQUAL(render_log_line(log_format::text, stamp, log_level::info,
                                  "JOIN",
                                  {{"user", "alice"}, {"connection", "c1"}}),
                  "2026-12-03T16:13:01.123Z INFO JOIN user=alice "
                  "connection=c1\n");
  CAF_CHECK_EQUAL(render_log_line(log_format::text, stamp, log_level::warn,
                                  "plain"),
                  "2026-12-03T16:13:01.123Z WARN plain\n");
}

CAF_TEST(json lines are one object with time level message and fields) {
  CAF_CHECK_EQUAL(render_log_line(log_format::json, stamp, log_level::error,
                                  "db: \"x\" failed",
                                  {{"topic", "chat:a\\b"}}),
                  "{\"time\":\"2026-12-03T16:13:01.123Z\",\"level\":\"error\","
                  "\"message\":\"db: \\\"x\\\" failed\","
                  "\"topic\":\"chat:a\\\\b\"}\n");
  CAF_CHECK_EQUAL(render_log_line(log_format::json, stamp, log_level::debug,
                                  "d"),
                  "{\"time\":\"2026-12-03T16:13:01.123Z\",\"level\":\"debug\","
                  "\"message\":\"d\"}\n");
}

CAF_TEST(control characters never start a line of their own) {
  // A topic name or an Origin is text a client chose.
  CAF_CHECK_EQUAL(render_log_line(log_format::text, stamp, log_level::info,
                                  "a\nb", {{"topic", "x\r\n2026 ERROR y"}}),
                  "2026-12-03T16:13:01.123Z INFO a\\u000ab "
                  "topic=x\\u000d\\u000a2026 ERROR y\n");
  CAF_CHECK_EQUAL(render_log_line(log_format::json, stamp, log_level::info,
                                  std::string{"t\tz\x01", 4}),
                  "{\"time\":\"2026-12-03T16:13:01.123Z\",\"level\":\"info\","
                  "\"message\":\"t\\u0009z\\u0001\"}\n");
}

CAF_TEST(levels and formats parse from their option names only) {
  CAF_CHECK(parse_log_level("debug") == log_level::debug);
  CAF_CHECK(parse_log_level("info") == log_level::info);
  CAF_CHECK(parse_log_level("warn") == log_level::warn);
  CAF_CHECK(parse_log_level("error") == log_level::error);
  CAF_CHECK(!parse_log_level("INFO"));
  CAF_CHECK(!parse_log_level("warning"));
  CAF_CHECK(!parse_log_level(""));
  CAF_CHECK(parse_log_format("text") == log_format::text);
  CAF_CHECK(parse_log_format("json") == log_format::json);
  CAF_CHECK(!parse_log_format("JSON"));
  CAF_CHECK(!parse_log_format("logfmt"));
}

CAF_TEST(the configured level drops what is below it) {
  configure_log(log_format::text, log_level::warn);
  CAF_CHECK(!log_enabled(log_level::debug));
  CAF_CHECK(!log_enabled(log_level::info));
  CAF_CHECK(log_enabled(log_level::warn));
  CAF_CHECK(log_enabled(log_level::error));
  configure_log(log_format::text, log_level::info);
  CAF_CHECK(log_enabled(log_level::info));
  CAF_CHECK(!log_enabled(log_level::debug));
}
