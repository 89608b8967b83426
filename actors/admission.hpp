// Admission: the node's connection caps (max_connections and
// max_connections_per_user). net/ asks before completing an upgrade and
// releases the slot when the socket closes. It is also the node's registry
// of open sockets by user, for the backend API: net/ enrolls each
// connection once it runs (one message per connection, none per frame);
// the entry goes with the slot's release (no monitor, no index by actor:
// memory per idle connection, docs/performance.md).
//
//   admit(sub)   -> true | errc::server_full | errc::too_many_connections
//   release(sub)                        a slot that was never enrolled
//   release(sub, key)                   the slot of the socket enrolled
//                                       with key (enrollment_key(out))
//   enroll(member)                      a connection of `member.sub` runs
//   disconnect(sub, code, reason) -> n  closes every enrolled socket of
//                                       `sub`; n: how many
//   census       -> open sockets (admitted slots)
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

namespace sockd {

using admission_actor = caf::typed_actor<
  caf::replies_to<admit_atom, std::string>::with<bool>,
  caf::reacts_to<release_atom, std::string>,
  caf::reacts_to<release_atom, std::string, uint64_t>,
  caf::reacts_to<enroll_atom, member>,
  caf::replies_to<disconnect_atom, std::string, uint16_t,
                  std::string>::with<uint64_t>,
  caf::replies_to<census_atom>::with<int64_t>>;

/// What release(sub, key) names an enrolled socket by: its outbound's
/// address, unique while the socket lives.
inline uint64_t enrollment_key(const outbound_ptr& out) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(out.get()));
}

admission_actor spawn_admission(caf::actor_system& sys,
                                int64_t max_connections,
                                int max_connections_per_user);

} // namespace sockd
