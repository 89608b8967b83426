#include "cluster/proof.hpp"

#include "auth/random.hpp"

namespace sockd::cluster {

namespace {

// A gateway as both sides of a connection name it: node id and actor id.
std::string gateway_id(const caf::actor& gw) {
  return caf::to_string(gw.node()) + "/" + std::to_string(gw.id());
}

} // namespace

std::string hello_statement(const std::string& nonce, const std::string& name,
                            const std::string& address,
                            const caf::actor& gw) {
  return "sockd cluster hello v1\n" + nonce + "\n" + name + "\n" + address
         + "\n" + gateway_id(gw);
}

std::string answer_statement(const std::string& nonce,
                             const std::string& name, const caf::actor& gw) {
  return "sockd cluster answer v1\n" + nonce + "\n" + name + "\n"
         + gateway_id(gw);
}

credentials prove(const tls_identity_ptr& identity, const std::string& nonce,
                  const std::string& statement) {
  credentials result;
  if (identity) {
    result.certificate = identity->certificate();
    result.nonce = nonce;
    result.signature = identity->sign(statement);
  }
  return result;
}

std::string check_proof(const tls_identity_ptr& identity,
                        const credentials& proof, const std::string& name,
                        const std::string& statement) {
  if (!identity)
    return {};
  return identity->verify(proof.certificate, name, statement,
                          proof.signature);
}

std::string nonce_book::issue(time_point now, caf::timespan ttl) {
  while (!issued_.empty()
         && (issued_.size() >= max_nonces
             || now - issued_.front().second > ttl))
    issued_.pop_front();
  auto nonce = random_hex(16);
  issued_.emplace_back(nonce, now);
  return nonce;
}

bool nonce_book::consume(const std::string& nonce, time_point now,
                         caf::timespan ttl) {
  for (auto i = issued_.begin(); i != issued_.end(); ++i) {
    if (i->first != nonce)
      continue;
    auto fresh = now - i->second <= ttl;
    issued_.erase(i);
    return fresh;
  }
  return false;
}

} // namespace sockd::cluster
