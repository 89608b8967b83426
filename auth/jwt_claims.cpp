#include "auth/jwt_claims.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>

namespace sockd::auth {

namespace {

// `sub` becomes part of socket ids, log lines and database rows.
constexpr size_t max_sub_size = 256;

// Reads a numeric time claim; returns an error text or empty.
std::string numeric_claim(const nlohmann::json& claims, const char* name,
                          std::optional<double>& out) {
  auto i = claims.find(name);
  if (i == claims.end())
    return {};
  if (!i->is_number())
    return std::string{name} + " is not a number";
  out = i->get<double>();
  return {};
}

std::string check_audience(const nlohmann::json& claims,
                           const std::string& expected) {
  auto i = claims.find("aud");
  if (i == claims.end())
    return "aud is missing";
  if (i->is_string())
    return i->get_ref<const std::string&>() == expected ? "" : "wrong audience";
  if (!i->is_array())
    return "aud is not a string or array of strings";
  bool found = false;
  for (auto& x : *i) {
    if (!x.is_string())
      return "aud is not a string or array of strings";
    if (x.get_ref<const std::string&>() == expected)
      found = true;
  }
  return found ? "" : "wrong audience";
}

std::string check_subject(const nlohmann::json& claims, std::string& sub) {
  auto i = claims.find("sub");
  if (i == claims.end())
    return "sub is missing";
  if (!i->is_string())
    return "sub is not a string";
  auto& str = i->get_ref<const std::string&>();
  if (str.empty())
    return "sub is empty";
  if (str.size() > max_sub_size)
    return "sub is too long";
  for (unsigned char c : str)
    if (c < 0x20 || c == 0x7f)
      return "sub contains control characters";
  sub = str;
  return {};
}

} // namespace

std::string claim_rules::check(const nlohmann::json& claims, double now,
                               std::string& sub, int64_t& valid_until) const {
  std::optional<double> exp;
  std::optional<double> nbf;
  if (auto err = numeric_claim(claims, "exp", exp); !err.empty())
    return err;
  if (auto err = numeric_claim(claims, "nbf", nbf); !err.empty())
    return err;
  if (!exp && require_exp)
    return "exp is missing";
  if (exp && now >= *exp + leeway)
    return "token expired";
  // Not yet past, but maybe 1e300: clamped to the year 9999 so the
  // conversion stays defined.
  constexpr double last_second = 253402300799.0;
  valid_until = exp ? static_cast<int64_t>(
                        std::ceil(std::min(*exp + leeway, last_second)))
                    : 0;
  if (nbf && now + leeway < *nbf)
    return "token not valid yet";
  if (!issuer.empty()) {
    auto i = claims.find("iss");
    if (i == claims.end())
      return "iss is missing";
    if (!i->is_string() || i->get_ref<const std::string&>() != issuer)
      return "wrong issuer";
  }
  if (!audience.empty())
    if (auto err = check_audience(claims, audience); !err.empty())
      return err;
  return check_subject(claims, sub);
}

} // namespace sockd::auth
