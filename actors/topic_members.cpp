#include "actors/topic_members.hpp"

#include <algorithm>

namespace sockd {

topic_members::added topic_members::add(member who, caf::actor relay,
                                        std::string node) {
  bool watch = false;
  if (relay) {
    auto& cids = cids_of_relay_[who.conn]; // who.conn is the relay
    watch = cids.empty();
    cids.insert(who.cid);
    relays_.emplace(relay.address(), relay);
  } else {
    watch = cid_of_conn_.emplace(who.conn, who.cid).second;
  }
  ++version_;
  auto& m = by_cid_[who.cid];
  m.info = std::move(who);
  m.order = next_order_++;
  m.relay = std::move(relay);
  m.node = std::move(node);
  return {m, watch};
}

std::optional<topic_members::removed>
topic_members::remove(const std::string& cid) {
  auto i = by_cid_.find(cid);
  if (i == by_cid_.end())
    return std::nullopt;
  removed result{std::move(i->second.info), false};
  by_cid_.erase(i);
  ++version_;
  auto& conn = result.gone.conn;
  if (auto j = cid_of_conn_.find(conn); j != cid_of_conn_.end()) {
    if (j->second == cid) {
      result.unwatch = true;
      cid_of_conn_.erase(j);
    }
  } else if (auto k = cids_of_relay_.find(conn); k != cids_of_relay_.end()) {
    k->second.erase(cid);
    if (k->second.empty()) {
      result.unwatch = true;
      cids_of_relay_.erase(k);
      relays_.erase(conn);
    }
  }
  return result;
}

std::vector<std::string>
topic_members::cids_of(const caf::actor_addr& conn) const {
  std::vector<std::string> result;
  if (auto i = cid_of_conn_.find(conn); i != cid_of_conn_.end()) {
    result.push_back(i->second);
    return result;
  }
  auto i = cids_of_relay_.find(conn);
  if (i == cids_of_relay_.end())
    return result;
  result.assign(i->second.begin(), i->second.end());
  std::sort(result.begin(), result.end(), [this](auto& x, auto& y) {
    return by_cid_.at(x).order < by_cid_.at(y).order;
  });
  return result;
}

std::vector<const joined_member*> topic_members::sorted() const {
  std::vector<const joined_member*> result;
  result.reserve(by_cid_.size());
  for (auto& kvp : by_cid_)
    result.push_back(&kvp.second);
  std::sort(result.begin(), result.end(),
            [](auto x, auto y) { return x->order < y->order; });
  return result;
}

} // namespace sockd
