// A node's identity in a TLS cluster (docs/cluster.md, docs/security.md):
// its certificate and key and the cluster CA, loaded and checked at start.
//
// CAF's OpenSSL module does the mutual TLS (both sides present a
// certificate that must chain to `cluster_tls_ca`), but it never tells the
// application which certificate a connection presented. So the name a node
// claims in its `hello` is bound to a certificate here, one level up: the
// hello carries the node's certificate and its key's signature over a
// challenge the receiver just issued (cluster/membership.cpp). A node name
// is valid for a certificate when it equals one of the certificate's DNS
// subjectAltNames exactly or, for a certificate without any, its subject
// common name.
#pragma once

#include <memory>
#include <string>

#include <openssl/types.h>

namespace sockd::cluster {

class tls_identity {
public:
  /// Reads and checks the three PEM files: readable, parseable, key
  /// matching the certificate, certificate signed by the CA (for TLS client
  /// and server use, not expired) and valid for `node_name`. Null with
  /// `error` naming the option at fault otherwise.
  static std::shared_ptr<const tls_identity>
  load(const std::string& cert_file, const std::string& key_file,
       const std::string& ca_file, const std::string& node_name,
       std::string& error);

  /// The same checks on PEM text (tests).
  static std::shared_ptr<const tls_identity>
  from_pem(const std::string& cert_pem, const std::string& key_pem,
           const std::string& ca_pem, const std::string& node_name,
           std::string& error);

  tls_identity(const tls_identity&) = delete;
  tls_identity& operator=(const tls_identity&) = delete;
  ~tls_identity();

  /// This node's certificate (and chain) as PEM, sent with its hellos.
  const std::string& certificate() const {
    return cert_pem_;
  }

  /// For CAF's OpenSSL module (after load() only): paths of private,
  /// in-memory copies of what was checked (memfd, /proc/self/fd/N). CAF
  /// re-reads its files for every new connection and ends the process
  /// when it cannot; with these, removing or replacing the operator's
  /// files cannot take the node down, and CAF loads exactly what was
  /// checked. New files take effect at the next start.
  const std::string& certificate_file() const {
    return files_[0];
  }
  const std::string& key_file() const {
    return files_[1];
  }
  const std::string& ca_file() const {
    return files_[2];
  }

  /// The node's key's signature of `data` (empty on an OpenSSL failure).
  std::string sign(const std::string& data) const;

  /// Empty when `cert_pem` chains to the cluster CA, is valid for `name`,
  /// and `signature` is its key's signature of `data`; else why not.
  std::string verify(const std::string& cert_pem, const std::string& name,
                     const std::string& data,
                     const std::string& signature) const;

private:
  tls_identity() = default;

  static std::shared_ptr<const tls_identity> from_pem_labelled(
    const std::string& cert_pem, const std::string& key_pem,
    const std::string& ca_pem, const std::string& node_name,
    const std::string& cert_label, const std::string& key_label,
    const std::string& ca_label, std::string& error);

  std::string cert_pem_;
  std::string key_pem_; // unencrypted, re-encoded
  std::string ca_pem_;  // the CA certificates, re-encoded
  EVP_PKEY* key_ = nullptr;
  X509_STORE* store_ = nullptr;
  int fds_[3] = {-1, -1, -1};
  std::string files_[3];
};

using tls_identity_ptr = std::shared_ptr<const tls_identity>;

/// Links cluster/openssl_errors.cpp (a fix for CAF 0.17.6's OpenSSL error
/// handling) into the program; always true.
bool openssl_error_queue_fix();

} // namespace sockd::cluster
