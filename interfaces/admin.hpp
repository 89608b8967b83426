// What the backend API (net/admin_api.cpp) asks of the node it runs on: one
// actor that answers for the whole cluster (cluster/admin.hpp) or, on a
// single node, for this node alone (actors/admin.hpp). Each node also has
// a local one that its gateway hands other nodes' requests to.
//
//   disconnect(user, reason) -> closed   closes every socket of `user` with
//                                        disconnect_close_code; `closed`
//                                        counts the sockets open then
//   census                   -> nodes    connections and live topics, per
//                                        node
//   presence(topic)          -> members  every member of the live topic on
//                                        every node (`node` filled in)
//                             | not_found (no live topic) | bad_frame
//                             | forbidden (no such type) | unavailable
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"
#include "protocol/close_codes.hpp"

namespace sockd {

/// The WebSocket close code of POST /api/disconnect (docs/api.md).
constexpr uint16_t disconnect_close_code = protocol::close_code::disconnected;

/// A close reason is at most 123 bytes (RFC 6455, 5.5: a control frame's
/// payload is 125 bytes, two of which are the code).
constexpr size_t max_close_reason = 123;

using node_admin_actor = caf::typed_actor<
  caf::replies_to<disconnect_atom, std::string, std::string>::with<uint64_t>,
  caf::replies_to<census_atom>::with<node_census_list>,
  caf::replies_to<presence_atom, std::string>::with<remote_member_list>>;

} // namespace sockd
