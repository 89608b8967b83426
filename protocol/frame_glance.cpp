// glance and rate_limited (protocol/frame.hpp): what the rate limiter needs
// of a frame it drops unparsed, found by one skim that neither checks nor
// allocates (docs/protocol.md, "Keepalive, limits, close codes").
#include "protocol/frame.hpp"

#include "protocol/frame_members.hpp"
#include "protocol/json_scan.hpp"

namespace sockd::protocol {

namespace {

namespace scan = json_scan;
using namespace members;

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

// A skimmed value that is also well formed (and small, for strings). The
// checker skips a byte order mark in front of a document, which in front of
// a member's value is no JSON: such a value is not echoed.
bool well_formed(std::string_view raw) {
  return !raw.empty() && static_cast<unsigned char>(raw.front()) != 0xEF
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
} // namespace sockd::protocol
