// Membership: which nodes are in the cluster right now.
//
// Two trusted sources, no gossip of our own:
//   - the shared PostgreSQL's node table (db/nodes.hpp) says which nodes
//     exist and where they listen; `cluster_seeds` add addresses directly;
//   - CAF's distribution layer says which of them this node is connected
//     to: the membership connects (`remote_actor`, via the middleman
//     actor, or CAF's OpenSSL one in a TLS cluster) to every address it
//     learns, introduces itself with `challenge` + `hello`, and monitors
//     the peer's gateway. When the connection to a node breaks (kill -9
//     closes its sockets at once) CAF kills the gateway's proxy and the
//     monitor fires: the node is gone within a round trip.
//
// Who may be a peer (docs/security.md):
//   - in a TLS cluster (`identity` set) a hello proves its name: it carries
//     the node's certificate and its key's signature over a nonce the
//     receiver issued (`challenge`, single use) and over the node's name,
//     address and gateway; the answer proves the receiver's name the same
//     way over a nonce of the caller. A certificate must chain to the
//     cluster CA and name the node (cluster/tls.hpp);
//   - a hello never replaces the gateway of a connected, live node of the
//     same name; the name is free again once that node's connection drops
//     or it stops being live (a hung process);
//   - only nodes that completed a hello (either way) are `verified`: the
//     gateway serves lookups and ticket redemptions to them alone.
//
// A node is live when it is this node, or connected and either fresh
// (connected less than `grace` ago) or in the table's latest live list
// (a hung process keeps its socket but stops its heartbeat). A table report
// older than `table_stale` is ignored: with the database down the view
// rests on the connections alone.
//
//   gateway(actor, address)  once, before anything else: this node's
//                            gateway and advertised host:port
//   challenge -> nonce       a fresh single-use nonce (forwarded by the
//                            gateway)
//   hello(name, address, gateway, proof, nonce) -> (name, proof)
//                            a node introduces itself (forwarded by the
//                            gateway); `nonce` is the caller's challenge
//                            for the answer's proof
//   verified(node) -> bool   this node or a node that completed a hello
//   nodes(rows)              the node table's live rows
//   live -> names            the live nodes now
//   tick                     connect to addresses not connected yet
//
// Each change of the live set goes to every listener as view(view).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/node_id.hpp>
#include <caf/typed_actor.hpp>

#include "cluster/address.hpp"
#include "cluster/proof.hpp"
#include "cluster/tls.hpp"
#include "cluster/view.hpp"
#include "db/nodes.hpp"
#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

namespace sockd::cluster {

/// Whoever wants to hear about view changes.
using view_listener = caf::typed_actor<caf::reacts_to<view_atom, view>>;

using membership_actor = caf::typed_actor<
  caf::reacts_to<gateway_atom, caf::actor, std::string>,
  caf::replies_to<challenge_atom>::with<std::string>,
  caf::replies_to<hello_atom, std::string, std::string, caf::actor,
                  credentials, std::string>::with<std::string, credentials>,
  caf::replies_to<verified_atom, caf::node_id>::with<bool>,
  caf::reacts_to<nodes_atom, node_rows>,
  caf::replies_to<live_atom>::with<string_list>,
  caf::reacts_to<tick_atom>>;

struct membership_config {
  std::string name;                // this node
  std::vector<std::string> seeds;  // host:port of nodes to join directly
  std::vector<view_listener> listeners; // get view(view) on every change
  tls_identity_ptr identity;       // set in a TLS cluster
  caf::io::middleman_actor connector; // connects; default: the middleman's
  caf::timespan tick = std::chrono::seconds(1);
  caf::timespan connect_timeout = std::chrono::seconds(5);
  caf::timespan grace = std::chrono::seconds(3);
  caf::timespan table_stale = std::chrono::seconds(5);
};

membership_actor spawn_membership(caf::actor_system& sys,
                                  membership_config cfg);

} // namespace sockd::cluster
