// The listen port's TLS settings: the current ssl::context, built from the
// tls_cert and tls_key files, and swapped whole on reload (SIGHUP). Every
// accepted socket takes the context current at accept; an SSL object holds
// a reference on its SSL_CTX, so streams opened before a reload keep the old
// chain while new handshakes get the new one, and nothing is dropped.
//
// The context: TLS 1.2 and 1.3 only; for 1.2 ECDHE key exchange with AEAD
// ciphers only (Mozilla's "intermediate" list without DHE); no
// renegotiation, no compression; ALPN `http/1.1` (a client offering only
// other protocols is served without ALPN).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "net/tls_stream.hpp"

namespace sockd::net {

class listen_tls {
public:
  using context_ptr = std::shared_ptr<ssl::context>;

  /// Builds a context from the PEM files; null with `error` naming the
  /// option (tls_cert or tls_key) and the file on failure. Key material
  /// never appears in the error.
  static context_ptr load(const std::string& cert_file,
                          const std::string& key_file, std::string& error);

  listen_tls(std::string cert_file, std::string key_file, context_ptr ctx);

  /// The context for the next handshake; thread-safe.
  context_ptr current() const;

  /// Loads the files again and swaps the context in; on failure keeps the
  /// current one and returns false with `error` set. Thread-safe.
  bool reload(std::string& error);

private:
  std::string cert_file_;
  std::string key_file_;
  mutable std::mutex mtx_;
  context_ptr ctx_;
};

} // namespace sockd::net
