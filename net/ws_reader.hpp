// Parses what a WebSocket client sends (RFC 6455, no extension): masked
// frames, data messages split over continuation frames, control frames
// between the fragments. Bytes go in as the socket delivers them; events
// come out one by one. Pure code, no sockets.
//
//   append(bytes) -> next() -> text | binary | ping | pong | close | error
//                              | none (needs more bytes)
//
// After a close or an error the reader is done: it ignores further bytes
// and next() answers none. Memory is bounded: a frame longer than the
// message limit is refused from its header, before its payload arrives, so
// at most one message and one frame are held; nothing is kept once every
// byte is parsed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "net/ws_frame.hpp"

namespace sockd::net::ws {

class reader {
public:
  enum class kind : uint8_t {
    none,   // more bytes needed (or the reader is done)
    text,   // a complete text message, valid UTF-8
    binary, // a complete binary message (its payload is not kept)
    ping,
    pong,
    close,  // the peer's close frame
    error,  // the client broke the protocol; close with `code`
  };

  struct event {
    kind what = kind::none;
    /// text: the message; ping, pong: the data; close: the reason; error:
    /// what was wrong.
    std::string payload;
    /// close: the peer's code (1005 when it sent none); error: the code to
    /// close with (1002 protocol, 1007 bad UTF-8, 1009 too big).
    uint16_t code = 0;
  };

  /// `max_message_bytes` bounds a data message, all fragments together;
  /// a message of exactly that size passes.
  explicit reader(uint64_t max_message_bytes);

  /// Appends bytes read from the socket (ignored once done).
  void append(const char* data, size_t size);

  /// The next event in the bytes appended so far.
  event next();

  /// True after a close or an error.
  bool done() const {
    return done_;
  }

  /// Bytes held: unparsed input plus a fragmented message under way.
  size_t buffered() const {
    return in_.size() - pos_ + message_.size();
  }

private:
  event fail(uint16_t code, const char* what);
  event on_control(opcode op, std::string_view payload);
  void release_input();

  uint64_t max_;
  std::string in_;  // received bytes; parsed up to pos_
  size_t pos_ = 0;
  std::string message_;       // text fragments received so far
  uint64_t message_size_ = 0; // bytes of the message under way
  opcode message_op_ = opcode::text;
  bool in_message_ = false;   // a fragmented message awaits its end
  bool done_ = false;
};

} // namespace sockd::net::ws
