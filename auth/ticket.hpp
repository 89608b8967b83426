// The text of a ticket (docs/protocol.md, "Tickets and upgrade"):
// `<authCode>:<connectionId>`,
// two random UUIDs in canonical lower-case form, as the ticket registry
// issues them. Pure code: what a client sends in `/sock?ticket=` is split
// here before any lookup.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace sockd {

/// Two UUIDs and a colon.
constexpr size_t ticket_size = 36 + 1 + 36;

struct ticket_parts {
  std::string_view auth_code;     // views into the parsed text
  std::string_view connection_id;
};

/// True for a canonical lower-case UUID (8-4-4-4-12 hex digits).
bool is_canonical_uuid(std::string_view text);

/// Splits a ticket; nullopt unless it is exactly two canonical UUIDs joined
/// by a ':'.
std::optional<ticket_parts> parse_ticket(std::string_view text);

} // namespace sockd
