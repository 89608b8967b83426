#include "config/checks.hpp"

#include <cstddef>

#include "config/values.hpp"

namespace sockd::config {

namespace {

// RFC 7518 section 3.2: an HS256 key at least as long as the hash.
constexpr size_t min_secret_bytes = 32;

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
  return {};
}

} // namespace sockd::config
