// Certificates and keys over OpenSSL, for the node identity of
// cluster/tls.cpp: owning handles, PEM in and out, and the checks a node
// certificate must pass (it chains to the cluster CA for TLS client and
// server use, and it is valid for the node's name).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace sockd::cluster::x509 {

struct free_bio {
  void operator()(BIO* x) const { BIO_free(x); }
};
struct free_x509 {
  void operator()(X509* x) const { X509_free(x); }
};
struct free_chain {
  void operator()(STACK_OF(X509) * x) const { sk_X509_free(x); }
};
struct free_md_ctx {
  void operator()(EVP_MD_CTX* x) const { EVP_MD_CTX_free(x); }
};

using bio_ptr = std::unique_ptr<BIO, free_bio>;
using x509_ptr = std::unique_ptr<X509, free_x509>;
using chain_ptr = std::unique_ptr<STACK_OF(X509), free_chain>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, free_md_ctx>;

/// What OpenSSL's error queue says (and empties it).
std::string openssl_error();

/// A read-only BIO over `text`.
bio_ptr memory_bio(const std::string& text);

/// Every certificate in `pem`, in order (other PEM blocks are skipped).
std::vector<x509_ptr> read_certificates(const std::string& pem);

/// A pem_password_cb that never asks for a passphrase (OpenSSL's default
/// would read the terminal).
int no_passphrase(char*, int, int, void*);

/// The certificates, re-encoded: a combined PEM file may hold the private
/// key too, which must never travel in a hello.
std::string to_pem(const std::vector<x509_ptr>& certs);

/// The private key as unencrypted PEM.
std::string key_to_pem(EVP_PKEY* key);

/// Empty when `cert` is valid for `name` (one of its DNS subjectAltNames
/// or, when it has none, its subject common name), else what it is valid
/// for.
std::string check_name(X509* cert, const std::string& name);

/// Empty when `leaf` (with `untrusted` intermediates) chains to a CA of
/// `store` for use both as a TLS client and a TLS server, as CAF's TLS
/// handshake will check it: every node is both.
std::string check_chain(X509_STORE* store, X509* leaf,
                        STACK_OF(X509) * untrusted);

/// The intermediates of a chain: every certificate after the first.
chain_ptr untrusted_of(const std::vector<x509_ptr>& certs);

/// The digest a key signs with (none for Ed25519 and Ed448, which sign
/// the message itself).
const EVP_MD* digest_for(const EVP_PKEY* key);

} // namespace sockd::cluster::x509
