// base64url without padding (RFC 4648 section 5), as JWS uses it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sockd {

std::string base64url_encode(std::string_view bytes);

/// Strict: no padding, no whitespace, and the unused low bits of the last
/// character must be zero, so each byte string has exactly one encoding.
std::optional<std::string> base64url_decode(std::string_view text);

} // namespace sockd
