// The access actor (interface interfaces/access.hpp): one per node. It
// keeps the node's live memberships (topic -> cid -> sub and connection)
// as the connections report them, and re-checks them against the topic
// type's allowance query:
//   - on a change of topic_allowances (the listener's notification): the
//     topics the changed pattern matches, the members of the changed user;
//   - after the listener (re)connected: everything;
//   - every `interval` (allowance_recheck_interval; zero: never), spread
//     over the period: each topic falls into one of interval/slice slices
//     and every `slice` one slice is re-checked;
//   - on the admin API's request (through the listener, so on every node).
// One allowance query per topic for all the members checked
// (database allow(type, subs, handle, topic)); a topic with a query out is
// checked again once it answers when asked meanwhile. A member whose user
// the query no longer allows gets revoke(topic, true) at its connection,
// which leaves the topic (the others get action 4) and sends the socket
// ERROR forbidden. A database error revokes nothing.
#pragma once

#include <chrono>
#include <string>

#include <caf/actor_system.hpp>

#include "interfaces/access.hpp"
#include "interfaces/database.hpp"

namespace sockd {

/// Longest allowance_recheck_interval accepted (a day).
constexpr int max_recheck_interval = 86400;

struct access_config {
  database_actor db;
  std::string schema; // notifications of other schemas are not ours
  caf::timespan interval = caf::timespan::zero(); // periodic re-check; 0 off
  caf::timespan slice = std::chrono::milliseconds(100);
  caf::timespan db_timeout = std::chrono::seconds(10);
};

access_actor spawn_access(caf::actor_system& sys, access_config cfg);

} // namespace sockd
