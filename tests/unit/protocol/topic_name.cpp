#define CAF_SUITE protocol.topic_name
#include <caf/test/unit_test.hpp>

#include <string>
#include <utility>
#include <vector>

#include "protocol/topic_name.hpp"

using namespace sockd::protocol;

namespace {

using split = std::pair<std::string, std::string>;

/// The pattern find_type_pattern picks for `type` among `patterns`, or
/// "none".
std::string resolve(const std::vector<std::string>& patterns,
                    const std::string& type) {
  auto i = find_type_pattern(patterns.begin(), patterns.end(), type,
                             [](const std::string& p) -> const std::string& {
                               return p;
                             });
  return i != patterns.end() ? *i : "none";
}

} // namespace

CAF_TEST(a topic splits at its first colon) {
  CAF_CHECK_EQUAL(split_topic("chat:lobby"), split("chat", "lobby"));
  CAF_CHECK_EQUAL(split_topic("poll/x:a:b"), split("poll/x", "a:b"));
}

CAF_TEST(a topic without a colon or with an empty part does not split) {
  CAF_CHECK(!split_topic("chat"));
  CAF_CHECK(!split_topic(":lobby"));
  CAF_CHECK(!split_topic("chat:"));
  CAF_CHECK(!split_topic(":"));
  CAF_CHECK(!split_topic(""));
}

CAF_TEST(a pattern without a star matches its own name only) {
  CAF_CHECK(matches_type_pattern("chat", "chat"));
  CAF_CHECK(!matches_type_pattern("chat", "chatroom"));
  CAF_CHECK(!matches_type_pattern("chat", "cha"));
}

CAF_TEST(a trailing star makes the rest a prefix) {
  CAF_CHECK(matches_type_pattern("poll/*", "poll/a"));
  CAF_CHECK(matches_type_pattern("poll/*", "poll/"));
  CAF_CHECK(!matches_type_pattern("poll/*", "poll"));
  CAF_CHECK(!matches_type_pattern("poll/*", "pollx"));
}

CAF_TEST(a lone star matches every type) {
  CAF_CHECK(matches_type_pattern("*", "chat"));
  CAF_CHECK(matches_type_pattern("*", "a/b/c"));
  CAF_CHECK(matches_type_pattern("*", ""));
}

CAF_TEST(a star in the middle is a literal character) {
  CAF_CHECK(!matches_type_pattern("a*b", "axb"));
  CAF_CHECK(matches_type_pattern("a*b", "a*b"));
  CAF_CHECK(matches_type_pattern("a*b*", "a*bc"));
  CAF_CHECK(!matches_type_pattern("a*b*", "axbc"));
}

CAF_TEST(the empty pattern matches the empty type only) {
  CAF_CHECK(matches_type_pattern("", ""));
  CAF_CHECK(!matches_type_pattern("", "chat"));
}

CAF_TEST(the exact name wins even over a longer matching pattern) {
  CAF_CHECK_EQUAL(resolve({"chat*", "*", "chat", "ch*"}, "chat"), "chat");
  CAF_CHECK_EQUAL(resolve({"chat", "chat*"}, "chat"), "chat");
}

CAF_TEST(the longest matching prefix pattern wins whatever the order) {
  CAF_CHECK_EQUAL(resolve({"*", "poll/*", "poll/private/*"},
                          "poll/private/x"),
                  "poll/private/*");
  CAF_CHECK_EQUAL(resolve({"poll/private/*", "poll/*", "*"},
                          "poll/private/x"),
                  "poll/private/*");
  CAF_CHECK_EQUAL(resolve({"poll/private/*", "poll/*", "*"}, "poll/open"),
                  "poll/*");
}

CAF_TEST(the star is the last resort) {
  CAF_CHECK_EQUAL(resolve({"poll/*", "*", "chat"}, "whiteboard"), "*");
}

CAF_TEST(nothing matching resolves to none) {
  CAF_CHECK_EQUAL(resolve({"poll/*", "chat"}, "whiteboard"), "none");
  CAF_CHECK_EQUAL(resolve({"a*b"}, "axb"), "none");
  CAF_CHECK_EQUAL(resolve({}, "chat"), "none");
  CAF_CHECK_EQUAL(resolve({""}, "chat"), "none");
}

CAF_TEST(the empty type resolves to the empty pattern else the star) {
  CAF_CHECK_EQUAL(resolve({"*", ""}, ""), "");
  CAF_CHECK_EQUAL(resolve({"*", "chat"}, ""), "*");
}
