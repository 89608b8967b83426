// parse (protocol/frame.hpp): a client's text frame checked in one pass of
// the scanner (protocol/json_scan.hpp) and read into an inbound frame, a
// keepalive or a refusal (docs/protocol.md, "Frames"; contract section 8).
#include "protocol/frame.hpp"

#include <algorithm>

#include "protocol/frame_members.hpp"
#include "protocol/json_scan.hpp"
#include "support/strings.hpp"

namespace sockd::protocol {

namespace {

namespace scan = json_scan;
using namespace members;

constexpr int max_page_size = 100;
constexpr int64_t max_page = 1000000;

bool is_integer_literal(std::string_view raw) {
  return !raw.empty() && (raw.front() == '-' || (raw.front() >= '0'
                                                 && raw.front() <= '9'))
         && raw.find_first_of(".eE") == std::string_view::npos;
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

// The members parse reads: raw spans of the frame, empty when absent. A
// repeated key counts with its last value, as in nlohmann's DOM.
struct frame_fields : scan::member_sink {
  std::string_view action, topic, id, store, payload;
  std::string_view payload_key;           // the last `payload` member's key
  std::string_view target, page, page_size;
  const char* inner_of = nullptr;         // the key holding target/page
  std::string_view recover, since;        // SUBSCRIBE's recovery members
  std::string_view since_key;             // the last `since` member's key
  std::string_view since_epoch, since_offset;
  const char* since_of = nullptr;         // the key holding those two

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
      } else if (name == "recover") {
        recover = value;
      } else if (name == "since") {
        since = value;
        since_key = key;
      }
      return;
    }
    if (name == "epoch" || name == "offset") {
      // The scanner reports two levels only: this is a top-level `since`'s
      // member (the one that counts is checked in read_recovery).
      if (!scan::equals(parent, "since"))
        return;
      if (since_of != parent.data()) {
        since_of = parent.data();
        since_epoch = since_offset = {};
      }
      (name == "epoch" ? since_epoch : since_offset) = value;
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

// The refusal of a frame the checker stopped (`verdict` not ok, or not an
// object): not parsed, so it names no request (8.11). The members before
// the one too deep were checked: their topic and id are echoed.
refusal unparsed(scan::verdict verdict, const frame_fields& f,
                 const limits& lim) {
  if (verdict != scan::verdict::too_deep)
    return refusal{errc::bad_frame, "frame is not a JSON object", std::nullopt,
                   {}, std::nullopt};
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

// LOAD_MESSAGES paging: absent, or read from the payload object that
// counts (`inner`); clamped to max_page_size. False: not positive integers.
bool read_paging(const frame_fields& f, bool inner, bool payload_object,
                 inbound& result) {
  if (!f.payload.empty() && f.payload != "null") {
    if (!payload_object
        || !read_positive(inner ? f.page : std::string_view{}, result.page)
        || !read_positive(inner ? f.page_size : std::string_view{},
                          result.page_size))
      return false;
  }
  result.page_size = std::min(result.page_size, max_page_size);
  return true;
}

// SUBSCRIBE's `recover` (a boolean) and `since` ({epoch: string of at most
// max_epoch_length bytes, offset: integer >= 0}); absent or null: none.
// Other actions ignore both, as any member sockd does not know.
const char* read_recovery(const frame_fields& f, inbound& result) {
  if (!f.recover.empty() && f.recover != "null") {
    if (f.recover != "true" && f.recover != "false")
      return "recover must be a boolean";
    result.recover = f.recover == "true";
  }
  if (f.since.empty() || f.since == "null")
    return nullptr;
  constexpr const char* shape =
    "since must be {\"epoch\": string, \"offset\": integer >= 0}";
  if (f.since.front() != '{' || f.since_of != f.since_key.data()
      || !is_string(f.since_epoch) || !is_integer_literal(f.since_offset))
    return shape;
  auto offset = scan::integer(f.since_offset);
  if (!offset || *offset < 0 || f.since_offset == "-0")
    return shape;
  auto epoch = scan::unquote(f.since_epoch);
  if (epoch.empty() || epoch.size() > max_epoch_length)
    return "since.epoch must be 1 to 64 bytes";
  result.since = position{std::move(epoch), *offset};
  return nullptr;
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
  if (verdict != scan::verdict::ok || !object)
    return unparsed(verdict, f, lim);
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
  if (result.kind == control::load_messages
      && !read_paging(f, inner, payload_object, result)) {
    err.code = errc::bad_frame;
    err.message = "page and pageSize must be positive integers";
    return err;
  }
  if (result.kind == control::subscribe) {
    if (auto problem = read_recovery(f, result)) {
      err.code = errc::bad_frame;
      err.message = problem;
      return err;
    }
  }
  return result;
}

} // namespace sockd::protocol
