// Compact JWS verification for /ticket. The header is parsed before the
// signature is checked (it names the algorithm), the payload only after, so
// unauthenticated claims never reach the claim checks.
#include "auth/jwt.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace sockd {

namespace {

// Bearer tokens arrive in an HTTP header; anything larger is not a token.
constexpr size_t max_token_size = 16 * 1024;

// `sub` becomes part of socket ids, log lines and database rows.
constexpr size_t max_sub_size = 256;

// RFC 7518 3.3: RS256 keys must have at least 2048 bits.
constexpr int min_rsa_bits = 2048;

constexpr size_t hs256_size = 32;

struct pkey_deleter {
  void operator()(EVP_PKEY* p) const {
    EVP_PKEY_free(p);
  }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_deleter>;

struct bio_deleter {
  void operator()(BIO* p) const {
    BIO_free(p);
  }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* p) const {
    EVP_MD_CTX_free(p);
  }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

// Returns false when OpenSSL fails (which it should not for HMAC-SHA256).
bool hmac_sha256(std::string_view key, std::string_view data,
                 std::array<unsigned char, hs256_size>& out) {
  size_t len = 0;
  auto res = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(),
                       key.size(),
                       reinterpret_cast<const unsigned char*>(data.data()),
                       data.size(), out.data(), out.size(), &len);
  return res != nullptr && len == out.size();
}

constexpr char b64url_alphabet[]
  = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64url_value(char c) {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '-')
    return 62;
  if (c == '_')
    return 63;
  return -1;
}

double to_seconds(std::chrono::system_clock::time_point t) {
  using secs = std::chrono::duration<double>;
  return std::chrono::duration_cast<secs>(t.time_since_epoch()).count();
}

// Reads a numeric time claim; returns an error text or empty.
std::string numeric_claim(const nlohmann::json& claims, const char* name,
                          std::optional<double>& out) {
  auto i = claims.find(name);
  if (i == claims.end())
    return {};
  if (!i->is_number())
    return std::string{name} + " is not a number";
  out = i->get<double>();
  return {};
}

std::string check_audience(const nlohmann::json& claims,
                           const std::string& expected) {
  auto i = claims.find("aud");
  if (i == claims.end())
    return "aud is missing";
  if (i->is_string())
    return i->get_ref<const std::string&>() == expected ? "" : "wrong audience";
  if (!i->is_array())
    return "aud is not a string or array of strings";
  bool found = false;
  for (auto& x : *i) {
    if (!x.is_string())
      return "aud is not a string or array of strings";
    if (x.get_ref<const std::string&>() == expected)
      found = true;
  }
  return found ? "" : "wrong audience";
}

std::string check_subject(const nlohmann::json& claims, std::string& sub) {
  auto i = claims.find("sub");
  if (i == claims.end())
    return "sub is missing";
  if (!i->is_string())
    return "sub is not a string";
  auto& str = i->get_ref<const std::string&>();
  if (str.empty())
    return "sub is empty";
  if (str.size() > max_sub_size)
    return "sub is too long";
  for (unsigned char c : str)
    if (c < 0x20 || c == 0x7f)
      return "sub contains control characters";
  sub = str;
  return {};
}

// True when `sig` is the HMAC-SHA256 of `input` under `key`; sets
// `internal` when OpenSSL fails.
bool hs256_matches(std::string_view key, std::string_view input,
                   const std::string& sig, bool& internal) {
  std::array<unsigned char, hs256_size> mac;
  if (!hmac_sha256(key, input, mac)) {
    ERR_clear_error();
    internal = true;
    return false;
  }
  return sig.size() == mac.size()
         && CRYPTO_memcmp(sig.data(), mac.data(), mac.size()) == 0;
}

} // namespace

struct jwt_verifier::impl {
  std::string secret;
  std::string dev_secret;
  pkey_ptr public_key;
  std::string issuer;
  std::string audience;
  int leeway = 30;
  bool require_exp = false;

  std::string check_signature(const std::string& alg,
                              std::string_view signing_input,
                              const std::string& sig) const;
  std::string check_claims(const nlohmann::json& claims, double now,
                           std::string& sub) const;
};

std::string jwt_verifier::impl::check_signature(const std::string& alg,
                                                std::string_view signing_input,
                                                const std::string& sig) const {
  if (alg == "HS256") {
    if (secret.empty() && dev_secret.empty())
      return "alg HS256 is not accepted";
    bool internal = false;
    // Both keys are tried whatever the first answers: the time taken does
    // not tell which key a token was checked against.
    bool ok = !secret.empty()
              && hs256_matches(secret, signing_input, sig, internal);
    bool dev_ok = !dev_secret.empty()
                  && hs256_matches(dev_secret, signing_input, sig, internal);
    if (internal)
      return "internal error verifying token";
    return ok || dev_ok ? "" : "bad signature";
  }
  if (alg == "RS256") {
    if (!public_key)
      return "alg RS256 is not accepted";
    md_ctx_ptr ctx{EVP_MD_CTX_new()};
    if (!ctx
        || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                public_key.get())
             != 1) {
      ERR_clear_error();
      return "internal error verifying token";
    }
    auto res = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
      reinterpret_cast<const unsigned char*>(signing_input.data()),
      signing_input.size());
    if (res != 1) {
      // A wrong-length signature is an error (< 0), a forged one a 0: both
      // mean the token is not ours.
      ERR_clear_error();
      return "bad signature";
    }
    return {};
  }
  if (alg == "none")
    return "alg none is not accepted";
  return "unsupported alg";
}

std::string jwt_verifier::impl::check_claims(const nlohmann::json& claims,
                                             double now,
                                             std::string& sub) const {
  std::optional<double> exp;
  std::optional<double> nbf;
  if (auto err = numeric_claim(claims, "exp", exp); !err.empty())
    return err;
  if (auto err = numeric_claim(claims, "nbf", nbf); !err.empty())
    return err;
  if (!exp && require_exp)
    return "exp is missing";
  if (exp && now >= *exp + leeway)
    return "token expired";
  if (nbf && now + leeway < *nbf)
    return "token not valid yet";
  if (!issuer.empty()) {
    auto i = claims.find("iss");
    if (i == claims.end())
      return "iss is missing";
    if (!i->is_string() || i->get_ref<const std::string&>() != issuer)
      return "wrong issuer";
  }
  if (!audience.empty())
    if (auto err = check_audience(claims, audience); !err.empty())
      return err;
  return check_subject(claims, sub);
}

std::shared_ptr<const jwt_verifier> jwt_verifier::make(jwt_config cfg,
                                                       std::string& error) {
  if (cfg.hs256_secret.empty() && cfg.dev_hs256_secret.empty()
      && cfg.rs256_public_key.empty()) {
    error = "no JWT key configured (HS256 secret or RS256 public key)";
    return nullptr;
  }
  if (cfg.leeway_seconds < 0) {
    error = "JWT leeway must not be negative";
    return nullptr;
  }
  auto st = std::make_unique<impl>();
  if (!cfg.rs256_public_key.empty()) {
    auto& pem = cfg.rs256_public_key;
    if (pem.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
      error = "JWT public key is too large";
      return nullptr;
    }
    bio_ptr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
    if (bio)
      st->public_key.reset(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    if (!st->public_key) {
      error = "JWT public key is not a PEM public key "
              "(expected -----BEGIN PUBLIC KEY-----)";
      return nullptr;
    }
    if (!EVP_PKEY_is_a(st->public_key.get(), "RSA")) {
      error = "JWT public key is not an RSA key (RS256 needs one)";
      return nullptr;
    }
    if (EVP_PKEY_get_bits(st->public_key.get()) < min_rsa_bits) {
      error = "JWT public key is shorter than 2048 bits";
      return nullptr;
    }
  }
  st->secret = std::move(cfg.hs256_secret);
  st->dev_secret = std::move(cfg.dev_hs256_secret);
  st->require_exp = cfg.require_exp;
  st->issuer = std::move(cfg.issuer);
  st->audience = std::move(cfg.audience);
  st->leeway = cfg.leeway_seconds;
  // The constructor is private, hence no make_shared.
  std::shared_ptr<jwt_verifier> result{new jwt_verifier};
  result->impl_ = std::move(st);
  return result;
}

jwt_verifier::~jwt_verifier() = default;

jwt_result
jwt_verifier::verify(std::string_view token,
                     std::chrono::system_clock::time_point now) const {
  jwt_result result;
  auto fail = [&result](std::string msg) {
    result.error = std::move(msg);
    return result;
  };
  try {
    if (token.empty())
      return fail("token is empty");
    if (token.size() > max_token_size)
      return fail("token is too long");
    auto dot1 = token.find('.');
    auto dot2 = dot1 == token.npos ? token.npos : token.find('.', dot1 + 1);
    if (dot2 == token.npos || token.find('.', dot2 + 1) != token.npos)
      return fail("malformed token: expected three dot-separated parts");
    auto header_b64 = token.substr(0, dot1);
    auto payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
    auto sig_b64 = token.substr(dot2 + 1);
    auto header_text = base64url_decode(header_b64);
    if (!header_text)
      return fail("malformed token: header is not base64url");
    auto header = nlohmann::json::parse(*header_text, nullptr, false);
    if (!header.is_object())
      return fail("malformed token: header is not a JSON object");
    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string())
      return fail("malformed token: alg is missing");
    // RFC 7515 4.1.11: extensions we do not understand must be refused.
    if (header.contains("crit"))
      return fail("crit header is not supported");
    auto payload_text = base64url_decode(payload_b64);
    if (!payload_text)
      return fail("malformed token: payload is not base64url");
    auto sig = base64url_decode(sig_b64);
    if (!sig)
      return fail("malformed token: signature is not base64url");
    auto signing_input = token.substr(0, dot2);
    auto err = impl_->check_signature(alg->get_ref<const std::string&>(),
                                      signing_input, *sig);
    if (!err.empty())
      return fail(std::move(err));
    auto claims = nlohmann::json::parse(*payload_text, nullptr, false);
    if (!claims.is_object())
      return fail("malformed token: payload is not a JSON object");
    err = impl_->check_claims(claims, to_seconds(now), result.sub);
    if (!err.empty()) {
      result.sub.clear();
      return fail(std::move(err));
    }
    return result;
  } catch (...) {
    // Allocation failure or similar: still an answer, never an escape (the
    // short text fits the small-string buffer, so it does not allocate).
    result.sub.clear();
    return fail("internal error");
  }
}

std::string sign_hs256(const std::string& secret,
                       const nlohmann::json& claims) {
  if (secret.empty())
    throw std::invalid_argument("sign_hs256: empty secret");
  auto header = base64url_encode(R"({"alg":"HS256","typ":"JWT"})");
  // Replace invalid UTF-8 rather than throw: the claims may echo user input.
  auto body = claims.dump(-1, ' ', false,
                          nlohmann::json::error_handler_t::replace);
  auto input = header + '.' + base64url_encode(body);
  std::array<unsigned char, hs256_size> mac;
  if (!hmac_sha256(secret, input, mac)) {
    ERR_clear_error();
    throw std::runtime_error("sign_hs256: HMAC-SHA256 failed");
  }
  input += '.';
  input += base64url_encode(
    std::string_view{reinterpret_cast<const char*>(mac.data()), mac.size()});
  return input;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  auto byte = [&bytes](size_t pos) {
    return static_cast<uint32_t>(static_cast<unsigned char>(bytes[pos]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    auto n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
    out += b64url_alphabet[(n >> 6) & 63];
    out += b64url_alphabet[n & 63];
  }
  auto rest = bytes.size() - i;
  if (rest == 1) {
    auto n = byte(i) << 16;
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
  } else if (rest == 2) {
    auto n = (byte(i) << 16) | (byte(i + 1) << 8);
    out += b64url_alphabet[(n >> 18) & 63];
    out += b64url_alphabet[(n >> 12) & 63];
    out += b64url_alphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // Strict: no padding, no whitespace, and the unused low bits of the last
  // character must be zero, so each byte string has exactly one encoding.
  if (text.size() % 4 == 1)
    return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto v = b64url_value(c);
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
      acc &= (1u << bits) - 1;
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0)
    return std::nullopt;
  return out;
}

} // namespace sockd
