// The connection actor: one per WebSocket. It parses the socket's frames,
// stamps the sender, applies the rate limit, keeps the connection's topic
// memberships (at most `max_topics`, joins under way included: a SUBSCRIBE
// beyond is `limit_exceeded`) and the keepalive, and answers errors and
// ACKs.
//
//   frame(text)   a text frame from the socket
//   alive         a pong control frame (a sign of life)
//   tick          keepalive (actors/keepalive.hpp: once per ping_interval)
//   closed        the socket is gone: leave every topic, then stop
//   expire        to itself, at `valid_until`: close the socket with 4002
//   revoke(topic, forbidden)  the access actor took the membership away
//                 (interfaces/access.hpp): leave the topic, then send the
//                 socket ERROR forbidden (request 8, as a refused SUBSCRIBE
//                 looks) or, for the admin API's unsubscribe, the
//                 unsubscribe ack {"action":9}; the socket gets nothing of
//                 the topic after that frame
#pragma once

#include <string>

#include <caf/typed_actor.hpp>

#include "actors/keepalive.hpp"
#include "actors/topic_directory.hpp"
#include "interfaces/access.hpp"
#include "interfaces/atoms.hpp"
#include "interfaces/database.hpp"
#include "interfaces/outbound.hpp"
#include "protocol/limits.hpp"

namespace sockd {

using connection_actor = caf::typed_actor<
  caf::reacts_to<frame_atom, std::string>,
  caf::reacts_to<alive_atom>,
  caf::reacts_to<tick_atom>,
  caf::reacts_to<closed_atom>,
  caf::reacts_to<expire_atom>,
  caf::reacts_to<revoke_atom, std::string, bool>>;

struct connection_config {
  std::string sub;             // user id from the ticket
  std::string cid;             // connection id from the ticket
  // When the login token behind the ticket stops being valid (unix
  // seconds, exp + jwt_leeway), with enforce_token_exp; 0: never.
  int64_t valid_until = 0;
  outbound_ptr out;            // the socket
  topic_directory_actor directory;
  database_actor db;
  keepalive_actor keepalive; // null: no keepalive PINGs
  access_actor access;       // null: memberships are never re-checked
  double messages_per_second = 20;
  int messages_burst = 10;
  // Memberships the socket may hold, joins under way included
  // (`max_topics_per_connection`); a SUBSCRIBE beyond: limit_exceeded.
  size_t max_topics = 100;
  protocol::limits limits; // max_json_depth, max_topic_bytes
  caf::timespan ping_timeout = std::chrono::seconds(90);
  // For database requests (history). Requests to topics and the directory
  // carry none: those are local actors that always answer (their own
  // database and cluster requests time out), CAF answers
  // request_receiver_down for one that stops, and every timeout would sit in
  // CAF's clock for its whole span, per request.
  caf::timespan request_timeout = std::chrono::seconds(10);
};

connection_actor spawn_connection(caf::actor_system& sys,
                                  connection_config cfg);

} // namespace sockd
