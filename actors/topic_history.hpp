// The positions of one topic and its recent broadcasts (docs/protocol.md,
// "Recovery after reconnect"). The owner numbers every broadcast to
// everyone (+1 each, in the topic's order) and keeps the last `size` of them
// for at most `ttl`, sharing the encoded frames with their recipients. The
// epoch names this history: a fresh one per topic spawn, so a position of an
// earlier topic (a restart, a topic that stopped, another owner) is never
// mistaken for one of this. Pure bookkeeping, no messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <caf/actor_clock.hpp>

#include "actors/topic_type.hpp"
#include "interfaces/outbound.hpp"

namespace sockd {

/// A random epoch: 16 hex digits.
std::string new_epoch();

/// A random epoch as its 64 bits (never 0: 0 means "none" to a relay).
uint64_t new_epoch_bits();

/// The 16 hex digits of an epoch's bits; a relay gets the bits with every
/// broadcast (a number: no allocation per message) and spells them itself.
std::string epoch_text(uint64_t bits);

class topic_history {
public:
  using time_point = caf::actor_clock::time_point;

  /// A broadcast held for replay: its offset and its plain frame.
  struct held {
    uint64_t offset;
    frame_ptr frame;
  };

  topic_history() = default;

  topic_history(topic_history_limits limits, uint64_t epoch)
    : limits_(limits), epoch_bits_(epoch), epoch_(epoch_text(epoch)) {
  }

  const std::string& epoch() const {
    return epoch_;
  }

  uint64_t epoch_bits() const {
    return epoch_bits_;
  }

  /// The offset of the last broadcast; 0 before the first.
  uint64_t offset() const {
    return offset_;
  }

  /// Numbers the next broadcast and keeps it (unless size is 0); returns
  /// its offset. No allocation but the buffer's, once.
  uint64_t record(frame_ptr frame, time_point now) {
    return record(reserve(), std::move(frame), now);
  }

  /// The offset of a broadcast to come: taken when a relay enters the
  /// topic's order (before its store, so that the row records it), used
  /// by record() or skip() in that order.
  uint64_t reserve() {
    return ++reserved_;
  }

  /// Keeps the broadcast at `offset` (reserved, next in order); returns it.
  uint64_t record(uint64_t offset, frame_ptr frame, time_point now);

  /// A reserved offset that is never broadcast (its store failed, or it
  /// was a retry of a stored one): held as a gap, never replayed.
  void skip(uint64_t offset, time_point now) {
    record(offset, nullptr, now);
  }

  /// Every broadcast after `since`, in order, when all of them are still
  /// held; none when some aged out, fell out of the buffer, or `since` is
  /// past the last. Gaps (skip) are left out. The same epoch is the
  /// caller's check.
  std::optional<std::vector<held>> after(uint64_t since, time_point now);

  /// Broadcasts held now.
  size_t held_count() const {
    return count_;
  }

private:
  struct entry {
    uint64_t offset;
    time_point when;
    frame_ptr frame;
  };

  void expire(time_point now);

  topic_history_limits limits_;
  uint64_t epoch_bits_ = 0;
  std::string epoch_;
  uint64_t offset_ = 0;   // the last recorded or skipped
  uint64_t reserved_ = 0; // the last reserved
  std::vector<entry> ring_; // `size` slots from the first record on
  size_t head_ = 0;         // the oldest held entry
  size_t count_ = 0;
};

} // namespace sockd
