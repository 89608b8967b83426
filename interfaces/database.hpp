// The database pool's interface (db/database.hpp spawns it). Failures come
// back as errc::unavailable, never as exceptions.
//
//   allow(type, sub, handle, topic)  -> bool     the type's allowance query
//   allow(type, subs, handle, topic) -> string_list  the subs the same query
//                                               allows, in ONE statement for
//                                               all of them (re-checks)
//   ping                             -> true     readiness (SELECT 1)
//   opened(cid, sub)                            sock_connections row; kept
//                                               and retried while the
//                                               database is down
//   closed(cid)                                 remove the row unless
//                                               messages reference it
//   store(stored_message)            -> int64_t  committed sequence number;
//                                               0 when a row with the same
//                                               (cid, topic, client_id)
//                                               exists (a retry). Errors
//                                               say "not stored" only when
//                                               nothing was committed
//   history(topic, page, page_size)  -> (frames newest first, has_more)
//   writers(topic, online subs)      -> writer_list: every user who stored
//                                               in the topic, plus the online
//                                               subs given, with name/role
//   retry                                       internal timer
#pragma once

#include <cstdint>
#include <string>

#include <caf/typed_actor.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

namespace sockd {

using database_actor = caf::typed_actor<
  caf::replies_to<allow_atom, std::string, std::string, std::string,
                  std::string>::with<bool>,
  caf::replies_to<allow_atom, std::string, string_list, std::string,
                  std::string>::with<string_list>,
  caf::replies_to<ping_atom>::with<bool>,
  caf::reacts_to<opened_atom, std::string, std::string>,
  caf::reacts_to<closed_atom, std::string>,
  caf::replies_to<store_atom, stored_message>::with<int64_t>,
  caf::replies_to<history_atom, std::string, int32_t, int32_t>::with<
    frame_list, bool>,
  caf::replies_to<writers_atom, std::string, string_list>::with<writer_list>,
  caf::replies_to<positions_atom, std::string, std::string, int64_t,
                  int64_t>::with<positioned_rows>,
  caf::reacts_to<retry_atom>>;

} // namespace sockd
