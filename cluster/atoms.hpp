// Atoms of the cluster's own actors (CAF 0.17: at most 10 chars).
#pragma once

#include <caf/atom.hpp>

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
