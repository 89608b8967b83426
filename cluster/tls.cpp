#include "cluster/tls.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace sockd::cluster {

namespace {

// A hello's certificate (and chain) is small; refuse to parse more.
constexpr size_t max_certificate_bytes = 64 * 1024;

struct free_bio {
  void operator()(BIO* x) const { BIO_free(x); }
};
struct free_x509 {
  void operator()(X509* x) const { X509_free(x); }
};
struct free_chain {
  void operator()(STACK_OF(X509) * x) const { sk_X509_free(x); }
};
struct free_store_ctx {
  void operator()(X509_STORE_CTX* x) const { X509_STORE_CTX_free(x); }
};
struct free_md_ctx {
  void operator()(EVP_MD_CTX* x) const { EVP_MD_CTX_free(x); }
};

using bio_ptr = std::unique_ptr<BIO, free_bio>;
using x509_ptr = std::unique_ptr<X509, free_x509>;
using chain_ptr = std::unique_ptr<STACK_OF(X509), free_chain>;
using store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, free_store_ctx>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, free_md_ctx>;

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

bool read_file(const std::string& path, std::string& text,
               std::string& why) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    why = std::strerror(errno);
    return false;
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    why = "read error";
    return false;
  }
  text = out.str();
  return true;
}

bio_ptr memory_bio(const std::string& text) {
  return bio_ptr{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
}

// Every certificate in `pem`, in order (other PEM blocks are skipped).
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

// Never asks for a passphrase (OpenSSL's default would read the terminal).
int no_passphrase(char*, int, int, void*) {
  return -1;
}

// The certificate and its chain, re-encoded: a combined PEM file may hold
// the private key too, which must never travel in a hello.
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

// Empty when `cert` is valid for `name`, else what it is valid for.
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

// Empty when `leaf` (with `untrusted` intermediates) chains to a CA of
// `store` for use both as a TLS client and a TLS server, as CAF's TLS
// handshake will check it: every node is both.
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

// An anonymous in-memory file holding `text`; -1 with `why` on failure.
int memory_file(const char* name, const std::string& text, std::string& why) {
  auto fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return -1;
  }
  size_t done = 0;
  while (done < text.size()) {
    auto n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      why = std::strerror(errno);
      close(fd);
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  return fd;
}

std::string quoted(const std::string& path) {
  return "'" + path + "'";
}

} // namespace

tls_identity::~tls_identity() {
  EVP_PKEY_free(key_);
  X509_STORE_free(store_);
  for (auto fd : fds_)
    if (fd >= 0)
      close(fd);
}

std::shared_ptr<const tls_identity>
tls_identity::load(const std::string& cert_file, const std::string& key_file,
                   const std::string& ca_file, const std::string& node_name,
                   std::string& error) {
  std::string texts[3];
  const std::pair<const char*, const std::string*> files[] = {
    {"cluster_tls_cert", &cert_file},
    {"cluster_tls_key", &key_file},
    {"cluster_tls_ca", &ca_file}};
  for (int i = 0; i < 3; ++i) {
    std::string why;
    if (!read_file(*files[i].second, texts[i], why)) {
      error = std::string{files[i].first} + ": cannot read "
              + quoted(*files[i].second) + ": " + why;
      return nullptr;
    }
  }
  auto checked = from_pem_labelled(texts[0], texts[1], texts[2], node_name,
                                   "cluster_tls_cert " + quoted(cert_file),
                                   "cluster_tls_key " + quoted(key_file),
                                   "cluster_tls_ca " + quoted(ca_file),
                                   error);
  if (!checked)
    return nullptr;
  auto id = std::const_pointer_cast<tls_identity>(checked);
  const std::string* copies[] = {&id->cert_pem_, &id->key_pem_,
                                 &id->ca_pem_};
  for (int i = 0; i < 3; ++i) {
    std::string why;
    id->fds_[i] = memory_file(files[i].first, *copies[i], why);
    if (id->fds_[i] < 0) {
      error = std::string{files[i].first}
              + ": cannot keep a private copy in memory: " + why;
      return nullptr;
    }
    id->files_[i] = "/proc/self/fd/" + std::to_string(id->fds_[i]);
  }
  return id;
}

std::shared_ptr<const tls_identity>
tls_identity::from_pem(const std::string& cert_pem, const std::string& key_pem,
                       const std::string& ca_pem, const std::string& node_name,
                       std::string& error) {
  return from_pem_labelled(cert_pem, key_pem, ca_pem, node_name,
                           "cluster_tls_cert", "cluster_tls_key",
                           "cluster_tls_ca", error);
}

std::shared_ptr<const tls_identity> tls_identity::from_pem_labelled(
  const std::string& cert_pem, const std::string& key_pem,
  const std::string& ca_pem, const std::string& node_name,
  const std::string& cert_label, const std::string& key_label,
  const std::string& ca_label, std::string& error) {
  std::shared_ptr<tls_identity> id{new tls_identity};
  auto certs = read_certificates(cert_pem);
  if (certs.empty()) {
    error = cert_label + ": no PEM certificate in it";
    return nullptr;
  }
  auto cas = read_certificates(ca_pem);
  if (cas.empty()) {
    error = ca_label + ": no PEM certificate in it";
    return nullptr;
  }
  id->store_ = X509_STORE_new();
  if (!id->store_) {
    error = ca_label + ": " + openssl_error();
    return nullptr;
  }
  for (auto& ca : cas)
    if (X509_STORE_add_cert(id->store_, ca.get()) != 1) {
      error = ca_label + ": " + openssl_error();
      return nullptr;
    }
  auto key_bio = memory_bio(key_pem);
  id->key_ = key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr,
                                               no_passphrase, nullptr)
                     : nullptr;
  if (!id->key_) {
    error = key_label
            + ": not a PEM private key, or an encrypted one (sockd "
              "cannot use a passphrase): "
            + openssl_error();
    return nullptr;
  }
  if (X509_check_private_key(certs[0].get(), id->key_) != 1) {
    ERR_clear_error();
    error = key_label + ": does not match the certificate in " + cert_label;
    return nullptr;
  }
  auto untrusted = untrusted_of(certs);
  auto why = check_chain(id->store_, certs[0].get(), untrusted.get());
  if (!why.empty()) {
    error = cert_label + ": " + why + ", checked against " + ca_label;
    return nullptr;
  }
  why = check_name(certs[0].get(), node_name);
  if (!why.empty()) {
    error = cert_label + ": " + why
            + " (node_name must equal a DNS subjectAltName of the "
              "certificate, or its CN when it has none)";
    return nullptr;
  }
  id->cert_pem_ = to_pem(certs);
  id->key_pem_ = key_to_pem(id->key_);
  id->ca_pem_ = to_pem(cas);
  if (id->sign("test").empty()) {
    error = key_label + ": cannot sign with it: " + openssl_error();
    return nullptr;
  }
  return id;
}

std::string tls_identity::sign(const std::string& data) const {
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  size_t n = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx
      || EVP_DigestSignInit(ctx.get(), nullptr, digest_for(key_), nullptr,
                            key_)
           != 1
      || EVP_DigestSign(ctx.get(), nullptr, &n, in, data.size()) != 1) {
    ERR_clear_error();
    return {};
  }
  std::string result(n, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&result[0]),
                     &n, in, data.size())
      != 1) {
    ERR_clear_error();
    return {};
  }
  result.resize(n);
  return result;
}

std::string tls_identity::verify(const std::string& cert_pem,
                                 const std::string& name,
                                 const std::string& data,
                                 const std::string& signature) const {
  if (cert_pem.size() > max_certificate_bytes)
    return "certificate too large";
  auto certs = read_certificates(cert_pem);
  if (certs.empty())
    return "no certificate";
  auto untrusted = untrusted_of(certs);
  auto why = check_chain(store_, certs[0].get(), untrusted.get());
  if (!why.empty())
    return "certificate " + why;
  why = check_name(certs[0].get(), name);
  if (!why.empty())
    return why;
  auto key = X509_get0_pubkey(certs[0].get());
  md_ctx_ptr ctx{EVP_MD_CTX_new()};
  auto ok = key && ctx
            && EVP_DigestVerifyInit(ctx.get(), nullptr, digest_for(key),
                                    nullptr, key)
                 == 1
            && EVP_DigestVerify(
                 ctx.get(),
                 reinterpret_cast<const unsigned char*>(signature.data()),
                 signature.size(),
                 reinterpret_cast<const unsigned char*>(data.data()),
                 data.size())
                 == 1;
  ERR_clear_error();
  return ok ? std::string{} : "bad signature";
}

} // namespace sockd::cluster
