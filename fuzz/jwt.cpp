// JWT verification (auth/jwt.hpp) on what arrives in `Authorization:
// Bearer`. Three shapes of input, chosen by the first byte:
//
//   0  the bytes as a token, as an attacker would send them;
//   1  a header and claims of fuzzed text, correctly HS256-signed here with
//      the verifier's key, so the header and claim checks behind the
//      signature are reached;
//   2  the same signed with another key: never accepted.
//
// Every token meets four verifiers (HS256; HS256 with iss, aud and exp
// required; dev key only; HS256 and RS256). An accepted token's sub is
// always a short printable string.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <fuzzer/FuzzedDataProvider.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/jwt.hpp"

namespace {

using namespace sockd;

const std::string secret = "fuzz-secret-0123456789abcdef-0123456789";
const std::string dev_key = "fuzz-dev-key-0123456789abcdef-012345678";
const std::string wrong_key = "fuzz-wrong-key-0123456789abcdef-0123456";

// 2026-11-25T21:48:31Z, so that fuzzed exp and nbf around it matter.
const auto now
  = std::chrono::system_clock::time_point{std::chrono::seconds{1795643311}};

void require(bool ok) {
  if (!ok)
    std::abort();
}

std::string rsa_public_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{
    EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), &EVP_PKEY_free};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio{BIO_new(BIO_s_mem()),
                                                &BIO_free};
  require(key && bio && PEM_write_bio_PUBKEY(bio.get(), key.get()) == 1);
  char* data = nullptr;
  auto len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::vector<std::shared_ptr<const jwt_verifier>> make_verifiers() {
  std::vector<jwt_config> cfgs(4);
  cfgs[0].hs256_secret = secret;
  cfgs[1].hs256_secret = secret;
  cfgs[1].issuer = "https://id.example";
  cfgs[1].audience = "sockd";
  cfgs[1].require_exp = true;
  cfgs[1].leeway_seconds = 0;
  cfgs[2].dev_hs256_secret = dev_key;
  cfgs[3].hs256_secret = secret;
  cfgs[3].rs256_public_key = rsa_public_pem();
  std::vector<std::shared_ptr<const jwt_verifier>> out;
  for (auto& cfg : cfgs) {
    std::string error;
    out.push_back(jwt_verifier::make(cfg, error));
    require(out.back() != nullptr);
  }
  return out;
}

// `header.claims.signature`, both texts as given, HMAC-SHA256 under `key`.
std::string hs256_raw(const std::string& header, const std::string& claims,
                      const std::string& key) {
  auto input = base64url_encode(header) + "." + base64url_encode(claims);
  std::array<unsigned char, 32> mac;
  size_t len = 0;
  require(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(),
                    key.size(),
                    reinterpret_cast<const unsigned char*>(input.data()),
                    input.size(), mac.data(), mac.size(), &len)
          != nullptr);
  return input + "."
         + base64url_encode({reinterpret_cast<const char*>(mac.data()), len});
}

void check_accepted(const jwt_result& res) {
  if (!res.ok()) {
    require(res.sub.empty());
    return;
  }
  require(!res.sub.empty() && res.sub.size() <= 256);
  for (unsigned char c : res.sub)
    require(c >= 0x20 && c != 0x7f);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto verifiers = make_verifiers();
  FuzzedDataProvider in{data, size};
  auto shape = in.ConsumeIntegralInRange<int>(0, 2);
  std::string token;
  if (shape == 0) {
    token = in.ConsumeRemainingBytesAsString();
  } else {
    auto header = in.ConsumeRandomLengthString(1024);
    auto claims = in.ConsumeRemainingBytesAsString();
    // Mostly a header that names HS256, so the claims are reached.
    if (header.empty())
      header = R"({"alg":"HS256","typ":"JWT"})";
    auto key = shape == 1 ? (claims.size() % 2 == 0 ? secret : dev_key)
                          : wrong_key;
    token = hs256_raw(header, claims, key);
  }
  for (auto& v : verifiers) {
    auto res = v->verify(token, now);
    check_accepted(res);
    if (shape == 2)
      require(!res.ok());
  }
  // base64url: what decodes re-encodes to the same text.
  if (auto dec = base64url_decode(token))
    require(base64url_encode(*dec) == token);
  return 0;
}
