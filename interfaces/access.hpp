// The access actor of a node (actors/access.hpp spawns it): it knows every
// live membership of the node's connections and re-checks them against the
// allowance queries when access changes (docs/security.md, "Revocation").
//
// connection -> access
//   enlist(topic, cid, sub)   joined (the sender is the connection actor)
//   delist(topic, cid)        left, or the connection stops (it delists
//                             every topic it holds; not monitored)
// allowance listener (db/access_listener.hpp) -> access
//   recheck(payload)          a NOTIFY on the channel `sockd_access`: JSON
//                             {"schema","user","pattern"} (a topic_allowances
//                             row changed), {"schema","all":true} (TRUNCATE),
//                             {"schema","kind":"recheck","user"?,"topic"?}
//                             or {"schema","kind":"unsubscribe","user","topic"}
//                             (the admin API)
//   recheck                   every membership (after the listener
//                             (re)connected: notifications may have been
//                             missed)
// anyone -> access
//   recheck(user, topic) -> int32_t   this node's memberships matching
//                             (empty: any) re-checked now; the answer is how
//                             many were rechecked (before the query answers)
//   leave(user, topic) -> (removed, members)  the admin API's unsubscribe
//                             on this node: the user's connections leave the
//                             topic (they get the unsubscribe ack); answers
//                             how many left and how many members of the
//                             topic this node had before
//   slice                     internal: the next slice of the periodic
//                             re-check
// access -> connection (actors/connection.hpp)
//   revoke(topic, forbidden)  leave the topic; the socket gets ERROR
//                             forbidden (true) or the unsubscribe ack
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"

namespace sockd {

using access_actor = caf::typed_actor<
  caf::reacts_to<enlist_atom, std::string, std::string, std::string>,
  caf::reacts_to<delist_atom, std::string, std::string>,
  caf::reacts_to<recheck_atom, std::string>,
  caf::reacts_to<recheck_atom>,
  caf::replies_to<recheck_atom, std::string, std::string>::with<int32_t>,
  caf::replies_to<leave_atom, std::string, std::string>::with<int32_t,
                                                              int32_t>,
  caf::reacts_to<slice_atom>>;

/// What the listener accepts besides its own poll: publish `payload` on the
/// channel, so that every node's access actor gets it. Answers true once
/// PostgreSQL took it, `unavailable` when the database is down.
using access_notifier_actor = caf::typed_actor<
  caf::replies_to<notify_atom, std::string>::with<bool>,
  caf::reacts_to<listen_atom>>;

} // namespace sockd
