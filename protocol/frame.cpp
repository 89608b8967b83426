#include "protocol/frame.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace sockd::protocol {

namespace {

using json = nlohmann::json;

constexpr size_t max_id_length = 64;
constexpr int max_page_size = 100;

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string upper(std::string_view s) {
  std::string result{s};
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return result;
}

// Maps an action to what sockd does with it (section 3 table and point 12).
std::optional<control> classify(const json& action) {
  if (action.is_number_integer()) {
    switch (action.get<int64_t>()) {
      case action::subscribe: return control::subscribe;
      case action::unsubscribe: return control::unsubscribe;
      case action::load_messages: return control::load_messages;
      case action::load_subscribers: return control::load_subscribers;
      case action::unsubscribe_topic:
      case action::has_more_messages: return control::server_only;
      default: return control::relay;
    }
  }
  if (action.is_string()) {
    auto name = upper(action.get_ref<const std::string&>());
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
bool read_positive(const json& payload, const char* key, int& out) {
  auto i = payload.find(key);
  if (i == payload.end())
    return true;
  if (!i->is_number_integer() || i->get<int64_t>() < 1
      || i->get<int64_t>() > 1000000)
    return false;
  out = static_cast<int>(i->get<int64_t>());
  return true;
}

} // namespace

std::optional<std::pair<std::string, std::string>>
split_topic(std::string_view topic) {
  auto colon = topic.find(':');
  if (colon == std::string_view::npos || colon == 0
      || colon + 1 == topic.size())
    return std::nullopt;
  return std::make_pair(std::string{topic.substr(0, colon)},
                        std::string{topic.substr(colon + 1)});
}

parse_result parse(std::string_view text) {
  auto frame = json::parse(text.begin(), text.end(), nullptr, false);
  if (frame.is_discarded() || !frame.is_object())
    return refusal{errc::bad_frame, "frame is not a JSON object", "null", {},
                   std::nullopt};
  auto action_it = frame.find("action");
  auto payload_it = frame.find("payload");
  if (action_it == frame.end() && payload_it != frame.end()
      && payload_it->is_string()) {
    auto& word = payload_it->get_ref<const std::string&>();
    if (word == "PING")
      return keepalive::ping;
    if (word == "PONG")
      return keepalive::pong;
  }
  refusal err;
  err.request = action_it == frame.end() ? "null" : dump(*action_it);
  if (auto t = frame.find("topic"); t != frame.end() && t->is_string())
    err.topic = t->get<std::string>();
  if (auto i = frame.find("id"); i != frame.end()) {
    if (!i->is_string() || i->get_ref<const std::string&>().size()
                             > max_id_length) {
      err.code = errc::bad_frame;
      err.message = "id must be a string of at most 64 characters";
      return err;
    }
    err.id = i->get<std::string>();
  }
  auto kind = action_it == frame.end() ? std::nullopt : classify(*action_it);
  if (!kind) {
    err.code = errc::bad_action;
    err.message = "action must be an integer or a non-empty string";
    return err;
  }
  if (*kind == control::server_only) {
    err.code = errc::bad_action;
    err.message = "action " + err.request + " is sent by the server only";
    return err;
  }
  auto topic_it = frame.find("topic");
  if (topic_it == frame.end() || !topic_it->is_string()) {
    err.code = errc::bad_frame;
    err.message = "topic must be a string <type>:<handle>";
    return err;
  }
  auto parts = split_topic(topic_it->get_ref<const std::string&>());
  if (!parts) {
    err.code = errc::bad_frame;
    err.message = "topic must be <type>:<handle> with both parts non-empty";
    return err;
  }
  inbound result;
  result.kind = *kind;
  result.action = err.request;
  result.topic = err.topic;
  result.type = std::move(parts->first);
  result.handle = std::move(parts->second);
  result.id = err.id;
  if (auto s = frame.find("store"); s != frame.end() && !s->is_null()) {
    if (!s->is_boolean()) {
      err.code = errc::bad_frame;
      err.message = "store must be a boolean";
      return err;
    }
    result.store = s->get<bool>();
  }
  if (payload_it != frame.end()) {
    result.payload = dump(*payload_it);
    if (payload_it->is_object()) {
      if (auto t = payload_it->find("target");
          t != payload_it->end() && t->is_string())
        result.target = t->get<std::string>();
    }
  }
  if (result.kind == control::load_messages) {
    bool ok = true;
    if (payload_it != frame.end() && !payload_it->is_null()) {
      ok = payload_it->is_object()
           && read_positive(*payload_it, "page", result.page)
           && read_positive(*payload_it, "pageSize", result.page_size);
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

// -- encoding -----------------------------------------------------------------

std::string quote(std::string_view s) {
  return dump(json(std::string{s}));
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

std::string encode_replay(std::string_view stored) {
  auto frame = json::parse(stored.begin(), stored.end(), nullptr, false);
  if (frame.is_discarded() || !frame.is_object())
    return std::string{stored};
  frame["historical"] = true;
  frame.erase("store");
  return dump(frame);
}

refusal refusal_of(const caf::error& err, std::string request,
                   std::string topic, std::optional<std::string> id) {
  auto code = to_errc(err);
  auto message = message_of(err);
  if (message.empty())
    message = to_string(code);
  return refusal{code, std::move(message), std::move(request),
                 std::move(topic), std::move(id)};
}

std::string encode_error(const refusal& r) {
  json payload = {{"code", to_string(r.code)}, {"message", r.message}};
  auto request = json::parse(r.request, nullptr, false);
  payload["request"] = request.is_discarded() ? json(nullptr) : request;
  if (r.id)
    payload["id"] = *r.id;
  std::string out = "{\"action\":\"ERROR\",\"topic\":";
  out += r.topic.empty() ? std::string{"null"} : quote(r.topic);
  out += ",\"payload\":";
  out += dump(payload);
  out += '}';
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
