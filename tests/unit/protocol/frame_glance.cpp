#define CAF_SUITE protocol.frame_glance

#include "protocol/frame.hpp"

#include <caf/test/unit_test.hpp>

using namespace sockd;
using namespace sockd::protocol;

namespace {

// A refusal's `request`, or "absent" when its ERROR has no such key.
std::string request_of(const refusal& r) {
  return r.request ? *r.request : std::string{"absent"};
}

} // namespace

CAF_TEST(a glance finds keepalives and ids without parsing) {
  auto g = glance(R"({"payload":"PING"})");
  CAF_CHECK(g.keep == keepalive::ping);
  CAF_CHECK(glance(" { \"payload\" : \"PONG\" } ").keep == keepalive::pong);
  CAF_CHECK(!glance(R"({"action":1,"payload":"PING"})").keep);
  CAF_CHECK(!glance(R"({"payload":"PING")").keep);
  // A large frame: the id after the payload is found, nothing is checked.
  auto big = std::string{R"({"action":12,"topic":"a:b","payload":[")"}
             + std::string(65000, 'x') + R"(\"",{"q":"]}"}],"id":"r1"})";
  g = glance(big);
  CAF_CHECK_EQUAL(g.id, R"("r1")");
  auto r = rate_limited(g, limits{});
  CAF_CHECK_EQUAL(r.code, errc::rate_limited);
  CAF_CHECK_EQUAL(*r.id, "r1");
  CAF_CHECK_EQUAL(r.topic, "a:b");
  CAF_CHECK_EQUAL(request_of(r), "12");
  // An id that is not valid is not echoed (and then counts as no id).
  CAF_CHECK(!rate_limited(glance(R"({"id":5})"), limits{}).id);
  CAF_CHECK(!rate_limited(glance(R"({"id":"\x"})"), limits{}).id);
  CAF_CHECK(!rate_limited(glance("{\"id\":\"" + std::string(65, 'x') + "\"}"),
                          limits{})
               .id);
  // Nor a topic over the limit; garbage gives nothing.
  auto long_topic = rate_limited(
    glance(R"({"topic":"a:)" + std::string(300, 'x') + "\"}"), limits{});
  CAF_CHECK_EQUAL(long_topic.topic, "");
  auto junk = rate_limited(glance("nope"), limits{});
  CAF_CHECK(!junk.id);
  CAF_CHECK_EQUAL(request_of(junk), "absent"); // not shaped like an object
  // A byte order mark before a value is no JSON there: not echoed (found
  // by fuzz_protocol_parse; the ERROR frame would not have been JSON).
  auto bom = rate_limited(
    glance("{\"action\":\xef\xbb\xbf\"x\",\"id\":\xef\xbb\xbf\"i\"}"),
    limits{});
  CAF_CHECK_EQUAL(request_of(bom), "null");
  CAF_CHECK(!bom.id);
  // An object without an action names its request as null.
  CAF_CHECK_EQUAL(request_of(rate_limited(glance(R"({"id":"n"})"), limits{})),
                  "null");
}
