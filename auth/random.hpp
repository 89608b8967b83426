// Identifiers from a CSPRNG (OpenSSL RAND_bytes), never rand().
#pragma once

#include <string>

namespace sockd {

/// A random version-4 UUID in canonical lower-case form.
std::string random_uuid();

/// `n` random bytes as lower-case hex.
std::string random_hex(size_t n);

} // namespace sockd
