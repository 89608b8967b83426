#include "cluster/transport.hpp"

#include <caf/openssl/manager.hpp>

#include "support/log.hpp"

namespace sockd::cluster {

void configure_transport(caf::actor_system_config& cfg,
                         const transport_settings& settings) {
  if (settings.listen.empty())
    return;
  if (auto& identity = settings.identity) {
    // CAF's module loads its files again for every connection: it gets
    // in-memory copies of what was checked at start (cluster/tls.hpp).
    cfg.openssl_certificate = identity->certificate_file();
    cfg.openssl_key = identity->key_file();
    cfg.openssl_cafile = identity->ca_file();
    cfg.load<caf::openssl::manager>();
    log_info("cluster: mutual TLS on " + settings.listen
             + ", nodes of the CA in " + settings.ca_path);
    if (settings.insecure)
      log_warn("cluster: cluster_insecure has no effect: the "
               "cluster_tls_* files are set");
  } else if (settings.insecure) {
    log_warn("cluster: cluster_insecure: plain BASP on " + settings.listen
             + " without authentication; any process that reaches it can "
               "join the cluster, take a free node name and redeem tickets "
               "of this node (set cluster_tls_cert, cluster_tls_key and "
               "cluster_tls_ca)");
  } else {
    log_info("cluster: plain BASP on loopback " + settings.listen
             + ": every local process can join the cluster");
  }
}

} // namespace sockd::cluster
