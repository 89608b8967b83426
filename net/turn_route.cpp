#include "net/turn_route.hpp"

#include "auth/turn_credentials.hpp"

namespace sockd::net {

bool turn_enabled(const options& opts) {
  return !opts.turn_secret.empty();
}

response turn_disabled_reply(const reply_info& info) {
  return error_reply(info, http::status::not_found, "not_found",
                     "TURN credentials are off: turn_secret is not set");
}

response turn_reply(const options& opts, const reply_info& info,
                    const std::string& sub, int64_t now) {
  auto cred = make_turn_credentials(opts.turn_secret, sub, now, opts.turn_ttl);
  // iceServers is what RTCPeerConnection takes as it is: one entry with
  // every URI, since the same credential opens all of them.
  nlohmann::json ice_server{
    {"urls", opts.turn_uris},
    {"username", cred.username},
    {"credential", cred.credential},
  };
  return json_reply(info, http::status::ok,
                    {
                      {"username", cred.username},
                      {"credential", cred.credential},
                      {"ttl", cred.ttl},
                      {"uris", opts.turn_uris},
                      {"iceServers", nlohmann::json::array({ice_server})},
                    });
}

} // namespace sockd::net
