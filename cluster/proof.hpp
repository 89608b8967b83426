// The proof of a node's name that a hello and its answer carry in a TLS
// cluster (docs/security.md): the sender's certificate and its key's
// signature over a statement that names a nonce the receiver issued
// (`challenge`, single use) and who the sender is. CAF's OpenSSL module
// never tells the application which certificate a connection presented,
// so the name is bound to a certificate here. Without TLS every proof is
// empty and every check passes.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_clock.hpp>
#include <caf/meta/type_name.hpp>

#include "cluster/tls.hpp"

namespace sockd::cluster {

/// What a hello and its answer prove (all empty without TLS).
struct credentials {
  std::string certificate; // the sender's certificate (and chain), PEM
  std::string nonce;       // the receiver's challenge this answers
  std::string signature;   // by the certificate's key, of the statement
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, credentials& x) {
  return f(caf::meta::type_name("sockd.cluster.credentials"), x.certificate,
           x.nonce, x.signature);
}

/// What a hello's proof signs: the receiver's nonce and who the sender is
/// (its name, advertised address and gateway).
std::string hello_statement(const std::string& nonce, const std::string& name,
                            const std::string& address, const caf::actor& gw);

/// What the answer to a hello signs: the caller's nonce and who answers.
std::string answer_statement(const std::string& nonce,
                             const std::string& name, const caf::actor& gw);

/// This node's proof for `statement`, answering `nonce` (empty without
/// an identity).
credentials prove(const tls_identity_ptr& identity, const std::string& nonce,
                  const std::string& statement);

/// Empty when `proof` shows that `name` holds a certificate of the cluster
/// CA and signed `statement`, else why not (always empty without an
/// identity).
std::string check_proof(const tls_identity_ptr& identity,
                        const credentials& proof, const std::string& name,
                        const std::string& statement);

/// The challenges a node issued: each answers at most one hello, within
/// `ttl` of its issue; at most `max_nonces` are outstanding (the oldest go
/// first).
class nonce_book {
public:
  using time_point = caf::actor_clock::time_point;

  static constexpr size_t max_nonces = 256;

  /// A fresh random nonce, remembered from `now`.
  std::string issue(time_point now, caf::timespan ttl);

  /// True once for a nonce issued no more than `ttl` before `now`.
  bool consume(const std::string& nonce, time_point now, caf::timespan ttl);

private:
  std::deque<std::pair<std::string, time_point>> issued_;
};

} // namespace sockd::cluster
