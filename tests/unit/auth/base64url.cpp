#define CAF_SUITE auth.base64url
// base64url as JWS uses it (auth/base64url.hpp): no padding, and strict on
// the way in so each byte string has exactly one encoding.
#include <caf/test/unit_test.hpp>

#include <string>

#include "auth/base64url.hpp"

using namespace sockd;

CAF_TEST(base64url round trips without padding) {
  CAF_CHECK_EQUAL(base64url_encode(""), "");
  CAF_CHECK_EQUAL(base64url_encode("f"), "Zg");
  CAF_CHECK_EQUAL(base64url_encode("fo"), "Zm8");
  CAF_CHECK_EQUAL(base64url_encode("foo"), "Zm9v");
  CAF_CHECK_EQUAL(base64url_encode("foob"), "Zm9vYg");
  CAF_CHECK_EQUAL(base64url_encode("\xfb\xff"), "-_8");
  CAF_CHECK_EQUAL(base64url_decode("Zm9vYg").value_or("!"), "foob");
  CAF_CHECK_EQUAL(base64url_decode("-_8").value_or("!"), "\xfb\xff");
  CAF_CHECK_EQUAL(base64url_decode("").value_or("!"), "");
  std::string all;
  for (int i = 0; i < 256; ++i)
    all += static_cast<char>(i);
  CAF_CHECK_EQUAL(base64url_decode(base64url_encode(all)).value_or("!"), all);
}

CAF_TEST(base64url decoding is strict) {
  CAF_CHECK(!base64url_decode("Zg=="));   // padding
  CAF_CHECK(!base64url_decode("Zm9v+g")); // standard alphabet
  CAF_CHECK(!base64url_decode("Zm9v/g"));
  CAF_CHECK(!base64url_decode("Zm 9v"));
  CAF_CHECK(!base64url_decode("Z"));  // impossible length
  CAF_CHECK(!base64url_decode("Zh")); // non-zero unused bits
}
