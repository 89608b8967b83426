#include "db/conninfo.hpp"

namespace sockd::db {

namespace {

constexpr const char* timeout_key = "connect_timeout=";
constexpr const char* timeout_value = "3";

bool is_uri(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

} // namespace

std::string make_conninfo(const std::string& url) {
  // An explicit connect_timeout in the URL wins.
  if (url.find(timeout_key) != std::string::npos)
    return url;
  if (is_uri(url)) {
    auto sep = url.find('?') == std::string::npos ? "?"
               : url.back() == '?' || url.back() == '&' ? ""
                                                         : "&";
    return url + sep + timeout_key + timeout_value;
  }
  if (url.empty())
    return std::string{timeout_key} + timeout_value;
  return url + " " + timeout_key + timeout_value;
}

} // namespace sockd::db
