#include "cluster/x509.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace sockd::cluster::x509 {

namespace {

struct free_store_ctx {
  void operator()(X509_STORE_CTX* x) const { X509_STORE_CTX_free(x); }
};

using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, free_store_ctx>;

// The names a certificate is valid for: its DNS subjectAltNames or, when
// it has none, its subject common names.
std::vector<std::string> certificate_names(X509* cert) {
  std::vector<std::string> names;
  auto gens = static_cast<GENERAL_NAMES*>(
    X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (gens) {
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); ++i) {
      auto gen = sk_GENERAL_NAME_value(gens, i);
      if (gen->type != GEN_DNS)
        continue;
      auto str = gen->d.dNSName;
      names.emplace_back(
        reinterpret_cast<const char*>(ASN1_STRING_get0_data(str)),
        static_cast<size_t>(ASN1_STRING_length(str)));
    }
    GENERAL_NAMES_free(gens);
  }
  if (!names.empty())
    return names;
  auto subject = X509_get_subject_name(cert);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
       i >= 0; i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    unsigned char* utf8 = nullptr;
    auto data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    auto n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n >= 0) {
      names.emplace_back(reinterpret_cast<const char*>(utf8),
                         static_cast<size_t>(n));
      OPENSSL_free(utf8);
    }
  }
  return names;
}

} // namespace

std::string openssl_error() {
  std::string msg;
  while (auto err = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    if (!msg.empty())
      msg += "; ";
    msg += buf;
  }
  return msg.empty() ? "unknown OpenSSL error" : msg;
}

bio_ptr memory_bio(const std::string& text) {
  return bio_ptr{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
}

std::vector<x509_ptr> read_certificates(const std::string& pem) {
  std::vector<x509_ptr> result;
  auto bio = memory_bio(pem);
  if (!bio)
    return result;
  while (auto cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
    result.emplace_back(cert);
  ERR_clear_error(); // the end of the input reads as an error
  return result;
}

int no_passphrase(char*, int, int, void*) {
  return -1;
}

std::string to_pem(const std::vector<x509_ptr>& certs) {
  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!out)
    return {};
  for (auto& cert : certs)
    PEM_write_bio_X509(out.get(), cert.get());
  char* data = nullptr;
  auto n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string{};
}

std::string check_name(X509* cert, const std::string& name) {
  auto names = certificate_names(cert);
  std::string list;
  for (auto& x : names) {
    if (x == name)
      return {};
    list += (list.empty() ? "'" : ", '") + x + "'";
  }
  return "the certificate is for " + (list.empty() ? "no name" : list)
         + ", not for '" + name + "'";
}

std::string check_chain(X509_STORE* store, X509* leaf,
                        STACK_OF(X509) * untrusted) {
  for (auto purpose : {X509_PURPOSE_SSL_CLIENT, X509_PURPOSE_SSL_SERVER}) {
    store_ctx_ptr ctx{X509_STORE_CTX_new()};
    if (!ctx || X509_STORE_CTX_init(ctx.get(), store, leaf, untrusted) != 1)
      return openssl_error();
    X509_STORE_CTX_set_purpose(ctx.get(), purpose);
    if (X509_verify_cert(ctx.get()) != 1) {
      auto code = X509_STORE_CTX_get_error(ctx.get());
      ERR_clear_error();
      std::string why = X509_verify_cert_error_string(code);
      if (code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
          || code == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
          || code == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
          || code == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT)
        return "not signed by the cluster CA (" + why + ")";
      if (code == X509_V_ERR_INVALID_PURPOSE)
        return why + " (a node certificate must allow TLS client and "
                     "server use: extendedKeyUsage serverAuth, clientAuth)";
      return why;
    }
  }
  return {};
}

chain_ptr untrusted_of(const std::vector<x509_ptr>& certs) {
  chain_ptr chain{sk_X509_new_null()};
  if (!chain)
    return chain;
  for (size_t i = 1; i < certs.size(); ++i)
    sk_X509_push(chain.get(), certs[i].get());
  return chain;
}

const EVP_MD* digest_for(const EVP_PKEY* key) {
  auto id = EVP_PKEY_get_base_id(key);
  // Ed25519 and Ed448 sign the message itself.
  return id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448 ? nullptr
                                                         : EVP_sha256();
}

std::string key_to_pem(EVP_PKEY* key) {
  bio_ptr out{BIO_new(BIO_s_mem())};
  if (!out
      || PEM_write_bio_PrivateKey(out.get(), key, nullptr, nullptr, 0,
                                  nullptr, nullptr)
           != 1)
    return {};
  char* data = nullptr;
  auto n = BIO_get_mem_data(out.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string{};
}

} // namespace sockd::cluster::x509
