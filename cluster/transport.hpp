// How nodes talk (docs/cluster.md): mutual TLS through CAF's OpenSSL module
// when the node has a certificate (cluster_tls_*), else plain BASP, which
// the options allow on loopback only unless cluster_insecure.
#pragma once

#include <string>

#include <caf/actor_system_config.hpp>

#include "cluster/tls.hpp"

namespace sockd::cluster {

struct transport_settings {
  std::string listen;         // cluster_listen; empty: single node
  tls_identity_ptr identity;  // null: plain BASP
  std::string ca_path;        // cluster_tls_ca, for the log line
  bool insecure = false;      // cluster_insecure
};

/// Loads CAF's OpenSSL module with the node's identity, or logs which plain
/// transport runs and what it exposes.
void configure_transport(caf::actor_system_config& cfg,
                         const transport_settings& settings);

} // namespace sockd::cluster
