#include "protocol/frame.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>

#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "support/strings.hpp"

namespace sockd::protocol {

namespace {

namespace scan = json_scan;

constexpr size_t max_id_length = 64;
constexpr int max_page_size = 100;
constexpr int64_t max_page = 1000000;

// A string literal decoding to at most 64 bytes has at most 6 bytes of
// text per byte (`\u0041`) and its quotes.
constexpr size_t max_id_literal = 2 + 6 * max_id_length;

bool is_string(std::string_view raw) {
  return !raw.empty() && raw.front() == '"';
}

bool is_integer_literal(std::string_view raw) {
  return !raw.empty() && (raw.front() == '-' || (raw.front() >= '0'
                                                 && raw.front() <= '9'))
         && raw.find_first_of(".eE") == std::string_view::npos;
}

// The action as the server echoes it: an integer in decimal, a string as a
// literal with only the escapes JSON needs, any other value as sent.
std::string action_text(std::string_view raw) {
  if (raw.empty())
    return "null";
  if (is_string(raw))
    return raw.find('\\') == std::string_view::npos
             ? std::string{raw}
             : quote(scan::unquote(raw));
  if (raw == "-0")
    return "0"; // nlohmann reads the integer 0
  return std::string{raw};
}

// Maps an action to what sockd does with it (section 3 table and point 12).
std::optional<control> classify(std::string_view raw) {
  if (is_integer_literal(raw)) {
    auto n = scan::integer(raw);
    if (!n)
      return std::nullopt; // beyond 64 bits: nlohmann reads a float
    switch (*n) {
      case action::subscribe: return control::subscribe;
      case action::unsubscribe: return control::unsubscribe;
      case action::load_messages: return control::load_messages;
      case action::load_subscribers: return control::load_subscribers;
      case action::unsubscribe_topic:
      case action::has_more_messages: return control::server_only;
      default: return control::relay;
    }
  }
  if (is_string(raw)) {
    auto name = ascii_upper(scan::unquote(raw));
    if (name.empty())
      return std::nullopt;
    if (name == "SUBSCRIBE")
      return control::subscribe;
    if (name == "UNSUBSCRIBE")
      return control::unsubscribe;
    if (name == "LOAD_MESSAGES")
      return control::load_messages;
    if (name == "LOAD_SUBSCRIBERS")
      return control::load_subscribers;
    if (name == "UNSUBSCRIBE_TOPIC" || name == "HAS_MORE_MESSAGES"
        || name == "ERROR" || name == "ACK")
      return control::server_only;
    return control::relay;
  }
  return std::nullopt;
}

// Reads one paging field: absent is the default, else a positive integer.
bool read_positive(std::string_view raw, int& out) {
  if (raw.empty())
    return true;
  if (!is_integer_literal(raw))
    return false;
  auto n = scan::integer(raw);
  if (!n || *n < 1 || *n > max_page)
    return false;
  out = static_cast<int>(*n);
  return true;
}

std::optional<keepalive> keepalive_of(std::string_view action,
                                      std::string_view payload) {
  if (!action.empty() || !is_string(payload))
    return std::nullopt;
  if (scan::equals(payload, "PING"))
    return keepalive::ping;
  if (scan::equals(payload, "PONG"))
    return keepalive::pong;
  return std::nullopt;
}

// The members parse reads: raw spans of the frame, empty when absent. A
// repeated key counts with its last value, as in nlohmann's DOM.
struct frame_fields : scan::member_sink {
  std::string_view action, topic, id, store, payload;
  std::string_view payload_key;           // the last `payload` member's key
  std::string_view target, page, page_size;
  const char* inner_of = nullptr;         // the key holding target/page

  void member(std::string_view parent, std::string_view key,
              std::string_view value) override {
    std::string decoded;
    auto name = key_name(key, decoded);
    if (parent.empty()) {
      if (name == "payload") {
        payload = value;
        payload_key = key;
      } else if (name == "action") {
        action = value;
      } else if (name == "topic") {
        topic = value;
      } else if (name == "id") {
        id = value;
      } else if (name == "store") {
        store = value;
      }
      return;
    }
    if (name != "target" && name != "page" && name != "pageSize")
      return;
    if (!scan::equals(parent, "payload"))
      return;
    if (inner_of != parent.data()) {
      inner_of = parent.data();
      target = page = page_size = {};
    }
    if (name == "target")
      target = value;
    else if (name == "page")
      page = value;
    else
      page_size = value;
  }

  // A key without its quotes; decoded into `buf` only when it has escapes.
  static std::string_view key_name(std::string_view raw, std::string& buf) {
    auto inner = raw.substr(1, raw.size() - 2);
    if (inner.find('\\') == std::string_view::npos)
      return inner;
    buf = scan::unquote(raw);
    return buf;
  }

  // target/page/pageSize belong to the payload that counts, if any.
  bool inner_current() const {
    return inner_of != nullptr && inner_of == payload_key.data();
  }
};

// The topic as the refusal echoes it: never one over the limit.
struct topic_field {
  std::string text;
  bool is_string = false;
  bool too_long = false;
};

topic_field read_topic(std::string_view raw, const limits& lim) {
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
    auto text = scan::unquote(raw);
    if (text.size() > lim.max_topic_bytes) {
      result.too_long = true;
      return result;
    }
    result.text = std::move(text);
    return result;
  }
  result.text = scan::unquote(raw);
  return result;
}

// The id when `raw` is a valid one: a string of at most 64 bytes.
std::optional<std::string> read_id(std::string_view raw) {
  if (!is_string(raw) || raw.size() > max_id_literal)
    return std::nullopt;
  auto id = scan::unquote(raw);
  if (id.size() > max_id_length)
    return std::nullopt;
  return id;
}

std::string too_long_message(const limits& lim) {
  return "topic is longer than " + std::to_string(lim.max_topic_bytes)
         + " bytes (max_topic_bytes)";
}

} // namespace

parse_result parse(std::string_view text, const limits& lim) {
  frame_fields f;
  bool object = false;
  auto verdict = scan::check(text, lim.max_json_depth, &f, &object);
  if (verdict == scan::verdict::too_deep) {
    // Not parsed, so no `request` (8.11); the members before the one too
    // deep were checked: echo the topic and the id among them.
    refusal err{errc::bad_frame,
                "frame nests deeper than " + std::to_string(lim.max_json_depth)
                  + " levels (max_json_depth)",
                std::nullopt, {}, std::nullopt};
    if (auto topic = read_topic(f.topic, lim); !topic.too_long)
      err.topic = std::move(topic.text);
    if (!f.id.empty())
      err.id = read_id(f.id);
    return err;
  }
  if (verdict != scan::verdict::ok || !object)
    return refusal{errc::bad_frame, "frame is not a JSON object", std::nullopt,
                   {}, std::nullopt};
  if (auto k = keepalive_of(f.action, f.payload))
    return *k;
  refusal err;
  err.request = action_text(f.action);
  auto topic = read_topic(f.topic, lim);
  if (!topic.too_long)
    err.topic = topic.text;
  if (!f.id.empty()) {
    err.id = read_id(f.id);
    if (!err.id) {
      err.code = errc::bad_frame;
      err.message = "id must be a string of at most 64 characters";
      return err;
    }
  }
  if (topic.too_long) {
    err.code = errc::bad_frame;
    err.message = too_long_message(lim);
    return err;
  }
  auto kind = f.action.empty() ? std::nullopt : classify(f.action);
  if (!kind) {
    err.code = errc::bad_action;
    err.message = "action must be an integer or a non-empty string";
    return err;
  }
  if (*kind == control::server_only) {
    err.code = errc::bad_action;
    err.message = "action " + *err.request + " is sent by the server only";
    return err;
  }
  if (!topic.is_string) {
    err.code = errc::bad_frame;
    err.message = "topic must be a string <type>:<handle>";
    return err;
  }
  auto parts = split_topic(err.topic);
  if (!parts) {
    err.code = errc::bad_frame;
    err.message = "topic must be <type>:<handle> with both parts non-empty";
    return err;
  }
  inbound result;
  result.kind = *kind;
  result.action = *err.request;
  result.topic = err.topic;
  result.type = std::move(parts->first);
  result.handle = std::move(parts->second);
  result.id = err.id;
  if (!f.store.empty() && f.store != "null") {
    if (f.store != "true" && f.store != "false") {
      err.code = errc::bad_frame;
      err.message = "store must be a boolean";
      return err;
    }
    result.store = f.store == "true";
  }
  bool payload_object = !f.payload.empty() && f.payload.front() == '{';
  bool inner = payload_object && f.inner_current();
  if (!f.payload.empty()) {
    result.payload = std::string{f.payload};
    if (inner && is_string(f.target))
      result.target = scan::unquote(f.target);
  }
  if (result.kind == control::load_messages) {
    bool ok = true;
    if (!f.payload.empty() && f.payload != "null") {
      ok = payload_object
           && read_positive(inner ? f.page : std::string_view{}, result.page)
           && read_positive(inner ? f.page_size : std::string_view{},
                            result.page_size);
    }
    if (!ok) {
      err.code = errc::bad_frame;
      err.message = "page and pageSize must be positive integers";
      return err;
    }
    result.page_size = std::min(result.page_size, max_page_size);
  }
  return result;
}

namespace {

struct glance_fields : scan::member_sink {
  glimpse result;
  std::string_view payload;

  void member(std::string_view, std::string_view key,
              std::string_view value) override {
    if (scan::equals(key, "action"))
      result.action = value;
    else if (scan::equals(key, "topic"))
      result.topic = value;
    else if (scan::equals(key, "id"))
      result.id = value;
    else if (scan::equals(key, "payload"))
      payload = value;
  }
};

// A skimmed value that is also well formed (and small, for strings).
bool well_formed(std::string_view raw) {
  return !raw.empty()
         && scan::check(raw, 1, nullptr) == scan::verdict::ok;
}

} // namespace

glimpse glance(std::string_view text) {
  glance_fields f;
  if (!scan::skim(text, f))
    return glimpse{};
  f.result.keep = keepalive_of(f.result.action, f.payload);
  f.result.object = true;
  return f.result;
}

refusal rate_limited(const glimpse& g, const limits& lim) {
  refusal r{errc::rate_limited, "too many messages; this one was dropped",
            std::nullopt, {}, std::nullopt};
  if (!g.object)
    return r; // nothing could be read: code and message only (8.11)
  r.request = "null";
  // Skimmed, not checked: only small values that check out are echoed.
  if (g.action.size() <= max_id_literal && well_formed(g.action))
    r.request = action_text(g.action);
  if (well_formed(g.topic)) {
    auto topic = read_topic(g.topic, lim);
    if (!topic.too_long)
      r.topic = std::move(topic.text);
  }
  if (g.id.size() <= max_id_literal && well_formed(g.id))
    r.id = read_id(g.id);
  return r;
}

// -- encoding -----------------------------------------------------------------

std::string quote(std::string_view s) {
  // The escapes nlohmann's dump writes; it repairs invalid UTF-8, which
  // only text that never came through parse can hold.
  for (auto c : s)
    if (static_cast<unsigned char>(c) >= 0x80) {
      if (!json_scan::valid_utf8(s))
        return nlohmann::json(std::string{s})
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      break;
    }
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  // Runs that need no escape are copied whole.
  auto plain = [](unsigned char u) { return u >= 0x20 && u != '"' && u != '\\'; };
  for (size_t i = 0; i < s.size();) {
    size_t j = i;
    while (j < s.size() && plain(static_cast<unsigned char>(s[j])))
      ++j;
    out.append(s.data() + i, j - i);
    if (j == s.size())
      break;
    auto c = s[j];
    i = j + 1;
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += hex[u >> 4];
          out += hex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

// The common head of relayed and stored frames.
std::string frame_head(std::string_view action, std::string_view topic,
                       std::string_view sender, std::string_view timestamp,
                       std::string_view payload) {
  std::string out;
  out.reserve(64 + topic.size() + sender.size() + payload.size());
  out += "{\"action\":";
  out += action;
  out += ",\"topic\":";
  out += quote(topic);
  out += ",\"sender\":";
  out += quote(sender);
  out += ",\"timestamp\":\"";
  out += timestamp;
  out += '"';
  if (!payload.empty()) {
    out += ",\"payload\":";
    out += payload;
  }
  return out;
}

} // namespace

std::string encode_relay(std::string_view action, std::string_view topic,
                         std::string_view sender, std::string_view timestamp,
                         std::string_view payload, bool store) {
  auto out = frame_head(action, topic, sender, timestamp, payload);
  out += store ? ",\"store\":true}" : "}";
  return out;
}

std::string encode_stored(std::string_view action, std::string_view topic,
                          std::string_view sender, std::string_view timestamp,
                          std::string_view payload) {
  auto out = frame_head(action, topic, sender, timestamp, payload);
  out += ",\"historical\":true,\"store\":false}";
  return out;
}

namespace {

// The members of a stored frame, copied but for `store` and `historical`.
struct replay_builder : json_scan::member_sink {
  std::string out;

  void member(std::string_view parent, std::string_view key,
              std::string_view value) override {
    if (!parent.empty() || json_scan::equals(key, "store")
        || json_scan::equals(key, "historical"))
      return;
    out += out.empty() ? '{' : ',';
    out += key;
    out += ':';
    out += value;
  }
};

} // namespace

std::string encode_replay(std::string_view stored) {
  replay_builder b;
  b.out.reserve(stored.size() + 20);
  bool object = false;
  if (json_scan::check(stored, json_scan::deepest, &b, &object)
        != json_scan::verdict::ok
      || !object)
    return std::string{stored};
  b.out += b.out.empty() ? '{' : ',';
  b.out += "\"historical\":true}";
  return std::move(b.out);
}

std::string encode_error(const refusal& r) {
  // The payload's keys in nlohmann's order (sorted), as before.
  std::string out = "{\"action\":\"ERROR\",\"topic\":";
  out += r.topic.empty() ? std::string{"null"} : quote(r.topic);
  out += ",\"payload\":{\"code\":";
  out += quote(to_string(r.code));
  if (r.id) {
    out += ",\"id\":";
    out += quote(*r.id);
  }
  out += ",\"message\":";
  out += quote(r.message);
  if (r.request) {
    bool request_ok = !r.request->empty()
                      && json_scan::check(*r.request, json_scan::deepest,
                                          nullptr)
                           == json_scan::verdict::ok;
    out += ",\"request\":";
    out += request_ok ? std::string_view{*r.request}
                      : std::string_view{"null"};
  }
  out += "}}";
  return out;
}

std::string encode_ack(std::string_view topic, std::string_view id) {
  std::string out = "{\"action\":\"ACK\",\"topic\":";
  out += quote(topic);
  out += ",\"payload\":{\"id\":";
  out += quote(id);
  out += "}}";
  return out;
}

std::string encode_control(int action, std::string_view topic) {
  std::string out = "{\"action\":";
  out += std::to_string(action);
  out += ",\"topic\":";
  out += quote(topic);
  out += '}';
  return out;
}

std::string encode_left(std::string_view topic, std::string_view socket_id) {
  auto id = quote(socket_id);
  std::string out = "{\"action\":4,\"topic\":";
  out += quote(topic);
  out += ",\"sender\":";
  out += id;
  out += ",\"payload\":";
  out += id;
  out += '}';
  return out;
}

std::string encode_participants(std::string_view topic,
                                std::string_view requester,
                                std::string_view payload) {
  std::string out = "{\"action\":10,\"topic\":";
  out += quote(topic);
  out += ",\"sender\":";
  out += quote(requester);
  out += ",\"payload\":";
  out += payload;
  out += '}';
  return out;
}

std::string encode_keepalive(keepalive k) {
  return k == keepalive::ping ? "{\"payload\":\"PING\"}"
                              : "{\"payload\":\"PONG\"}";
}

std::string iso_timestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto millis = duration_cast<milliseconds>(t.time_since_epoch()).count();
  auto secs = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  auto n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof(buf) - n, ".%03dZ",
                static_cast<int>(millis % 1000));
  return buf;
}

} // namespace sockd::protocol
