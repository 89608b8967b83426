// Building HTTP answers: JSON bodies, the error shape
// (`{"error":{"code":..,"message":..}}`) and the CORS headers of
// docs/protocol.md, "Tickets and upgrade".
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "config/options.hpp"
#include "net/beast.hpp"

namespace sockd::net {

/// Delivers an answer to the session that asked; callable from any thread.
using responder = std::function<void(response)>;

/// What an answer needs to know about its request, captured by value so it
/// can be built later on another thread.
struct reply_info {
  unsigned version = 11;
  bool keep_alive = false;
  bool cors = false;         // a cross-origin route (/ticket, /sock)
  bool vary = false;         // an allow list is configured
  std::string allow_origin;  // the request's Origin when it is listed

  /// Reads version, keep-alive and, for `cors` routes, the Origin.
  static reply_info of(const request& req, const options& opts, bool cors);
};

/// True when a non-empty allow list names `origin` exactly.
bool origin_listed(const options& opts, std::string_view origin);

response json_reply(const reply_info& info, http::status status,
                    const nlohmann::json& body);

response error_reply(const reply_info& info, http::status status,
                     std::string_view code, std::string_view message);

/// The CORS preflight answer: 204, with the allow headers when the Origin
/// is listed.
response preflight_reply(const reply_info& info);

/// Sets the headers every answer carries (Server, keep-alive, CORS).
void finish_reply(const reply_info& info, response& res);

} // namespace sockd::net
