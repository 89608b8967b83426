// Positions on the wire (docs/protocol.md, "Recovery after reconnect"): the
// positioned form of a relay frame and the subscribe ack of a positioned
// membership. A positioned frame is the plain one plus two members, so a
// topic encodes a broadcast once and appends these only when some member
// asked for positions.
#include "protocol/frame.hpp"

namespace sockd::protocol {

std::string encode_positioned(std::string_view frame, uint64_t offset,
                              std::string_view epoch) {
  // encode_relay's frames always end in '}' (an object of its own making).
  auto head = frame.substr(0, frame.size() - 1);
  auto off = std::to_string(offset);
  std::string out;
  out.reserve(head.size() + off.size() + epoch.size() + 24);
  out += head;
  out += ",\"offset\":";
  out += off;
  out += ",\"epoch\":";
  out += quote(epoch);
  out += '}';
  return out;
}

std::string encode_subscribed(std::string_view topic, std::string_view epoch,
                              uint64_t offset,
                              std::optional<bool> recovered) {
  std::string out = "{\"action\":8,\"topic\":";
  out += quote(topic);
  if (recovered)
    out += *recovered ? ",\"recovered\":true" : ",\"recovered\":false";
  out += ",\"epoch\":";
  out += quote(epoch);
  out += ",\"offset\":";
  out += std::to_string(offset);
  out += '}';
  return out;
}

} // namespace sockd::protocol
