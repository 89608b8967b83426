#include "loadgen/wire.hpp"

#include <charconv>
#include <cstring>

namespace bench {

namespace {

// Finds `"key"` followed by optional blanks and a colon; returns the
// position after the colon and blanks, or npos.
size_t value_of(std::string_view text, std::string_view quoted_key,
                size_t from = 0) {
  for (;;) {
    auto pos = text.find(quoted_key, from);
    if (pos == std::string_view::npos)
      return pos;
    pos += quoted_key.size();
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
      ++pos;
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
      return pos;
    }
    from = pos;
  }
}

template <class T>
bool read_int(std::string_view text, size_t pos, T& out) {
  if (pos >= text.size())
    return false;
  auto res = std::from_chars(text.data() + pos, text.data() + text.size(), out);
  return res.ec == std::errc{};
}

std::string_view string_at(std::string_view text, size_t pos) {
  if (pos >= text.size() || text[pos] != '"')
    return {};
  auto end = text.find('"', pos + 1);
  if (end == std::string_view::npos)
    return {};
  return text.substr(pos + 1, end - pos - 1);
}

} // namespace

std::string bench_payload(uint64_t seq, int64_t sent_ns) {
  std::string out = "{\"seq\":";
  out += std::to_string(seq);
  out += ",\"t\":";
  out += std::to_string(sent_ns);
  out += '}';
  return out;
}

bool parse_bench_payload(std::string_view text, uint64_t& seq,
                         int64_t& sent_ns) {
  auto s = value_of(text, "\"seq\"");
  auto t = value_of(text, "\"t\"");
  return s != std::string_view::npos && t != std::string_view::npos
         && read_int(text, s, seq) && read_int(text, t, sent_ns);
}

namespace sockd_wire {

std::string subscribe(std::string_view topic) {
  std::string out = "{\"action\":8,\"topic\":\"";
  out.append(topic);
  out += "\"}";
  return out;
}

std::string publish(std::string_view topic, uint64_t seq, int64_t sent_ns) {
  std::string out = "{\"action\":12,\"topic\":\"";
  out.append(topic);
  out += "\",\"payload\":";
  out += bench_payload(seq, sent_ns);
  out += '}';
  return out;
}

std::string pong() {
  return R"({"payload":"PONG"})";
}

wire_event classify(std::string_view text) {
  wire_event ev;
  auto action = value_of(text, "\"action\"");
  if (action == std::string_view::npos) {
    auto payload = value_of(text, "\"payload\"");
    if (payload != std::string_view::npos
        && string_at(text, payload) == "PING")
      ev.kind = wire_event::ping;
    return ev;
  }
  if (text[action] == '"') {
    auto name = string_at(text, action);
    if (name == "ERROR") {
      ev.kind = wire_event::error;
      auto code = value_of(text, "\"code\"");
      ev.detail = code == std::string_view::npos ? std::string_view{"error"}
                                                 : string_at(text, code);
    }
    return ev;
  }
  int n = -1;
  if (!read_int(text, action, n))
    return ev;
  if (n == 8) {
    ev.kind = wire_event::subscribed;
  } else if (n == 12) {
    auto payload = value_of(text, "\"payload\"");
    if (payload != std::string_view::npos
        && parse_bench_payload(text.substr(payload), ev.seq, ev.sent_ns))
      ev.kind = wire_event::delivery;
  }
  return ev;
}

} // namespace sockd_wire

namespace nats_wire {

std::string connect_and_subscribe(std::string_view subject) {
  std::string out = "CONNECT {\"verbose\":false,\"pedantic\":false,"
                    "\"protocol\":1,\"name\":\"sockd_loadgen\","
                    "\"lang\":\"cpp\",\"version\":\"1\"}\r\nSUB ";
  out.append(subject);
  out += " 1\r\nPING\r\n";
  return out;
}

std::string publish(std::string_view subject, uint64_t seq, int64_t sent_ns) {
  auto payload = bench_payload(seq, sent_ns);
  std::string out = "PUB ";
  out.append(subject);
  out += ' ';
  out += std::to_string(payload.size());
  out += "\r\n";
  out += payload;
  out += "\r\n";
  return out;
}

std::string pong() {
  return "PONG\r\n";
}

bool parser::next(wire_event& ev, bool& bad) {
  bad = false;
  std::string_view all{buf_};
  auto eol = all.find("\r\n", pos_);
  if (eol == std::string_view::npos) {
    // A protocol line longer than this is not one the benchmark expects.
    bad = buffered() > 64 * 1024;
    if (pos_ > 0 && (pos_ > 4096 || pos_ == buf_.size())) {
      buf_.erase(0, pos_);
      pos_ = 0;
    }
    return false;
  }
  auto line = all.substr(pos_, eol - pos_);
  ev = wire_event{};
  auto next_pos = eol + 2;
  if (line.rfind("MSG ", 0) == 0) {
    // MSG <subject> <sid> [reply-to] <#bytes>
    auto last_space = line.rfind(' ');
    size_t n = 0;
    if (!read_int(line, last_space + 1, n)) {
      bad = true;
      return false;
    }
    if (all.size() < next_pos + n + 2)
      return false; // the payload has not arrived yet
    auto payload = all.substr(next_pos, n);
    if (parse_bench_payload(payload, ev.seq, ev.sent_ns))
      ev.kind = wire_event::delivery;
    next_pos += n + 2;
  } else if (line == "PING") {
    ev.kind = wire_event::ping;
  } else if (line == "PONG") {
    ev.kind = wire_event::subscribed;
  } else if (line.rfind("-ERR", 0) == 0) {
    ev.kind = wire_event::error;
    ev.detail = "nats_err";
  }
  pos_ = next_pos;
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return true;
}

} // namespace nats_wire

} // namespace bench
