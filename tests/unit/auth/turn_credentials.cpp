#define CAF_SUITE auth.turn_credentials
// coturn's TURN REST credentials (auth/turn_credentials.hpp): standard
// base64 with padding, HMAC-SHA1 against RFC 2202's vectors, and the
// `<expiry>:<sub>` username, also for a sub that holds ':'. The expected
// passwords were computed apart from this code (Python's hmac module).
#include <caf/test/unit_test.hpp>

#include <string>

#include "auth/turn_credentials.hpp"

using namespace sockd;

CAF_TEST(base64 is the standard alphabet with padding) {
  CAF_CHECK_EQUAL(base64_encode(""), "");
  CAF_CHECK_EQUAL(base64_encode("f"), "Zg==");
  CAF_CHECK_EQUAL(base64_encode("fo"), "Zm8=");
  CAF_CHECK_EQUAL(base64_encode("foo"), "Zm9v");
  CAF_CHECK_EQUAL(base64_encode("foob"), "Zm9vYg==");
  CAF_CHECK_EQUAL(base64_encode("fooba"), "Zm9vYmE=");
  CAF_CHECK_EQUAL(base64_encode("foobar"), "Zm9vYmFy");
  CAF_CHECK_EQUAL(base64_encode("\xfb\xff"), "+/8=");
  CAF_CHECK_EQUAL(base64_encode(std::string(3, '\0')), "AAAA");
}

CAF_TEST(the password is base64 of hmac sha1 as rfc 2202 gives it) {
  // RFC 2202 test cases 1 and 2 (hex b617318655057264e28bc0b6fb378c8ef146be00
  // and effcdf6ae5eb2fa2d27416d5f184df9c259a7c79).
  CAF_CHECK_EQUAL(turn_password(std::string(20, '\x0b'), "Hi There"),
                  "thcxhlUFcmTii8C2+zeMjvFGvgA=");
  CAF_CHECK_EQUAL(turn_password("Jefe", "what do ya want for nothing?"),
                  "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

CAF_TEST(the username is the expiry then the sub) {
  auto c = make_turn_credentials("north", "alice", 1700000000, 3600);
  CAF_CHECK_EQUAL(c.username, "1700003600:alice");
  CAF_CHECK_EQUAL(c.credential, "wjwSXO2ch1B6VaLTLMy2Avn5O9o=");
  CAF_CHECK_EQUAL(c.ttl, 3600);
  CAF_CHECK_EQUAL(c.credential, turn_password("north", c.username));
}

CAF_TEST(a sub with colons is kept whole) {
  // coturn takes the expiry up to the first ':' and signs the whole name.
  auto c = make_turn_credentials("north", "a:b", 1700000000, 3600);
  CAF_CHECK_EQUAL(c.username, "1700003600:a:b");
  CAF_CHECK_EQUAL(c.credential, "L3n1CH+M6nXPaYPoDfDI8Ev3K1Y=");
}

CAF_TEST(another secret or another name gives another password) {
  auto a = make_turn_credentials("north", "alice", 1700000000, 3600);
  CAF_CHECK_NOT_EQUAL(make_turn_credentials("south", "alice", 1700000000, 3600)
                        .credential,
                      a.credential);
  CAF_CHECK_NOT_EQUAL(make_turn_credentials("north", "alicf", 1700000000, 3600)
                        .credential,
                      a.credential);
  CAF_CHECK_NOT_EQUAL(make_turn_credentials("north", "alice", 1700000001, 3600)
                        .credential,
                      a.credential);
}
