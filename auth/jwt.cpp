// Compact JWS verification for /ticket. The header is parsed before the
// signature is checked (it names the algorithm), the payload only after, so
// unauthenticated claims never reach the claim checks. The two steps live
// apart: auth/jwt_signature.hpp and auth/jwt_claims.hpp.
#include "auth/jwt.hpp"

#include <array>
#include <stdexcept>
#include <utility>

#include <openssl/err.h>

#include "auth/jwt_claims.hpp"
#include "auth/jwt_signature.hpp"

namespace sockd {

namespace {

// Bearer tokens arrive in an HTTP header; anything larger is not a token.
constexpr size_t max_token_size = 16 * 1024;

double to_seconds(std::chrono::system_clock::time_point t) {
  using secs = std::chrono::duration<double>;
  return std::chrono::duration_cast<secs>(t.time_since_epoch()).count();
}

} // namespace

struct jwt_verifier::impl {
  auth::signature_keys keys;
  auth::claim_rules rules;
};

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
    auto err = auth::load_rs256_public_key(cfg.rs256_public_key,
                                           st->keys.public_key);
    if (!err.empty()) {
      error = std::move(err);
      return nullptr;
    }
  }
  st->keys.secret = std::move(cfg.hs256_secret);
  st->keys.dev_secret = std::move(cfg.dev_hs256_secret);
  st->rules.require_exp = cfg.require_exp;
  st->rules.issuer = std::move(cfg.issuer);
  st->rules.audience = std::move(cfg.audience);
  st->rules.leeway = cfg.leeway_seconds;
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
    auto err = impl_->keys.check(alg->get_ref<const std::string&>(),
                                 signing_input, *sig);
    if (!err.empty())
      return fail(std::move(err));
    auto claims = nlohmann::json::parse(*payload_text, nullptr, false);
    if (!claims.is_object())
      return fail("malformed token: payload is not a JSON object");
    err = impl_->rules.check(claims, to_seconds(now), result.sub,
                             result.valid_until);
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
  std::array<unsigned char, auth::hs256_size> mac;
  if (!auth::hmac_sha256(secret, input, mac)) {
    ERR_clear_error();
    throw std::runtime_error("sign_hs256: HMAC-SHA256 failed");
  }
  input += '.';
  input += base64url_encode(
    std::string_view{reinterpret_cast<const char*>(mac.data()), mac.size()});
  return input;
}

} // namespace sockd
