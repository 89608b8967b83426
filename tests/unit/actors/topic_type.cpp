#define CAF_SUITE actors.topic_type
#include <caf/test/unit_test.hpp>

#include <map>
#include <string>

#include "actors/topic_type.hpp"

using namespace sockd;

namespace {

/// A factory is never called here: find() only chooses an entry.
owner_topic_actor no_topic(caf::actor_system&, topic_context) {
  return {};
}

/// Registers `pattern` with a setting that tells the entries apart.
void add(topic_types& types, const std::string& pattern,
         const std::string& tag, std::string allowance = {}) {
  topic_type_options options;
  options.settings = {{"tag", tag}};
  options.allowance = std::move(allowance);
  types.add(pattern, no_topic, std::move(options));
}

/// "pattern=tag" of the entry find() picks for `type`, or "none".
std::string found(const topic_types& types, const std::string& type) {
  auto e = types.find(type);
  if (e == nullptr)
    return "none";
  return e->pattern + "=" + e->options.settings.value("tag", "");
}

} // namespace

CAF_TEST(the exact type wins even over a longer matching pattern) {
  topic_types types;
  add(types, "chat*", "prefix");
  add(types, "*", "any");
  add(types, "chat", "exact");
  CAF_CHECK_EQUAL(found(types, "chat"), "chat=exact");
  CAF_CHECK_EQUAL(found(types, "chatroom"), "chat*=prefix");
}

CAF_TEST(the longest matching prefix pattern wins whatever the order) {
  topic_types types;
  add(types, "poll/private/*", "private");
  add(types, "*", "any");
  add(types, "poll/*", "poll");
  CAF_CHECK_EQUAL(found(types, "poll/private/x"), "poll/private/*=private");
  CAF_CHECK_EQUAL(found(types, "poll/open"), "poll/*=poll");
  CAF_CHECK_EQUAL(found(types, "whiteboard"), "*=any");
}

CAF_TEST(a star in the middle is literal and no match is nullptr) {
  topic_types types;
  add(types, "a*b", "literal");
  CAF_CHECK_EQUAL(found(types, "axb"), "none");
  CAF_CHECK_EQUAL(found(types, "a*b"), "a*b=literal");
  CAF_CHECK_EQUAL(found(topic_types{}, "chat"), "none");
}

CAF_TEST(a later add of the same pattern replaces the earlier) {
  topic_types types;
  add(types, "chat", "first", "SELECT 1");
  add(types, "poll/*", "poll");
  add(types, "chat", "second");
  CAF_CHECK_EQUAL(found(types, "chat"), "chat=second");
  // The replaced entry's allowance went with it.
  CAF_CHECK_EQUAL(types.allowances().count("chat"), 0u);
}

CAF_TEST(allowances lists the types that bring one by pattern) {
  topic_types types;
  add(types, "chat", "chat", "SELECT true");
  add(types, "poll/*", "poll", "SELECT false");
  add(types, "whiteboard", "wb");
  auto expected = std::map<std::string, std::string>{
    {"chat", "SELECT true"}, {"poll/*", "SELECT false"}};
  CAF_CHECK_EQUAL(types.allowances(), expected);
}
