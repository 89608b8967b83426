// Frames (docs/protocol.md, "Frames"): parsing what a client sends and
// encoding what the server sends. Pure code (std, protocol/json_scan.hpp),
// so every protocol decision is testable without sockets or actors. A
// frame is checked without a DOM and its payload kept as the client's own
// text; nothing here recurses on client input. One source per job:
// frame_parse.cpp, frame_glance.cpp (the rate limiter's skim),
// frame_encode.cpp; frame_members.hpp reads the members the first two share.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/errc.hpp"
#include "protocol/limits.hpp"
#include "protocol/topic_name.hpp"

namespace sockd::protocol {

/// Awayto's SocketActions that sockd itself acts on.
enum class control {
  relay,            // any action sockd only passes on
  subscribe,        // 8
  unsubscribe,      // 9
  load_messages,    // 6
  load_subscribers, // 10
  server_only,      // 4, 7, "ERROR", "ACK": never accepted from a client
};

namespace action {
constexpr int unsubscribe_topic = 4;
constexpr int load_messages = 6;
constexpr int has_more_messages = 7;
constexpr int subscribe = 8;
constexpr int unsubscribe = 9;
constexpr int load_subscribers = 10;
} // namespace action

/// A keepalive frame: `{"payload":"PING"}` or `{"payload":"PONG"}`.
enum class keepalive { ping, pong };

/// A position in a topic (docs/protocol.md, "Recovery after reconnect"):
/// the topic's epoch and the offset of a broadcast in it.
struct position {
  std::string epoch;
  int64_t offset = 0;
};

/// Longest `since.epoch` a SUBSCRIBE may carry (sockd's own are 16 bytes).
constexpr size_t max_epoch_length = 64;

/// A client frame that passed the checks of section 8 point 7.
struct inbound {
  control kind = control::relay;
  std::string action;      // the action as JSON text: an integer in decimal,
                           // a string literal, as nlohmann would write them
  std::string topic;       // `<type>:<handle>`
  std::string type;        // before the first ':'
  std::string handle;      // after it
  std::string payload;     // JSON text exactly as sent; empty when absent
  std::string target;      // payload.target when a string
  bool store = false;
  std::optional<std::string> id;
  int page = 1;            // LOAD_MESSAGES
  int page_size = 10;      // LOAD_MESSAGES, clamped to 100
  bool recover = false;    // SUBSCRIBE: relays carry their positions
  std::optional<position> since; // SUBSCRIBE: replay what came after it
};

/// A refused frame: what the error frame says.
struct refusal {
  errc code = errc::bad_frame;
  std::string message;
  // The action as JSON text, `null` when the frame has none; no value
  // when the frame could not be parsed, whose ERROR then has no `request`
  // (docs/protocol.md, "Edge cases" 11).
  std::optional<std::string> request;
  std::string topic;       // empty when unknown
  std::optional<std::string> id;
};

using parse_result = std::variant<inbound, keepalive, refusal>;

/// Parses one text frame: nesting deeper than `lim.max_json_depth` or a
/// topic longer than `lim.max_topic_bytes` is a `bad_frame` refusal.
parse_result parse(std::string_view text, const limits& lim = limits{});

/// What the rate limiter needs to know of a frame it will not parse: found
/// by one pass over the text that neither checks nor allocates. Views into
/// the text, raw JSON; empty when absent.
struct glimpse {
  std::optional<keepalive> keep; // no `action`, `payload` "PING" or "PONG"
  std::string_view action;
  std::string_view topic;
  std::string_view id;
  bool object = false; // the text is shaped like one object
};

glimpse glance(std::string_view text);

/// The `rate_limited` refusal of a frame dropped unparsed; it carries the
/// frame's `id` when that is a valid one (docs/protocol.md, "Keepalive,
/// limits, close codes"), and no `request` when the text is not even shaped
/// like an object.
refusal rate_limited(const glimpse& g, const limits& lim);

// -- encoding -----------------------------------------------------------------

/// The broadcast frame of a relay (section 8 point 9).
std::string encode_relay(std::string_view action, std::string_view topic,
                         std::string_view sender, std::string_view timestamp,
                         std::string_view payload, bool store);

/// The stored form of a broadcast frame: `historical:true`, `store:false`.
std::string encode_stored(std::string_view action, std::string_view topic,
                          std::string_view sender, std::string_view timestamp,
                          std::string_view payload);

/// A stored frame as replayed: `historical:true` and no `store` (point 10).
std::string encode_replay(std::string_view stored);

std::string encode_error(const refusal& r);

std::string encode_ack(std::string_view topic, std::string_view id);

/// `{"action":N,"topic":T}`: subscribe/unsubscribe acks, HAS_MORE_MESSAGES.
std::string encode_control(int action, std::string_view topic);

/// `{"action":4,...}`: a socket `<sub>:<cid>` left the topic.
std::string encode_left(std::string_view topic, std::string_view socket_id);

/// `{"action":10,...}`: the participant list, `payload` already encoded.
std::string encode_participants(std::string_view topic,
                                std::string_view requester,
                                std::string_view payload);

std::string encode_keepalive(keepalive k);

// -- positions (protocol/frame_position.cpp) ----------------------------------

/// A relay frame (`frame`, as encode_relay made it) with its position:
/// `,"offset":N,"epoch":E` before its closing brace.
std::string encode_positioned(std::string_view frame, uint64_t offset,
                              std::string_view epoch);

/// A stored row's frame (encode_stored's, possibly as jsonb re-wrote it)
/// as the relay it was, positioned: its members but `historical` and
/// `store`, then `"store":true` and the position. Empty when `stored` is
/// no JSON object. A new owner replays its predecessor's stored relays so.
std::string encode_recovered(std::string_view stored, uint64_t offset,
                             std::string_view epoch);

/// The subscribe ack of a positioned membership:
/// `{"action":8,"topic":T,"epoch":E,"offset":N}`, with `"recovered":B`
/// after the topic when the SUBSCRIBE carried `since`.
std::string encode_subscribed(std::string_view topic, std::string_view epoch,
                              uint64_t offset,
                              std::optional<bool> recovered);

/// ISO-8601 UTC with milliseconds: `2026-11-25T21:48:31.123Z`.
std::string iso_timestamp(std::chrono::system_clock::time_point t);

/// A JSON string literal for `s`, quotes included.
std::string quote(std::string_view s);

} // namespace sockd::protocol
