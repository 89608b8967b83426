// Admission: the node's connection caps (max_connections and
// max_connections_per_user). net/ asks before completing an upgrade and
// releases the slot when the socket closes.
//
//   admit(sub)   -> true | errc::server_full | errc::too_many_connections
//   release(sub)
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

using admission_actor = caf::typed_actor<
  caf::replies_to<admit_atom, std::string>::with<bool>,
  caf::reacts_to<release_atom, std::string>>;

admission_actor spawn_admission(caf::actor_system& sys,
                                int64_t max_connections,
                                int max_connections_per_user);

} // namespace sockd
