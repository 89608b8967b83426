// The members of one topic and the actors that stand for them: pure
// bookkeeping, no messages. The topic (actors/topic_state.hpp) monitors what
// `add` says to watch and demonitors what `remove` says to unwatch.
//
// A local member is one connection actor (a plain entry: no set per idle
// member). A member of another node sits behind a relay (cluster), whose
// address is the member's `conn`; a relay holds many members, joining and
// leaving one by one, so it gets a set, and the topic sends a broadcast to
// each relay once (`relays`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_addr.hpp>

#include "interfaces/messages.hpp"

namespace sockd {

/// A member as its topic holds it.
struct joined_member {
  member info;
  uint64_t order = 0; // join order, for participant lists
  caf::actor relay;   // the relay holding the socket; null for a local member
  std::string node;   // the relay's node name
};

class topic_members {
public:
  using member_map = std::unordered_map<std::string, joined_member>;
  using relay_map = std::unordered_map<caf::actor_addr, caf::actor>;

  /// What `add` did; `watch`: the member's `conn` is new, monitor it.
  struct added {
    joined_member& entry;
    bool watch;
  };

  /// What `remove` took out; `unwatch`: nobody left behind `gone.conn`,
  /// demonitor it.
  struct removed {
    member gone;
    bool unwatch;
  };

  /// Adds a member that is not in yet (the caller checks `contains`), last
  /// in join order; `relay` is null for a local connection.
  added add(member who, caf::actor relay, std::string node);

  /// Removes a member; nothing when `cid` is not one.
  std::optional<removed> remove(const std::string& cid);

  const joined_member* find(const std::string& cid) const {
    auto i = by_cid_.find(cid);
    return i == by_cid_.end() ? nullptr : &i->second;
  }

  bool contains(const std::string& cid) const {
    return by_cid_.count(cid) > 0;
  }

  bool empty() const {
    return by_cid_.empty();
  }

  /// Whether `relay` holds members here already.
  bool has_relay(const caf::actor_addr& relay) const {
    return relays_.count(relay) > 0;
  }

  /// The cids a monitored actor stands for, in join order.
  std::vector<std::string> cids_of(const caf::actor_addr& conn) const;

  /// Every member in join order.
  std::vector<const joined_member*> sorted() const;

  /// Bumped by every add and remove.
  uint64_t version() const {
    return version_;
  }

  /// Members by cid, unordered: the broadcast loops walk this directly.
  const member_map& by_cid() const {
    return by_cid_;
  }

  /// The relays holding members, one entry each however many they hold.
  const relay_map& relays() const {
    return relays_;
  }

private:
  member_map by_cid_;
  std::unordered_map<caf::actor_addr, std::string> cid_of_conn_;
  std::unordered_map<caf::actor_addr, std::unordered_set<std::string>>
    cids_of_relay_;
  relay_map relays_;
  uint64_t next_order_ = 0;
  uint64_t version_ = 0;
};

} // namespace sockd
