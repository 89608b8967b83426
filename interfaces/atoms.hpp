// Every atom sockd's actors speak, in one place (CAF 0.17: at most 10
// chars), grouped by the actor that receives them.
#pragma once

#include <caf/atom.hpp>

namespace sockd {

// ticket registry
using issue_atom = caf::atom_constant<caf::atom("issue")>;
using redeem_atom = caf::atom_constant<caf::atom("redeem")>;
// admission (per-node connection caps)
using admit_atom = caf::atom_constant<caf::atom("admit")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
// admission as the node's socket registry (backend API, interfaces/admin.hpp)
using enroll_atom = caf::atom_constant<caf::atom("enroll")>;
using disconnect_atom = caf::atom_constant<caf::atom("disconnect")>;
using census_atom = caf::atom_constant<caf::atom("census")>;
// connection
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using alive_atom = caf::atom_constant<caf::atom("alive")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
// a connection to itself: the login token behind the socket expired
using expire_atom = caf::atom_constant<caf::atom("expire")>;
// keepalive
using watch_atom = caf::atom_constant<caf::atom("watch")>;
using unwatch_atom = caf::atom_constant<caf::atom("unwatch")>;
// topics and the directory
using join_atom = caf::atom_constant<caf::atom("join")>;
using leave_atom = caf::atom_constant<caf::atom("leave")>;
using publish_atom = caf::atom_constant<caf::atom("publish")>;
using post_atom = caf::atom_constant<caf::atom("post")>;
using members_atom = caf::atom_constant<caf::atom("members")>;
using history_atom = caf::atom_constant<caf::atom("history")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
// the directory: a live topic, never spawned (backend API)
using find_atom = caf::atom_constant<caf::atom("find")>;
// a topic: its members on every node (backend API)
using presence_atom = caf::atom_constant<caf::atom("presence")>;
// a topic to itself: start the socket writes its broadcasts queued
using flush_sockets_atom = caf::atom_constant<caf::atom("flushsock")>;
// a relay's owner topic (interfaces/topic.hpp)
using detach_atom = caf::atom_constant<caf::atom("detach")>;
// a relay, from its owner topic (interfaces/topic.hpp)
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
using hangup_atom = caf::atom_constant<caf::atom("hangup")>;
using roster_atom = caf::atom_constant<caf::atom("roster")>;
// database
using allow_atom = caf::atom_constant<caf::atom("allow")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using opened_atom = caf::atom_constant<caf::atom("opened")>;
using store_atom = caf::atom_constant<caf::atom("store")>;
using writers_atom = caf::atom_constant<caf::atom("writers")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using positions_atom = caf::atom_constant<caf::atom("positions")>;
// a database worker to itself: write the queued stores in one transaction
using commit_batch_atom = caf::atom_constant<caf::atom("commitbat")>;
// the node table (db/nodes.hpp) -> membership: the live nodes
using nodes_atom = caf::atom_constant<caf::atom("nodes")>;
// access (interfaces/access.hpp): memberships re-checked against allowances
using enlist_atom = caf::atom_constant<caf::atom("enlist")>;
using delist_atom = caf::atom_constant<caf::atom("delist")>;
using recheck_atom = caf::atom_constant<caf::atom("recheck")>;
using slice_atom = caf::atom_constant<caf::atom("slice")>;
// access -> connection: leave a topic (revoked or unsubscribed by the API)
using revoke_atom = caf::atom_constant<caf::atom("revoke")>;
// the allowance listener (db/access_listener.hpp): NOTIFY every node; poll
using notify_atom = caf::atom_constant<caf::atom("notify")>;
using listen_atom = caf::atom_constant<caf::atom("listen")>;

} // namespace sockd

namespace sockd::cluster {

// gateway: a node introduces itself to another
using hello_atom = caf::atom_constant<caf::atom("hello")>;
// gateway: a fresh nonce for the hello that follows
using challenge_atom = caf::atom_constant<caf::atom("challenge")>;
// gateway -> membership: did this node complete a hello
using verified_atom = caf::atom_constant<caf::atom("verified")>;
// membership -> directory, tickets: the live nodes changed
using view_atom = caf::atom_constant<caf::atom("view")>;
// membership: which nodes are live (tests, logs)
using live_atom = caf::atom_constant<caf::atom("live")>;
// membership: its own gateway, once, before it connects anywhere
using gateway_atom = caf::atom_constant<caf::atom("gateway")>;
// relay -> directory: where is my topic's owner
using owner_atom = caf::atom_constant<caf::atom("owner")>;
// directory -> relay: your topic's owner moved
using rehome_atom = caf::atom_constant<caf::atom("rehome")>;

} // namespace sockd::cluster
