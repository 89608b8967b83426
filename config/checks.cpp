#include "config/checks.hpp"

#include <cstddef>
#include <fstream>
#include <iterator>

#include "config/values.hpp"

namespace sockd::config {

namespace {

// RFC 7518 section 3.2: an HS256 key at least as long as the hash.
constexpr size_t min_secret_bytes = 32;

// The backend API's bearer key: as long as an HS256 secret, for the same
// reason (guessing it must be out of reach).
constexpr size_t min_api_key_bytes = 32;

std::string check_admin(const options& o) {
  if (!o.api_key.empty() && o.api_key.size() < min_api_key_bytes)
    return std::string{o.api_key_file.empty() ? "api_key" : "api_key_file"}
           + ": the key is " + std::to_string(o.api_key.size())
           + " bytes, too short (at least "
           + std::to_string(min_api_key_bytes) + ")";
  // Port 0 twice is two different free ports.
  if (!o.admin_listen.empty() && o.admin_listen == o.listen
      && o.admin_port() != 0)
    return "admin_listen: " + quote(o.admin_listen)
           + " is the listen address; the operator address must be another "
             "one (or empty: off)";
  if (o.metrics_require_key && o.api_key.empty())
    return "metrics_require_key: set without api_key (or api_key_file)";
  return {};
}

} // namespace

std::string check_combinations(const options& o) {
  if (o.jwt_secret.empty() && o.jwt_public_key.empty() && !o.dev)
    return "no JWT key: set jwt_secret or jwt_public_key "
           "(or dev for local testing)";
  if (!o.jwt_secret.empty() && o.jwt_secret.size() < min_secret_bytes)
    return "jwt_secret: " + std::to_string(o.jwt_secret.size())
           + " bytes is too short for HS256 (at least "
           + std::to_string(min_secret_bytes) + ", RFC 7518 section 3.2)";
  if (o.dev && !o.dev_allow_remote && !is_loopback(o.listen_host()))
    return "dev: listen " + quote(o.listen)
           + " is not a loopback address; dev hands out tokens to anyone, "
             "so it needs dev_allow_remote as well";
  if (o.tls_cert.empty() != o.tls_key.empty())
    return std::string{o.tls_cert.empty() ? "tls_key" : "tls_cert"}
           + " is set but " + (o.tls_cert.empty() ? "tls_cert" : "tls_key")
           + " is not: tls_cert and tls_key go together (set both for "
             "HTTPS/WSS, neither for plain HTTP)";
  int tls_files = !o.cluster_tls_cert.empty() + !o.cluster_tls_key.empty()
                  + !o.cluster_tls_ca.empty();
  if (tls_files != 0 && tls_files != 3)
    return "cluster_tls_cert, cluster_tls_key and cluster_tls_ca go "
           "together: set all three or none";
  if (!o.cluster_listen.empty() && tls_files == 0 && !o.cluster_insecure) {
    host_port hp;
    split_host_port(o.cluster_listen, hp, 0);
    if (!is_loopback(hp.host))
      return "cluster_listen: " + quote(o.cluster_listen)
             + " is not a loopback address; set cluster_tls_cert, "
               "cluster_tls_key and cluster_tls_ca (or cluster_insecure)";
  }
  if (o.turn_secret.empty() != o.turn_uris.empty())
    return o.turn_secret.empty()
             ? "turn_uris: set without turn_secret (GET /turn needs both)"
             : "turn_secret: set without turn_uris (GET /turn needs both)";
  return check_admin(o);
}

std::string read_api_key_file(options& o) {
  if (o.api_key_file.empty())
    return {};
  if (!o.api_key.empty())
    return "api_key_file: set together with api_key; set one of them";
  std::ifstream in{o.api_key_file, std::ios::binary};
  if (!in)
    return "api_key_file: cannot read " + quote(o.api_key_file);
  std::string key{std::istreambuf_iterator<char>{in},
                  std::istreambuf_iterator<char>{}};
  if (!key.empty() && key.back() == '\n')
    key.pop_back();
  if (!key.empty() && key.back() == '\r')
    key.pop_back();
  if (key.empty())
    return "api_key_file: " + quote(o.api_key_file) + " is empty";
  o.api_key = std::move(key);
  return {};
}

} // namespace sockd::config
