#include "auth/turn_credentials.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>

namespace sockd {

std::string base64_encode(std::string_view bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (rounded up) and a NUL,
  // without line breaks.
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  auto n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                           reinterpret_cast<const unsigned char*>(bytes.data()),
                           static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string turn_password(std::string_view secret, std::string_view username) {
  // SHA-1 because coturn's REST API fixes it; the secret never leaves here.
  std::array<unsigned char, 20> mac;
  size_t len = 0;
  auto res = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr,
                       secret.data(), secret.size(),
                       reinterpret_cast<const unsigned char*>(username.data()),
                       username.size(), mac.data(), mac.size(), &len);
  // Fails only when OpenSSL cannot allocate: nothing sensible to answer.
  if (res == nullptr || len != mac.size()) {
    ERR_clear_error();
    throw std::runtime_error("turn_password: HMAC-SHA1 failed");
  }
  return base64_encode({reinterpret_cast<const char*>(mac.data()), len});
}

turn_credentials make_turn_credentials(std::string_view secret,
                                       std::string_view sub, int64_t now,
                                       int64_t ttl) {
  turn_credentials out;
  out.username = std::to_string(now + ttl);
  out.username += ':';
  out.username += sub;
  out.credential = turn_password(secret, out.username);
  out.ttl = ttl;
  return out;
}

} // namespace sockd
