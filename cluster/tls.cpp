#include "cluster/tls.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cluster/x509.hpp"

namespace sockd::cluster {

using namespace x509;

namespace {

// A hello's certificate (and chain) is small; refuse to parse more.
constexpr size_t max_certificate_bytes = 64 * 1024;

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
