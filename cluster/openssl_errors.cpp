// A fix for CAF 0.17.6's OpenSSL module, which never empties OpenSSL's
// per-thread error queue (docs/cluster.md, "TLS and CAF 0.17.6").
//
// OpenSSL requires the calling thread's error queue to be empty before
// SSL_read/SSL_write/SSL_connect/SSL_accept, or SSL_get_error() misreports
// the outcome (SSL_get_error(3)). caf::openssl::session calls them on the
// middleman's one multiplexer thread and, when one fails, returns without
// draining the queue. So after one failed handshake (a process with no or
// a foreign certificate, or raw bytes on the cluster port), the next
// SSL_read of a healthy node connection that would block (WANT_READ) is
// reported as SSL_ERROR_SSL and CAF closes that connection: anyone who can
// reach the cluster port could disconnect the nodes from each other once a
// second.
//
// These definitions interpose the four calls for every library in the
// process (an executable's symbols come first in the dynamic linker's
// lookup) and clear the queue before calling OpenSSL's own, as OpenSSL
// asks of every caller. Nothing else in sockd calls them.
#include <dlfcn.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "cluster/tls.hpp"

namespace {

template <class F>
F next_definition(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  static auto real = next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static auto real =
    next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  ERR_clear_error();
  return real(ssl, buf, num);
}

int SSL_connect(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_connect");
  ERR_clear_error();
  return real(ssl);
}

int SSL_accept(SSL* ssl) {
  static auto real = next_definition<int (*)(SSL*)>("SSL_accept");
  ERR_clear_error();
  return real(ssl);
}

} // extern "C"

namespace sockd::cluster {

bool openssl_error_queue_fix() {
  return true;
}

} // namespace sockd::cluster
