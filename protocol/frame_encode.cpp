// Encoding what the server sends (protocol/frame.hpp): every frame built as
// text without a DOM, with nlohmann's escapes and key order, so the bytes
// stay what clients (Awayto's among them) already read.
#include "protocol/frame.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <nlohmann/json.hpp>

#include "protocol/json_scan.hpp"
#include "support/hex.hpp"
#include "support/sockd_metrics.hpp"

namespace sockd::protocol {

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
          out += hex_digit(u >> 4);
          out += hex_digit(u & 0xF);
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

// A number literal beyond a double's range (`1E999`, `1e-400`): JSON's
// grammar allows it, but parsers read infinity or refuse it (nlohmann:
// "number overflow"), so an ERROR frame does not echo a request holding
// one, at its top or nested (both found by fuzzing). `json` is well-formed
// (json_scan::check passed), so outside strings a number is the only
// token that starts with '-' or a digit.
bool holds_overflowing_number(std::string_view json) {
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    auto c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9'))
      continue;
    auto end = i;
    while (end < json.size()
           && (json[end] == '-' || json[end] == '+' || json[end] == '.'
               || json[end] == 'e' || json[end] == 'E'
               || (json[end] >= '0' && json[end] <= '9')))
      ++end;
    std::string literal{json.substr(i, end - i)};
    errno = 0;
    auto value = std::strtod(literal.c_str(), nullptr);
    if (errno == ERANGE || std::isinf(value))
      return true;
    i = end - 1;
  }
  return false;
}

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

// The top-level members of a stored frame, copied but for `store`,
// `historical` and, with `skip_positions`, `offset` and `epoch`: what a
// replay (history page) and a recovered relay are built from.
struct stored_members : json_scan::member_sink {
  bool skip_positions = false;
  std::string out;

  void member(std::string_view parent, std::string_view key,
              std::string_view value) override {
    if (!parent.empty() || json_scan::equals(key, "store")
        || json_scan::equals(key, "historical")
        || (skip_positions
            && (json_scan::equals(key, "offset")
                || json_scan::equals(key, "epoch"))))
      return;
    out += out.empty() ? '{' : ',';
    out += key;
    out += ':';
    out += value;
  }

  /// Scans `stored`; false unless it is a well-formed JSON object.
  bool read(std::string_view stored, size_t extra) {
    out.reserve(stored.size() + extra);
    bool object = false;
    return json_scan::check(stored, json_scan::deepest, this, &object)
             == json_scan::verdict::ok
           && object;
  }
};

} // namespace

std::string encode_replay(std::string_view stored) {
  stored_members b;
  if (!b.read(stored, 20))
    return std::string{stored};
  b.out += b.out.empty() ? '{' : ',';
  b.out += "\"historical\":true}";
  return std::move(b.out);
}

std::string encode_recovered(std::string_view stored, uint64_t offset,
                             std::string_view epoch) {
  stored_members b;
  b.skip_positions = true;
  if (!b.read(stored, 48) || b.out.empty())
    return {};
  b.out += ",\"store\":true}";
  return encode_positioned(b.out, offset, epoch);
}

std::string encode_error(const refusal& r) {
  metrics::sockd.refuse(static_cast<uint8_t>(r.code));
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
                           == json_scan::verdict::ok
                      && !holds_overflowing_number(*r.request);
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
