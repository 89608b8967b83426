// What a topic type may add to the base topic behaviour (members, presence,
// ordered broadcast, targeted delivery, leave notices, stop when empty).
// A type overrides only the hooks it needs; see docs/extending.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "interfaces/messages.hpp"

namespace sockd {

/// Who receives a relay.
enum class delivery {
  everyone,          // every member, the sender included
  target_and_sender, // the payload's target and the sender
  target_only,       // the payload's target alone
  drop,              // nobody: the type consumed the message
};

/// The members of a topic as a hook sees them; sends go to the sockets.
class topic_room {
public:
  virtual ~topic_room() = default;
  virtual const std::string& topic() const = 0;
  /// Members in join order.
  virtual std::vector<const member*> members() const = 0;
  virtual const member* find(const std::string& cid) const = 0;
  virtual void send_to(const std::string& cid, frame_ptr frame) = 0;
  virtual void send_to_all(frame_ptr frame) = 0;
  /// Sends one member frames that leave as its socket drains
  /// (outbound::send_backlog), ahead of whatever is sent to it later: a
  /// snapshot of any size never closes a healthy socket.
  virtual void send_backlog_to(const std::string& cid,
                               std::vector<frame_ptr> frames) {
    for (auto& frame : frames)
      send_to(cid, std::move(frame));
  }
};

class topic_hooks {
public:
  virtual ~topic_hooks() = default;

  /// Whether `msg` may be published at all; a refusal is answered with
  /// `bad_frame` carrying the returned reason. Default: accept.
  virtual std::string refuse(const publication& msg);

  /// Who gets a relay. Default: everyone, or target and sender when the
  /// payload names a target.
  virtual delivery route(const publication& msg);

  /// After a member joined and got its subscribe ack: state a late joiner
  /// needs goes here.
  virtual void joined(topic_room& room, const member& who);

  /// After a relay was delivered; `frame` is what its recipients got.
  virtual void published(topic_room& room, const publication& msg,
                         const frame_ptr& frame);

  /// After a member left (unsubscribe or disconnect) and the others were
  /// told.
  virtual void left(topic_room& room, const member& who);
};

using topic_hooks_ptr = std::shared_ptr<topic_hooks>;

} // namespace sockd
