#include "protocol/errc.hpp"

namespace sockd {

const char* to_string(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::bad_frame: return "bad_frame";
    case errc::bad_action: return "bad_action";
    case errc::bad_target: return "bad_target";
    case errc::forbidden: return "forbidden";
    case errc::not_subscribed: return "not_subscribed";
    case errc::rate_limited: return "rate_limited";
    case errc::unavailable: return "unavailable";
    case errc::internal: return "internal";
    case errc::unauthorized: return "unauthorized";
    case errc::server_full: return "server_full";
    case errc::too_many_connections: return "too_many_connections";
    case errc::limit_exceeded: return "limit_exceeded";
    case errc::too_many_tickets: return "too_many_tickets";
    case errc::not_found: return "not_found";
  }
  return "internal";
}

} // namespace sockd
