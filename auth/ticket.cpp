#include "auth/ticket.hpp"

namespace sockd {

namespace {

constexpr size_t uuid_size = 36;

bool is_lower_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

} // namespace

bool is_canonical_uuid(std::string_view text) {
  if (text.size() != uuid_size)
    return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_lower_hex(text[i]))
      return false;
  }
  return true;
}

std::optional<ticket_parts> parse_ticket(std::string_view text) {
  if (text.size() != ticket_size || text[uuid_size] != ':')
    return std::nullopt;
  ticket_parts parts{text.substr(0, uuid_size), text.substr(uuid_size + 1)};
  if (!is_canonical_uuid(parts.auth_code)
      || !is_canonical_uuid(parts.connection_id))
    return std::nullopt;
  return parts;
}

} // namespace sockd
