#include "net/http_reply.hpp"

#include <algorithm>

namespace sockd::net {

reply_info reply_info::of(const request& req, const options& opts,
                          bool cors) {
  reply_info info;
  info.version = req.version();
  info.keep_alive = req.keep_alive();
  info.cors = cors;
  if (cors && !opts.allowed_origins.empty()) {
    info.vary = true;
    auto origin = req[http::field::origin];
    if (origin_listed(opts, origin))
      info.allow_origin = std::string{origin};
  }
  return info;
}

bool origin_listed(const options& opts, std::string_view origin) {
  if (origin.empty())
    return false;
  auto& list = opts.allowed_origins;
  return std::find(list.begin(), list.end(), origin) != list.end();
}

void finish_reply(const reply_info& info, response& res) {
  res.version(info.version);
  res.set(http::field::server, "sockd");
  res.keep_alive(info.keep_alive);
  if (info.cors && info.vary)
    res.set(http::field::vary, "Origin");
  if (info.cors && !info.allow_origin.empty())
    res.set(http::field::access_control_allow_origin, info.allow_origin);
  // A 204 carries no body and, per RFC 9110, no Content-Length either.
  if (res.result() != http::status::no_content)
    res.prepare_payload();
}

response json_reply(const reply_info& info, http::status status,
                    const nlohmann::json& body) {
  response res{status, info.version};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = body.dump();
  finish_reply(info, res);
  return res;
}

response error_reply(const reply_info& info, http::status status,
                     std::string_view code, std::string_view message) {
  nlohmann::json body{
    {"error", {{"code", code}, {"message", message}}},
  };
  return json_reply(info, status, body);
}

response preflight_reply(const reply_info& info) {
  response res{http::status::no_content, info.version};
  if (info.cors && !info.allow_origin.empty()) {
    res.set(http::field::access_control_allow_methods, "GET, OPTIONS");
    res.set(http::field::access_control_allow_headers, "Authorization");
    res.set(http::field::access_control_max_age, "600");
  }
  finish_reply(info, res);
  return res;
}

} // namespace sockd::net
