#define CAF_SUITE config.turn
// The TURN options (docs/configuration.md): turn_secret from any source
// like jwt_secret, turn_uris checked one by one, turn_ttl's range, and the
// secret and the URIs only together. No error names the secret's value.
#include <caf/test/unit_test.hpp>

#include <string>
#include <vector>

#include "tests/unit/config/options_fixture.hpp"

using namespace sockd;
using namespace sockd::options_test;

namespace {

const std::string secret = "turn-secret-do-not-log";
const std::string uri_arg = "--turn_uris=turn:127.0.0.1:3478";

} // namespace

CAF_TEST(defaults are off with a one hour lifetime) {
  auto o = opts_of({"--dev"});
  CAF_CHECK_EQUAL(o.turn_secret, "");
  CAF_CHECK(o.turn_uris.empty());
  CAF_CHECK_EQUAL(o.turn_ttl, 3600);
  auto text = usage();
  for (auto key : {"--turn_secret=", "--turn_uris=", "--turn_ttl="})
    CAF_CHECK_NOT_EQUAL(text.find(key), std::string::npos);
}

CAF_TEST(the secret comes from the command line the environment or the file) {
  CAF_CHECK_EQUAL(opts_of(dev({"--turn_secret=" + secret, uri_arg}))
                    .turn_secret,
                  secret);
  CAF_CHECK_EQUAL(opts_of(dev({uri_arg}), {"SOCKD_TURN_SECRET=" + secret})
                    .turn_secret,
                  secret);
  temp_file file{"turn_secret = " + secret + "\n"
                 + "turn_uris = turn:a.example:3478, stun:a.example:3478\n"};
  auto o = opts_of(dev({"--config=" + file.path}));
  CAF_CHECK_EQUAL(o.turn_secret, secret);
  CAF_CHECK_EQUAL(o.turn_uris, (std::vector<std::string>{
                                 "turn:a.example:3478",
                                 "stun:a.example:3478"}));
}

CAF_TEST(uris keep their order and every scheme of rfc 7064 and 7065) {
  auto o = opts_of(dev({"--turn_secret=" + secret,
                        "--turn_uris= turn:h:3478?transport=udp ,"
                        "turns:h:5349?transport=tcp,stun:h,stuns:h:5349,"}));
  CAF_CHECK_EQUAL(o.turn_uris, (std::vector<std::string>{
                                 "turn:h:3478?transport=udp",
                                 "turns:h:5349?transport=tcp", "stun:h",
                                 "stuns:h:5349"}));
}

CAF_TEST(bad uris name the option and the uri) {
  struct bad {
    const char* uris;
    const char* error;
  };
  bad cases[] = {
    {"http://h:3478", "'http://h:3478' is not a turn:, turns:, stun: or "
                      "stuns: URI"},
    {"h:3478", "'h:3478' is not a turn:, turns:, stun: or stuns: URI"},
    {"turn:h,TURN:h", "'TURN:h' is not a turn:, turns:, stun: or stuns: URI"},
    {"turn", "'turn' is not a turn:, turns:, stun: or stuns: URI"},
    {"turn:", "'turn:' has no host"},
    {"turn:h 3478", "'turn:h 3478' holds a space or a control character"},
  };
  for (auto& c : cases)
    CAF_CHECK_EQUAL(error_of(dev({"--turn_secret=" + secret,
                                  std::string{"--turn_uris="} + c.uris})),
                    std::string{"turn_uris: "} + c.error + " (command line)");
}

CAF_TEST(turn_ttl is between a minute and a day) {
  auto with = [](std::string ttl) {
    return dev({"--turn_secret=" + secret, uri_arg, "--turn_ttl=" + ttl});
  };
  CAF_CHECK_EQUAL(error_of(with("59")),
                  "turn_ttl: '59' is out of range (60 to 86400) "
                  "(command line)");
  CAF_CHECK_EQUAL(error_of(with("86401")),
                  "turn_ttl: '86401' is out of range (60 to 86400) "
                  "(command line)");
  CAF_CHECK_EQUAL(error_of(with("1h")),
                  "turn_ttl: '1h' is not an integer (command line)");
  CAF_CHECK_EQUAL(opts_of(with("60")).turn_ttl, 60);
  CAF_CHECK_EQUAL(opts_of(with("86400")).turn_ttl, 86400);
}

CAF_TEST(secret and uris go together) {
  CAF_CHECK_EQUAL(error_of(dev({"--turn_secret=" + secret})),
                  "turn_secret: set without turn_uris (GET /turn needs both)");
  CAF_CHECK_EQUAL(error_of(dev({uri_arg})),
                  "turn_uris: set without turn_secret (GET /turn needs both)");
  CAF_CHECK_EQUAL(error_of(dev({"--turn_secret=" + secret, "--turn_uris= , "})),
                  "turn_secret: set without turn_uris (GET /turn needs both)");
  CAF_CHECK_EQUAL(parse(dev({"--turn_secret=" + secret, uri_arg})).error, "");
}
