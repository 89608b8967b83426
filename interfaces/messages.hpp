// Message types that actors exchange, besides atoms and plain strings.
// register_message_types() announces them to CAF's type system.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor_addr.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/meta/type_name.hpp>

#include "interfaces/outbound.hpp"

namespace sockd {

/// What a SUBSCRIBE with `recover` or `since` asked for (docs/protocol.md,
/// "Recovery after reconnect"): positioned relays, and with `since` the
/// relays after that position first.
struct recovery_request {
  bool has_since = false;
  std::string epoch;   // since.epoch
  int64_t offset = 0;  // since.offset
};

/// A connection joining a topic. `out` is the socket's outbound handle, so
/// that a broadcast goes to the socket without another actor hop.
struct member {
  std::string cid;      // connection id
  std::string sub;      // user id
  caf::actor_addr conn; // the connection actor, monitored by the topic
  outbound_ptr out;
  /// Null for a plain membership (frames exactly as before positions
  /// existed); shared, so a plain member pays one null pointer.
  std::shared_ptr<const recovery_request> recovery{};
};

/// A client's message for a topic's members, as the connection actor
/// checked it (a relay frame of docs/protocol.md).
struct publication {
  std::string action;   // the action as JSON text: `12` or `"normal-message"`
  std::string payload;  // the payload as JSON text; empty when absent
  std::string target;   // the payload's string `target`; empty when none
  bool store = false;
  std::string sender;   // connection id, stamped by the connection actor
  std::string sub;      // the sender's user id
  std::string id{};     // the client's `id` of a stored relay; empty when none
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, publication& x) {
  return f(caf::meta::type_name("sockd.publication"), x.action, x.payload, x.target,
           x.store, x.sender, x.sub, x.id);
}

/// The `sender` of a publication made through the backend API
/// (POST /api/publish): never a connection id (those are UUIDs), so a
/// topic knows it needs no membership.
inline constexpr const char* server_sender = "server";

/// A message to keep in topic_messages.
struct stored_message {
  std::string topic;
  std::string sub;
  std::string cid;
  std::string frame;    // the broadcast frame, with historical:true
  std::string timestamp; // the frame's timestamp (ISO-8601)
  /// The client's `id`: at most one row per (cid, topic, client_id), so a
  /// retry of a stored message is not stored twice. Empty when none.
  std::string client_id{};
  /// The position the topic broadcasts it at (docs/protocol.md, "Recovery
  /// after reconnect"), so that a later owner can replay it; offset 0: none.
  std::string epoch{};
  int64_t offset = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stored_message& x) {
  return f(caf::meta::type_name("sockd.stored_message"), x.topic, x.sub, x.cid,
           x.frame, x.timestamp, x.client_id, x.epoch, x.offset);
}

/// A stored row with the offset it was broadcast at, as a new owner reads
/// its predecessor's epoch back (db/topic_messages.hpp, load_positioned).
struct positioned_row {
  int64_t offset = 0;
  std::string frame; // the stored frame (historical:true), as stored
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, positioned_row& x) {
  return f(caf::meta::type_name("sockd.positioned_row"), x.offset, x.frame);
}

using positioned_rows = std::vector<positioned_row>;

/// A participant of a topic as the database knows it: the connections the
/// user stored messages from (no repeats, in order of first appearance) and
/// the name and role of the participant-details query (empty without one).
struct writer {
  std::string sub;
  std::vector<std::string> cids;
  std::string name;
  std::string role;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, writer& x) {
  return f(caf::meta::type_name("sockd.writer"), x.sub, x.cids, x.name,
           x.role);
}

using writer_list = std::vector<writer>;

/// A member as it crosses nodes: no socket handle, the relay that sent it
/// holds that. `node` is the relay's node name. `positioned`: the member's
/// SUBSCRIBE asked for positions (`recover` or `since`), `want` its `since`
/// (docs/protocol.md, "Recovery after reconnect"); the owner answers such
/// a join through the relay with the positioned ack and any replay.
struct remote_member {
  std::string cid;
  std::string sub;
  std::string node;
  bool positioned = false;
  recovery_request want{};
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_member& x) {
  return f(caf::meta::type_name("sockd.remote_member"), x.cid, x.sub,
           x.node, x.positioned, x.want.has_since, x.want.epoch,
           x.want.offset);
}

using remote_member_list = std::vector<remote_member>;

/// One node as GET /api/info shows it.
struct node_census {
  std::string name;
  bool live = false;        // false: it did not answer in time
  int64_t connections = 0;  // open sockets
  int64_t topics = 0;       // live topics owned by the node
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_census& x) {
  return f(caf::meta::type_name("sockd.node_census"), x.name, x.live,
           x.connections, x.topics);
}

using node_census_list = std::vector<node_census>;
using frame_list = std::vector<std::string>;
using string_list = std::vector<std::string>;

/// Announces sockd's message types; call on every actor_system_config.
void register_message_types(caf::actor_system_config& cfg);

} // namespace sockd

// A member holds a socket handle: it never leaves its node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sockd::member)
