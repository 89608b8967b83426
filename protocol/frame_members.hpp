// How a frame's members are read once found: the action as the server
// echoes it, the topic and the id as a refusal echoes them, keepalives.
// Shared by parse (protocol/frame_parse.cpp) and the rate limiter's glance
// (protocol/frame_glance.cpp); internal to protocol/. Inline, as these were
// when both lived in one file: parse runs for every inbound frame.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "protocol/frame.hpp"
#include "protocol/json_scan.hpp"
#include "protocol/limits.hpp"

namespace sockd::protocol::members {

constexpr size_t max_id_length = 64;

// A string literal decoding to at most 64 bytes has at most 6 bytes of
// text per byte (`\u0041`) and its quotes.
constexpr size_t max_id_literal = 2 + 6 * max_id_length;

inline bool is_string(std::string_view raw) {
  return !raw.empty() && raw.front() == '"';
}

// The action as the server echoes it: an integer in decimal, a string as a
// literal with only the escapes JSON needs, any other value as sent.
inline std::string action_text(std::string_view raw) {
  if (raw.empty())
    return "null";
  if (is_string(raw))
    return raw.find('\\') == std::string_view::npos
             ? std::string{raw}
             : quote(json_scan::unquote(raw));
  if (raw == "-0")
    return "0"; // nlohmann reads the integer 0
  return std::string{raw};
}

inline std::optional<keepalive> keepalive_of(std::string_view action,
                                             std::string_view payload) {
  if (!action.empty() || !is_string(payload))
    return std::nullopt;
  if (json_scan::equals(payload, "PING"))
    return keepalive::ping;
  if (json_scan::equals(payload, "PONG"))
    return keepalive::pong;
  return std::nullopt;
}

// The topic as the refusal echoes it: never one over the limit.
struct topic_field {
  std::string text;
  bool is_string = false;
  bool too_long = false;
};

inline topic_field read_topic(std::string_view raw, const limits& lim) {
  topic_field result;
  if (!is_string(raw))
    return result;
  result.is_string = true;
  // The decoded text is never longer than the literal without its quotes.
  if (raw.size() - 2 > lim.max_topic_bytes) {
    if (raw.find('\\') == std::string_view::npos) {
      result.too_long = true;
      return result;
    }
    auto text = json_scan::unquote(raw);
    if (text.size() > lim.max_topic_bytes) {
      result.too_long = true;
      return result;
    }
    result.text = std::move(text);
    return result;
  }
  result.text = json_scan::unquote(raw);
  return result;
}

// The id when `raw` is a valid one: a string of at most 64 bytes.
inline std::optional<std::string> read_id(std::string_view raw) {
  if (!is_string(raw) || raw.size() > max_id_literal)
    return std::nullopt;
  auto id = json_scan::unquote(raw);
  if (id.size() > max_id_length)
    return std::nullopt;
  return id;
}

} // namespace sockd::protocol::members
