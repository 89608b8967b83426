// Throwaway certificates for the cluster unit tests, made in memory with
// libcrypto: a CA, and node certificates (P-256 keys) whose DNS
// subjectAltName is the node's name, for TLS client and server use.
#pragma once

#include <memory>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <caf/test/dsl.hpp>

#include "cluster/tls.hpp"

namespace sockd::test {

struct pem_pair {
  std::string cert;
  std::string key;
};

namespace certs_detail {

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  auto n = BIO_get_mem_data(bio, &data);
  std::string result(data, static_cast<size_t>(n));
  BIO_free(bio);
  return result;
}

inline std::string key_pem(EVP_PKEY* key) {
  auto bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_text(bio);
}

inline std::string cert_pem(X509* cert) {
  auto bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  return bio_text(bio);
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  auto ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  CAF_REQUIRE(ext != nullptr);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

inline long next_serial() {
  static long serial = 1;
  return ++serial;
}

} // namespace certs_detail

/// A CA; `issue` signs node certificates.
class test_ca {
public:
  explicit test_ca(const std::string& name) {
    using namespace certs_detail;
    key_ = EVP_EC_gen("P-256");
    cert_ = X509_new();
    X509_set_version(cert_, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert_), next_serial());
    X509_gmtime_adj(X509_getm_notBefore(cert_), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert_), 86400);
    auto subject = X509_get_subject_name(cert_);
    X509_NAME_add_entry_by_txt(
      subject, "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert_, subject);
    X509_set_pubkey(cert_, key_);
    add_ext(cert_, cert_, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert_, cert_, NID_key_usage, "critical,keyCertSign,cRLSign");
    X509_sign(cert_, key_, EVP_sha256());
    pem_ = cert_pem(cert_);
  }

  test_ca(const test_ca&) = delete;
  test_ca& operator=(const test_ca&) = delete;

  ~test_ca() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
  }

  const std::string& pem() const {
    return pem_;
  }

  /// A certificate for `name` (DNS subjectAltName and CN), valid from
  /// `from` to `to` seconds from now.
  pem_pair issue(const std::string& name, long from = -3600,
                 long to = 86400) const {
    using namespace certs_detail;
    auto key = EVP_EC_gen("P-256");
    auto cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), next_serial());
    X509_gmtime_adj(X509_getm_notBefore(cert), from);
    X509_gmtime_adj(X509_getm_notAfter(cert), to);
    X509_NAME_add_entry_by_txt(
      X509_get_subject_name(cert), "CN", MBSTRING_ASC,
      reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert_));
    X509_set_pubkey(cert, key);
    add_ext(cert, cert_, NID_basic_constraints, "CA:FALSE");
    add_ext(cert, cert_, NID_ext_key_usage, "serverAuth,clientAuth");
    auto san = "DNS:" + name;
    add_ext(cert, cert_, NID_subject_alt_name, san.c_str());
    X509_sign(cert, key_, EVP_sha256());
    pem_pair result{cert_pem(cert), key_pem(key)};
    X509_free(cert);
    EVP_PKEY_free(key);
    return result;
  }

  /// A checked identity for node `name` with a certificate of this CA.
  cluster::tls_identity_ptr identity(const std::string& name) const {
    auto pair = issue(name);
    std::string error;
    auto result = cluster::tls_identity::from_pem(pair.cert, pair.key, pem_,
                                                  name, error);
    CAF_REQUIRE(result != nullptr);
    return result;
  }

private:
  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  std::string pem_;
};

} // namespace sockd::test
