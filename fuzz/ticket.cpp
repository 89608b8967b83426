// The ticket's way in: the request target of `GET /sock?ticket=...`, its
// path, the `ticket` query parameter (net/query_string.hpp), the upgrade
// gate's length bound and the split into auth code and connection id that
// the registry looks up (auth/ticket.hpp). A ticket that parses is exactly
// two canonical UUIDs and a colon, checked here against a plain reference.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "auth/ticket.hpp"
#include "net/query_string.hpp"

namespace {

void require(bool ok) {
  if (!ok)
    std::abort();
}

// net/upgrade_gate.cpp's bound on the parameter.
constexpr size_t max_ticket_length = 256;

bool reference_uuid(std::string_view s) {
  if (s.size() != 36)
    return false;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-')
        return false;
    } else if (std::string_view{"0123456789abcdef"}.find(c)
               == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view target{reinterpret_cast<const char*>(data), size};
  auto path = sockd::net::target_path(target);
  require(path.size() <= target.size());
  require(path.find('?') == std::string_view::npos);
  auto ticket = sockd::net::query_param(target, "ticket");
  if (!ticket || ticket->empty() || ticket->size() > max_ticket_length)
    return 0;
  auto parts = sockd::parse_ticket(*ticket);
  auto colon = ticket->find(':');
  bool expected = ticket->size() == 73 && colon == 36
                  && reference_uuid(std::string_view{*ticket}.substr(0, 36))
                  && reference_uuid(std::string_view{*ticket}.substr(37));
  require(parts.has_value() == expected);
  if (parts) {
    require(std::string{parts->auth_code} + ":"
              + std::string{parts->connection_id}
            == *ticket);
    require(sockd::is_canonical_uuid(parts->auth_code));
    require(sockd::is_canonical_uuid(parts->connection_id));
  }
  return 0;
}
