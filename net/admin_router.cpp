#include "net/admin_router.hpp"

#include <cstddef>

#include "net/admin_access.hpp"
#include "net/admin_api.hpp"
#include "net/admin_metrics.hpp"
#include "net/query_string.hpp"
#include "net/router.hpp"
#include "net/server_state.hpp"

namespace sockd::net {

namespace {

using api_handler = void (*)(const std::shared_ptr<server_state>&,
                             const request&, const responder&);

struct api_route {
  std::string_view path;
  http::verb method;
  api_handler handler;
};

// The backend API (docs/api.md): the handlers live in net/admin_api.cpp
// and net/admin_access.cpp.
constexpr api_route api_routes[] = {
  {"/api/publish", http::verb::post, api_publish},
  {"/api/disconnect", http::verb::post, api_disconnect},
  {"/api/unsubscribe", http::verb::post, api_unsubscribe},
  {"/api/recheck", http::verb::post, api_recheck},
  {"/api/presence", http::verb::get, api_presence},
  {"/api/info", http::verb::get, api_info},
};

response not_found(const reply_info& info) {
  return error_reply(info, http::status::not_found, "not_found",
                     "no such resource on the admin address");
}

response method_not_allowed(const reply_info& info, http::verb allow) {
  auto res = error_reply(info, http::status::method_not_allowed,
                         "method_not_allowed", "method not allowed");
  res.set(http::field::allow, http::to_string(allow));
  return res;
}

response unauthorized(const reply_info& info) {
  auto res = error_reply(info, http::status::unauthorized, "unauthorized",
                         "missing or wrong Bearer api_key");
  res.set(http::field::www_authenticate, "Bearer");
  return res;
}

void api(const std::shared_ptr<server_state>& st, std::string_view path,
         const request& req, const responder& reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  const api_route* found = nullptr;
  for (auto& r : api_routes)
    if (r.path == path)
      found = &r;
  if (found == nullptr) {
    reply(not_found(info));
    return;
  }
  auto& key = st->svc.opts.api_key;
  if (key.empty()) {
    reply(error_reply(info, http::status::not_found, "api_disabled",
                      "the backend API is disabled: set api_key or "
                      "api_key_file"));
    return;
  }
  if (!api_key_matches(req[http::field::authorization], key)) {
    reply(unauthorized(info));
    return;
  }
  if (req.method() != found->method) {
    reply(method_not_allowed(info, found->method));
    return;
  }
  found->handler(st, req, reply);
}

} // namespace

bool api_key_matches(std::string_view authorization, std::string_view key) {
  auto given = bearer_token(authorization);
  if (key.empty() || given.size() != key.size())
    return false; // the length of the key is not the secret
  unsigned char diff = 0;
  for (size_t i = 0; i < key.size(); ++i)
    diff |= static_cast<unsigned char>(given[i] ^ key[i]);
  return diff == 0;
}

void admin_route(const std::shared_ptr<server_state>& st, request req,
                 responder reply) {
  auto path = target_path(req.target());
  if (path == "/metrics") {
    auto info = reply_info::of(req, st->svc.opts, false);
    if (req.method() != http::verb::get && req.method() != http::verb::head)
      reply(method_not_allowed(info, http::verb::get));
    else if (st->svc.opts.metrics_require_key
             && !api_key_matches(req[http::field::authorization],
                                 st->svc.opts.api_key))
      reply(unauthorized(info));
    else
      reply(metrics_reply(*st, info, req.method() == http::verb::head));
    return;
  }
  constexpr std::string_view api_prefix = "/api/";
  if (path.compare(0, api_prefix.size(), api_prefix) == 0) {
    api(st, path, req, reply);
    return;
  }
  reply(not_found(reply_info::of(req, st->svc.opts, false)));
}

} // namespace sockd::net
