// The two dialects the load generator speaks over WebSocket: sockd's JSON
// frames (also spoken by the bare server) and NATS's text protocol. Each
// turns scenario intents (subscribe, publish) into bytes and inbound bytes
// into events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

enum class wire_kind { sockd, nats };

/// What one inbound message meant to the load generator.
struct wire_event {
  enum kind_t {
    other,      // ignored (INFO, +OK, presence notices, ...)
    subscribed, // the subscribe acknowledgement (NATS: the PONG after SUB)
    delivery,   // a published benchmark message: seq and sent_ns are set
    ping,       // the server wants a keepalive answer
    error,      // an error frame; detail says which
  };
  kind_t kind = other;
  uint64_t seq = 0;
  int64_t sent_ns = 0;
  std::string_view detail;
};

/// The payload every benchmark message carries: `{"seq":N,"t":NS}`.
std::string bench_payload(uint64_t seq, int64_t sent_ns);

/// Reads seq and t from a payload produced by bench_payload.
bool parse_bench_payload(std::string_view text, uint64_t& seq,
                         int64_t& sent_ns);

namespace sockd_wire {

std::string subscribe(std::string_view topic);
std::string publish(std::string_view topic, uint64_t seq, int64_t sent_ns);
std::string pong();

/// Classifies one text frame.
wire_event classify(std::string_view text);

} // namespace sockd_wire

namespace nats_wire {

/// CONNECT, SUB and a PING whose PONG acknowledges the subscription.
std::string connect_and_subscribe(std::string_view subject);
std::string publish(std::string_view subject, uint64_t seq, int64_t sent_ns);
std::string pong();

/// Incremental parser of the server's byte stream, which NATS splits into
/// WebSocket frames without regard to protocol lines.
class parser {
public:
  void append(std::string_view bytes) { buf_.append(bytes); }

  /// The next complete event, or false when more bytes are needed. Sets
  /// `bad` when the stream cannot be parsed.
  bool next(wire_event& ev, bool& bad);

  size_t buffered() const { return buf_.size() - pos_; }

private:
  std::string buf_;
  size_t pos_ = 0;
};

} // namespace nats_wire

} // namespace bench
