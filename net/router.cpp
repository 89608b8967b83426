#include "net/router.hpp"

#include <cctype>
#include <chrono>
#include <optional>

#include "actors/bridge.hpp"
#include "auth/jwt.hpp"
#include "interfaces/errors.hpp"
#include "net/query_string.hpp"
#include "net/server_state.hpp"
#include "net/static_files.hpp"
#include "net/turn_route.hpp"
#include "support/strings.hpp"

namespace sockd::net {

namespace {

using std::chrono::seconds;

constexpr auto ping_timeout = seconds(2);
constexpr int64_t dev_token_lifetime = 24 * 3600;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i]))
        != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

response method_not_allowed(const reply_info& info, std::string_view allow) {
  auto res = error_reply(info, http::status::method_not_allowed,
                         "method_not_allowed", "method not allowed");
  res.set(http::field::allow, allow);
  return res;
}

response not_found(const reply_info& info) {
  return error_reply(info, http::status::not_found, "not_found",
                     "no such resource");
}

int64_t unix_now() {
  return std::chrono::duration_cast<seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

// /ticket and /turn are cross-origin GETs: the preflight and a wrong method
// are answered here. True when `reply` was called.
bool answered_cors_get(const request& req, const reply_info& info,
                       const responder& reply) {
  if (req.method() == http::verb::options) {
    reply(preflight_reply(info));
    return true;
  }
  if (req.method() != http::verb::get) {
    reply(method_not_allowed(info, "GET, OPTIONS"));
    return true;
  }
  return false;
}

// The request's bearer token, verified, or nullopt after answering 401.
std::optional<jwt_result> bearer_user(const server_state& st,
                                      const request& req,
                                      const reply_info& info,
                                      const responder& reply) {
  auto token = bearer_token(req[http::field::authorization]);
  if (token.empty()) {
    reply(error_reply(info, http::status::unauthorized, "unauthorized",
                      "missing Bearer token"));
    return std::nullopt;
  }
  auto verdict = st.svc.jwt->verify(token, std::chrono::system_clock::now());
  if (!verdict.ok()) {
    reply(error_reply(info, http::status::unauthorized, "unauthorized",
                      verdict.error));
    return std::nullopt;
  }
  return verdict;
}

void ticket(const std::shared_ptr<server_state>& st, const request& req,
            responder reply) {
  auto info = reply_info::of(req, st->svc.opts, true);
  if (answered_cors_get(req, info, reply))
    return;
  auto user = bearer_user(*st, req, info, reply);
  if (!user)
    return;
  // With enforce_token_exp the socket closes when the token expires; else
  // the ticket carries no end (Awayto's client keeps sockets past it).
  int64_t valid_until = st->svc.opts.enforce_token_exp ? user->valid_until : 0;
  ask(
    st->svc.bridge, st->svc.tickets, caf::infinite,
    [info, reply](const std::string& ticket) {
      reply(json_reply(info, http::status::ok, {{"ticket", ticket}}));
    },
    [info, reply](const caf::error& err) {
      // The user's outstanding tickets are at max_tickets_per_user.
      if (to_errc(err) == errc::too_many_tickets) {
        reply(error_reply(info, http::status::too_many_requests,
                          "too_many_tickets", message_of(err)));
        return;
      }
      reply(error_reply(info, http::status::service_unavailable,
                        "unavailable", "ticket registry unavailable"));
    },
    issue_atom::value, std::move(user->sub), valid_until);
}

// TURN credentials (net/turn_route.hpp). Off without turn_secret; the
// preflight still succeeds then, so a browser can read the 404's reason.
void turn(const server_state& st, const request& req,
          const responder& reply) {
  auto info = reply_info::of(req, st.svc.opts, true);
  if (answered_cors_get(req, info, reply))
    return;
  if (!turn_enabled(st.svc.opts)) {
    reply(turn_disabled_reply(info));
    return;
  }
  if (auto user = bearer_user(st, req, info, reply))
    reply(turn_reply(st.svc.opts, info, user->sub, unix_now()));
}

void readyz(const std::shared_ptr<server_state>& st, const request& req,
            responder reply) {
  auto info = reply_info::of(req, st->svc.opts, false);
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    reply(method_not_allowed(info, "GET"));
    return;
  }
  ask(
    st->svc.bridge, st->svc.db, caf::duration{ping_timeout},
    [info, reply](bool) {
      reply(json_reply(info, http::status::ok, {{"status", "ready"}}));
    },
    [info, reply](const caf::error& err) {
      auto message = message_of(err);
      if (message.empty())
        message = "database unavailable";
      reply(error_reply(info, http::status::service_unavailable,
                        "unavailable", message));
    },
    ping_atom::value);
}

response dev_token(const server_state& st, const request& req) {
  auto info = reply_info::of(req, st.svc.opts, false);
  if (req.method() != http::verb::post)
    return method_not_allowed(info, "POST");
  auto body = nlohmann::json::parse(req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("sub")
      || !body["sub"].is_string() || body["sub"].get<std::string>().empty())
    return error_reply(info, http::status::bad_request, "bad_request",
                       "expected {\"sub\":\"<user id>\"}");
  auto now = unix_now();
  nlohmann::json claims{
    {"sub", body["sub"]},
    {"iat", now},
    {"exp", now + dev_token_lifetime},
  };
  auto& opts = st.svc.opts;
  if (!opts.jwt_issuer.empty())
    claims["iss"] = opts.jwt_issuer;
  if (!opts.jwt_audience.empty())
    claims["aud"] = opts.jwt_audience;
  auto token = sign_hs256(st.svc.dev_secret, claims);
  return json_reply(info, http::status::ok, {{"token", token}});
}

response health(const server_state& st, const request& req) {
  auto info = reply_info::of(req, st.svc.opts, false);
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return method_not_allowed(info, "GET");
  return json_reply(info, http::status::ok, {{"status", "ok"}});
}

response files(const server_state& st, const request& req,
               std::string_view path) {
  auto info = reply_info::of(req, st.svc.opts, false);
  if (req.method() != http::verb::get && req.method() != http::verb::head)
    return not_found(info);
  auto decoded = percent_decode(path, false);
  if (!decoded)
    return error_reply(info, http::status::bad_request, "bad_request",
                       "bad path encoding");
  // The browser client the demo page imports lives in clients/js/src.
  constexpr std::string_view client_prefix = "/client/";
  if (decoded->compare(0, client_prefix.size(), client_prefix) == 0)
    return serve_static(st.client_dir,
                        std::string_view{*decoded}.substr(
                          client_prefix.size() - 1),
                        info, req.method() == http::verb::head);
  return serve_static(st.web_dir, *decoded, info,
                      req.method() == http::verb::head);
}

} // namespace

std::string_view bearer_token(std::string_view authorization) {
  auto value = trim(authorization);
  auto space = value.find_first_of(" \t");
  if (space == std::string_view::npos
      || !iequals(value.substr(0, space), "bearer"))
    return {};
  return trim(value.substr(space + 1));
}

void route(const std::shared_ptr<server_state>& st, request req,
           responder reply) {
  auto path = target_path(req.target());
  auto dev = st->svc.opts.dev;
  if (path == "/ticket" || path == "/v1/sock/ticket"
      || path == "/api/v1/sock/ticket")
    ticket(st, req, std::move(reply));
  else if (path == "/turn" || path == "/api/v1/turn")
    turn(*st, req, reply);
  else if (path == "/healthz")
    reply(health(*st, req));
  else if (path == "/readyz")
    readyz(st, req, std::move(reply));
  else if (path == "/dev/token" && dev)
    reply(dev_token(*st, req));
  else if (path == "/sock")
    reply(error_reply(reply_info::of(req, st->svc.opts, true),
                      http::status::upgrade_required, "upgrade_required",
                      "/sock expects a WebSocket upgrade"));
  else if (dev)
    reply(files(*st, req, path));
  else
    reply(not_found(reply_info::of(req, st->svc.opts, false)));
}

} // namespace sockd::net
