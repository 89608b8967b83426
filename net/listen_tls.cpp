#include "net/listen_tls.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace sockd::net {

namespace {

// TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only, ECDSA and RSA
// certificates both served (Mozilla "intermediate", DHE left out). TLS 1.3
// keeps OpenSSL's default suites, which are all AEAD.
constexpr const char* tls12_ciphers =
  "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
  "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
  "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// ALPN wire format: length-prefixed protocol names.
constexpr unsigned char alpn_protocols[] = {8, 'h', 't', 't', 'p',
                                            '/', '1', '.', '1'};

int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen,
                const unsigned char* in, unsigned int inlen, void*) {
  unsigned char* chosen = nullptr;
  if (SSL_select_next_proto(&chosen, outlen, alpn_protocols,
                            sizeof(alpn_protocols), in, inlen)
      != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK; // serve without ALPN rather than refuse
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

// An encrypted key would make OpenSSL prompt on the terminal: refuse it.
int no_passphrase(char*, int, int, void*) {
  return 0;
}

bool read_all(const std::string& path, std::string& text, std::string& why) {
  auto* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    why = std::strerror(errno);
    return false;
  }
  char chunk[4096];
  size_t n = 0;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0)
    text.append(chunk, n);
  auto failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed)
    why = "read error";
  return !failed;
}

void configure(SSL_CTX* ctx) {
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_cipher_list(ctx, tls12_ciphers);
  // An idle socket gives its record buffers back (18,000 idle sockets).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
}

enum class key_result { ok, unreadable, mismatch };

key_result use_key(SSL_CTX* ctx, const std::string& pem) {
  auto* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (!bio)
    return key_result::unreadable;
  auto* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
  BIO_free(bio);
  if (!key)
    return key_result::unreadable;
  // Refused when it does not belong to the certificate loaded before.
  auto ok = SSL_CTX_use_PrivateKey(ctx, key) == 1
            && SSL_CTX_check_private_key(ctx) == 1;
  EVP_PKEY_free(key);
  return ok ? key_result::ok : key_result::mismatch;
}

} // namespace

listen_tls::context_ptr listen_tls::load(const std::string& cert_file,
                                         const std::string& key_file,
                                         std::string& error) {
  std::string cert;
  std::string key;
  std::string why;
  if (!read_all(cert_file, cert, why)) {
    error = "tls_cert: cannot read " + cert_file + ": " + why;
    return nullptr;
  }
  if (!read_all(key_file, key, why)) {
    error = "tls_key: cannot read " + key_file + ": " + why;
    return nullptr;
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  auto* native = ctx->native_handle();
  configure(native);
  boost::system::error_code ec;
  ctx->use_certificate_chain(asio::buffer(cert), ec);
  if (ec) {
    error = "tls_cert: " + cert_file
            + " holds no PEM certificate chain (" + ec.message() + ")";
    return nullptr;
  }
  auto result = use_key(native, key);
  // Neither the key nor what OpenSSL says about it is kept or logged.
  OPENSSL_cleanse(key.data(), key.size());
  ERR_clear_error();
  if (result == key_result::unreadable) {
    error = "tls_key: " + key_file
            + " holds no unencrypted PEM private key";
    return nullptr;
  }
  if (result == key_result::mismatch) {
    error = "tls_key: " + key_file + " does not match the certificate of "
            "tls_cert " + cert_file;
    return nullptr;
  }
  return ctx;
}

listen_tls::listen_tls(std::string cert_file, std::string key_file,
                       context_ptr ctx)
  : cert_file_(std::move(cert_file)),
    key_file_(std::move(key_file)),
    ctx_(std::move(ctx)) {
  // nop
}

listen_tls::context_ptr listen_tls::current() const {
  std::lock_guard<std::mutex> guard{mtx_};
  return ctx_;
}

bool listen_tls::reload(std::string& error) {
  // Read and parse outside the lock: accepts go on meanwhile.
  auto ctx = load(cert_file_, key_file_, error);
  if (!ctx)
    return false;
  std::lock_guard<std::mutex> guard{mtx_};
  ctx_ = std::move(ctx);
  return true;
}

} // namespace sockd::net
