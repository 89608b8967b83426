#define CAF_SUITE config.values
#include <caf/test/unit_test.hpp>

#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "config/values.hpp"

using namespace sockd::config;

namespace {

using strings = std::vector<std::string>;

// The problem split_host_port reports, or "host|port" when it accepts.
std::string split(const std::string& text, uint32_t min_port = 0) {
  host_port hp;
  auto err = split_host_port(text, hp, min_port);
  if (!err.empty())
    return err;
  return hp.host + "|" + std::to_string(hp.port);
}

// An optional as text ("none" when empty), so that a failed check prints
// both sides.
template <class T>
std::string shown(const std::optional<T>& x) {
  if (!x)
    return "none";
  if constexpr (std::is_same_v<T, bool>)
    return *x ? "true" : "false";
  else
    return std::to_string(*x);
}

} // namespace

CAF_TEST(quote cuts long values) {
  CAF_CHECK_EQUAL(quote("abc"), "'abc'");
  CAF_CHECK_EQUAL(quote(std::string(64, 'x')), "'" + std::string(64, 'x') + "'");
  CAF_CHECK_EQUAL(quote(std::string(65, 'x')),
                  "'" + std::string(64, 'x') + "...'");
}

CAF_TEST(integers) {
  CAF_CHECK_EQUAL(shown(parse_int(" 42 ")), "42");
  CAF_CHECK_EQUAL(shown(parse_int("-7")), "-7");
  CAF_CHECK_EQUAL(shown(parse_int("")), "none");
  CAF_CHECK_EQUAL(shown(parse_int("4 2")), "none");
  CAF_CHECK_EQUAL(shown(parse_int("0x10")), "none");
  CAF_CHECK_EQUAL(shown(parse_int("99999999999999999999")), "none");
}

CAF_TEST(reals) {
  CAF_CHECK_EQUAL(shown(parse_real(" 2.5 ")), std::to_string(2.5));
  CAF_CHECK_EQUAL(shown(parse_real("1e3")), std::to_string(1000.0));
  CAF_CHECK_EQUAL(shown(parse_real("inf")), "none");
  CAF_CHECK_EQUAL(shown(parse_real("nan")), "none");
  CAF_CHECK_EQUAL(shown(parse_real("1.5x")), "none");
  CAF_CHECK_EQUAL(shown(parse_real("")), "none");
}

CAF_TEST(booleans) {
  for (auto yes : {"true", "1", "YES", " on "})
    CAF_CHECK_EQUAL(shown(parse_bool(yes)), "true");
  for (auto no : {"false", "0", "No", "OFF"})
    CAF_CHECK_EQUAL(shown(parse_bool(no)), "false");
  CAF_CHECK_EQUAL(shown(parse_bool("2")), "none");
  CAF_CHECK_EQUAL(shown(parse_bool("")), "none");
}

CAF_TEST(host and port) {
  CAF_CHECK_EQUAL(split("127.0.0.1:8080"), "127.0.0.1|8080");
  CAF_CHECK_EQUAL(split("[::1]:0"), "::1|0");
  CAF_CHECK_EQUAL(split("localhost"), "'localhost' is not host:port");
  CAF_CHECK_EQUAL(split("::1:80"),
                  "'::1:80' needs brackets around the IPv6 host, e.g. "
                  "[::1]:8080");
  CAF_CHECK_EQUAL(split("[]:80"), "'[]:80' is not host:port");
  CAF_CHECK_EQUAL(split(":80"), "':80' has no host");
  CAF_CHECK_EQUAL(split("a b:80"), "'a b:80' has a bad host");
  CAF_CHECK_EQUAL(split("h:8o"), "'h:8o' has a bad port");
  CAF_CHECK_EQUAL(split("h:065535"), "'h:065535' has a bad port");
  CAF_CHECK_EQUAL(split("h:65536"),
                  "'h:65536' has a port out of range (0 to 65535)");
  CAF_CHECK_EQUAL(split("h:0", 1),
                  "'h:0' has a port out of range (1 to 65535)");
}

CAF_TEST(comma lists drop blank items) {
  CAF_CHECK_EQUAL(split_list(" a, b ,,c "), (strings{"a", "b", "c"}));
  CAF_CHECK_EQUAL(split_list(""), strings{});
  CAF_CHECK_EQUAL(split_list(" , "), strings{});
}

CAF_TEST(loopback hosts) {
  CAF_CHECK(is_loopback("127.0.0.1"));
  CAF_CHECK(is_loopback("127.8.9.10"));
  CAF_CHECK(is_loopback("::1"));
  CAF_CHECK(is_loopback("localhost"));
  CAF_CHECK(!is_loopback("0.0.0.0"));
  CAF_CHECK(!is_loopback("::"));
  CAF_CHECK(!is_loopback("128.0.0.1"));
}
