// Ticket halves and connection ids must be unguessable: OpenSSL's CSPRNG.
#include "auth/random.hpp"

#include <algorithm>
#include <array>
#include <climits>
#include <stdexcept>

#include <openssl/rand.h>

#include "support/hex.hpp"

namespace sockd {

namespace {

// Fills `buf` or throws: an id from a failed CSPRNG must never be used.
void fill_random(unsigned char* buf, size_t n) {
  while (n > 0) {
    auto chunk = static_cast<int>(std::min<size_t>(n, INT_MAX));
    if (RAND_bytes(buf, chunk) != 1)
      throw std::runtime_error("RAND_bytes failed: no secure randomness");
    buf += chunk;
    n -= static_cast<size_t>(chunk);
  }
}

void append_hex(std::string& out, unsigned char byte) {
  out += hex_digit(byte >> 4);
  out += hex_digit(byte & 0x0f);
}

} // namespace

std::string random_uuid() {
  std::array<unsigned char, 16> b;
  fill_random(b.data(), b.size());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40); // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80); // RFC 4122 variant
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10)
      out += '-';
    append_hex(out, b[i]);
  }
  return out;
}

std::string random_hex(size_t n) {
  std::string bytes(n, '\0');
  fill_random(reinterpret_cast<unsigned char*>(bytes.data()), n);
  std::string out;
  out.reserve(n * 2);
  for (unsigned char c : bytes)
    append_hex(out, c);
  return out;
}

} // namespace sockd
