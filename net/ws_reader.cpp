#include "net/ws_reader.hpp"

#include <string_view>
#include <utility>

namespace sockd::net::ws {

namespace {

constexpr size_t mask_size = 4;

bool known_opcode(uint8_t op) {
  switch (op) {
    case 0x0: case 0x1: case 0x2: case 0x8: case 0x9: case 0xA:
      return true;
    default:
      return false;
  }
}

void unmask(char* data, uint64_t size, const uint8_t* key) {
  auto p = reinterpret_cast<uint8_t*>(data);
  for (uint64_t i = 0; i < size; ++i)
    p[i] ^= key[i & 3];
}

} // namespace

reader::reader(uint64_t max_message_bytes) : max_(max_message_bytes) {
  // nop
}

void reader::append(const char* data, size_t size) {
  if (!done_)
    in_.append(data, size);
}

reader::event reader::next() {
  while (!done_) {
    auto avail = in_.size() - pos_;
    if (avail < 2)
      break;
    auto b = reinterpret_cast<const uint8_t*>(in_.data() + pos_);
    auto fin = (b[0] & 0x80) != 0;
    auto op = static_cast<uint8_t>(b[0] & 0x0F);
    if ((b[0] & 0x70) != 0)
      return fail(close_code::protocol_error, "reserved bits set");
    if (!known_opcode(op))
      return fail(close_code::protocol_error, "unknown opcode");
    if ((b[1] & 0x80) == 0)
      return fail(close_code::protocol_error, "unmasked client frame");
    auto control = (op & 0x8) != 0;
    uint64_t len = b[1] & 0x7F;
    if (control && !fin)
      return fail(close_code::protocol_error, "fragmented control frame");
    if (control && len > max_control_payload)
      return fail(close_code::protocol_error, "control frame too long");
    size_t head = 2;
    if (len == 126) {
      if (avail < 4)
        break;
      len = (uint64_t{b[2]} << 8) | b[3];
      if (len < 126)
        return fail(close_code::protocol_error, "length not minimal");
      head = 4;
    } else if (len == 127) {
      if (avail < 10)
        break;
      len = 0;
      for (int i = 0; i < 8; ++i)
        len = (len << 8) | b[2 + i];
      if ((len >> 63) != 0)
        return fail(close_code::protocol_error, "length out of range");
      if (len <= 0xFFFF)
        return fail(close_code::protocol_error, "length not minimal");
      head = 10;
    }
    if (!control) {
      auto continuation = op == static_cast<uint8_t>(opcode::continuation);
      if (continuation && !in_message_)
        return fail(close_code::protocol_error, "continuation of nothing");
      if (!continuation && in_message_)
        return fail(close_code::protocol_error,
                    "new message inside a fragmented one");
      // Refused from the header: the payload is never buffered.
      auto so_far = continuation ? message_size_ : 0;
      if (len > max_ - so_far)
        return fail(close_code::too_big, "message too big");
    }
    if (avail - head < mask_size || avail - head - mask_size < len)
      break;
    auto key = b + head;
    auto data = in_.data() + pos_ + head + mask_size;
    unmask(data, len, key);
    std::string_view payload{data, static_cast<size_t>(len)};
    pos_ += head + mask_size + static_cast<size_t>(len);
    if (control)
      return on_control(static_cast<opcode>(op), payload);
    if (op != static_cast<uint8_t>(opcode::continuation)) {
      in_message_ = true;
      message_op_ = static_cast<opcode>(op);
      message_size_ = 0;
    }
    message_size_ += len;
    if (!fin) {
      if (message_op_ == opcode::text)
        message_.append(payload.data(), payload.size());
      continue;
    }
    in_message_ = false;
    if (message_op_ == opcode::binary)
      return event{kind::binary, {}, 0};
    std::string text;
    if (message_.empty()) {
      text.assign(payload.data(), payload.size());
    } else {
      message_.append(payload.data(), payload.size());
      text = std::exchange(message_, std::string{});
    }
    if (!valid_utf8(text))
      return fail(close_code::bad_payload, "text is not valid UTF-8");
    return event{kind::text, std::move(text), 0};
  }
  release_input();
  return {};
}

reader::event reader::on_control(opcode op, std::string_view payload) {
  if (op == opcode::ping)
    return event{kind::ping, std::string{payload}, 0};
  if (op == opcode::pong)
    return event{kind::pong, std::string{payload}, 0};
  // A close: the code (optional) and a UTF-8 reason.
  if (payload.size() == 1)
    return fail(close_code::protocol_error, "close frame of one byte");
  event ev{kind::close, {}, close_code::no_status};
  if (payload.size() >= 2) {
    ev.code = static_cast<uint16_t>(
      (static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
    if (!valid_close_code(ev.code))
      return fail(close_code::protocol_error, "invalid close code");
    auto reason = payload.substr(2);
    if (!valid_utf8(reason))
      return fail(close_code::bad_payload, "close reason is not valid UTF-8");
    ev.payload.assign(reason.data(), reason.size());
  }
  done_ = true;
  release_input();
  return ev;
}

reader::event reader::fail(uint16_t code, const char* what) {
  done_ = true;
  release_input();
  return event{kind::error, what, code};
}

void reader::release_input() {
  if (done_) {
    in_ = std::string{};
    message_ = std::string{};
    pos_ = 0;
    return;
  }
  if (pos_ == in_.size()) {
    // Idle sockets hold no input buffer.
    in_ = std::string{};
    pos_ = 0;
  } else if (pos_ > 0) {
    in_.erase(0, pos_);
    pos_ = 0;
  }
}

} // namespace sockd::net::ws
