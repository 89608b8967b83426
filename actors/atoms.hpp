// Every atom sockd's actors speak, in one place (CAF 0.17: at most 10 chars).
#pragma once

#include <caf/atom.hpp>

namespace sockd {

// ticket registry
using issue_atom = caf::atom_constant<caf::atom("issue")>;
using redeem_atom = caf::atom_constant<caf::atom("redeem")>;
// admission (per-node connection caps)
using admit_atom = caf::atom_constant<caf::atom("admit")>;
using release_atom = caf::atom_constant<caf::atom("release")>;
// connection
using frame_atom = caf::atom_constant<caf::atom("frame")>;
using alive_atom = caf::atom_constant<caf::atom("alive")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
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
// database
using allow_atom = caf::atom_constant<caf::atom("allow")>;
using ping_atom = caf::atom_constant<caf::atom("ping")>;
using opened_atom = caf::atom_constant<caf::atom("opened")>;
using store_atom = caf::atom_constant<caf::atom("store")>;
using writers_atom = caf::atom_constant<caf::atom("writers")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
// a database worker writes its queued stores; a topic starts the socket
// writes its broadcasts queued
using flush_atom = caf::atom_constant<caf::atom("flush")>;

} // namespace sockd
