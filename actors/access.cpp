#include "actors/access.hpp"

#include <functional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <caf/actor_cast.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <nlohmann/json.hpp>

#include "actors/connection.hpp"
#include "protocol/topic_name.hpp"
#include "support/log.hpp"

namespace sockd {

namespace {

// A membership: the user, and the connection actor to revoke it at. A weak
// address: a connection that stops delists itself first (actors/
// connection.cpp), and one that died otherwise is not kept alive by this.
struct held {
  std::string sub;
  caf::actor_addr conn;
};

struct topic_entry {
  std::unordered_map<std::string, held> members; // by cid
  size_t slice = 0;
  bool running = false; // a re-check query is out
  bool again = false;   // asked again meanwhile: re-check all once it answers
};

struct access_state {
  access_config cfg;
  std::unordered_map<std::string, topic_entry> topics;
  size_t slices = 1;
  size_t current = 0;
  const char* name = "access";

  void forget(const std::string& topic, const std::string& cid) {
    auto t = topics.find(topic);
    if (t == topics.end())
      return;
    auto m = t->second.members.find(cid);
    if (m == t->second.members.end())
      return;
    t->second.members.erase(m);
    if (t->second.members.empty() && !t->second.running)
      topics.erase(t);
  }
};

using access_pointer = access_actor::stateful_pointer<access_state>;

void check(access_pointer self, const std::string& topic,
           const std::string& user);

// The query answered: every member of the snapshot whose user it did not
// allow leaves, unless it left meanwhile.
void revoke_denied(access_pointer self, const std::string& topic,
                   const std::vector<std::string>& cids,
                   const string_list& allowed) {
  auto& st = self->state;
  std::unordered_set<std::string> ok(allowed.begin(), allowed.end());
  auto t = st.topics.find(topic);
  if (t == st.topics.end())
    return;
  for (auto& cid : cids) {
    auto m = t->second.members.find(cid);
    if (m == t->second.members.end() || ok.count(m->second.sub) > 0)
      continue;
    log_info("access revoked: user=" + m->second.sub + " connection=" + cid
             + " topic=" + topic);
    if (auto conn = caf::actor_cast<connection_actor>(m->second.conn))
      self->send(conn, revoke_atom::value, topic, true);
    st.forget(topic, cid);
  }
}

void finish(access_pointer self, const std::string& topic) {
  auto& st = self->state;
  auto t = st.topics.find(topic);
  if (t == st.topics.end())
    return;
  t->second.running = false;
  if (t->second.again) {
    t->second.again = false;
    check(self, topic, {});
  } else if (t->second.members.empty()) {
    st.topics.erase(t);
  }
}

// Re-checks the members of `topic` (of `user` only, unless empty) with one
// allowance query.
void check(access_pointer self, const std::string& topic,
           const std::string& user) {
  auto& st = self->state;
  auto t = st.topics.find(topic);
  if (t == st.topics.end())
    return;
  auto& e = t->second;
  if (e.running) {
    e.again = true;
    return;
  }
  auto parts = protocol::split_topic(topic);
  if (!parts)
    return;
  std::vector<std::string> cids;
  string_list subs;
  std::unordered_set<std::string> seen;
  for (auto& [cid, m] : e.members) {
    if (!user.empty() && m.sub != user)
      continue;
    cids.push_back(cid);
    if (seen.insert(m.sub).second)
      subs.push_back(m.sub);
  }
  if (subs.empty())
    return;
  e.running = true;
  self->request(st.cfg.db, st.cfg.db_timeout, allow_atom::value, parts->first,
                std::move(subs), parts->second, topic)
    .then(
      [=](const string_list& allowed) {
        revoke_denied(self, topic, cids, allowed);
        finish(self, topic);
      },
      [=](caf::error& err) {
        log_warn("access re-check of " + topic
                 + " failed, nobody revoked: " + self->system().render(err));
        finish(self, topic);
      });
}

// Applies `f` to each live topic `pattern` matches (trailing '*': prefix;
// empty: every topic). Collected first: `f` may change the map.
void each_topic(access_pointer self, const std::string& pattern,
                const std::function<void(const std::string&)>& f) {
  std::vector<std::string> hit;
  for (auto& kvp : self->state.topics)
    if (pattern.empty() || protocol::matches_type_pattern(pattern, kvp.first))
      hit.push_back(kvp.first);
  for (auto& topic : hit)
    f(topic);
}

// The admin API's unsubscribe: the user's connections leave the topic and
// get the unsubscribe ack. Answers how many left, and how many members the
// topic had here.
std::pair<int32_t, int32_t> unsubscribe(access_pointer self,
                                        const std::string& user,
                                        const std::string& topic) {
  auto& st = self->state;
  auto t = st.topics.find(topic);
  if (t == st.topics.end())
    return {0, 0};
  auto members = static_cast<int32_t>(t->second.members.size());
  std::vector<std::pair<std::string, caf::actor_addr>> hit;
  for (auto& [cid, m] : t->second.members)
    if (m.sub == user)
      hit.emplace_back(cid, m.conn);
  for (auto& [cid, conn] : hit) {
    if (auto handle = caf::actor_cast<connection_actor>(conn))
      self->send(handle, revoke_atom::value, topic, false);
    st.forget(topic, cid);
  }
  return {static_cast<int32_t>(hit.size()), members};
}

// A notification from the listener (interfaces/access.hpp).
void on_notification(access_pointer self, const std::string& payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object())
    return;
  auto text = [&](const char* key) {
    auto i = j.find(key);
    return i != j.end() && i->is_string() ? i->get<std::string>()
                                          : std::string{};
  };
  if (text("schema") != self->state.cfg.schema)
    return;
  auto kind = text("kind");
  auto user = text("user");
  if (kind == "unsubscribe") {
    unsubscribe(self, user, text("topic"));
    return;
  }
  if (j.value("all", false)) {
    each_topic(self, {}, [&](const std::string& t) { check(self, t, {}); });
    return;
  }
  // A row of topic_allowances (its pattern) or the API (a topic, or none).
  auto pattern = kind == "recheck" ? text("topic") : text("pattern");
  if (kind != "recheck" && pattern.empty())
    return;
  each_topic(self, pattern,
             [&](const std::string& t) { check(self, t, user); });
}

// No monitor and no index by connection (memory per idle connection,
// docs/performance.md): a connection delists each of its topics when it
// stops, closed or sent an exit (actors/connection.cpp).
void enlist(access_pointer self, const std::string& topic,
            const std::string& cid, const std::string& sub) {
  auto& st = self->state;
  auto conn = caf::actor_cast<caf::actor_addr>(self->current_sender());
  if (!conn)
    return;
  auto [t, fresh] = st.topics.try_emplace(topic);
  if (fresh)
    t->second.slice = std::hash<std::string>{}(topic) % st.slices;
  t->second.members.emplace(cid, held{sub, std::move(conn)});
}

void next_slice(access_pointer self) {
  auto& st = self->state;
  st.current = (st.current + 1) % st.slices;
  std::vector<std::string> due;
  for (auto& kvp : st.topics)
    if (kvp.second.slice == st.current)
      due.push_back(kvp.first);
  for (auto& topic : due)
    check(self, topic, {});
  self->delayed_send(self, st.cfg.slice, slice_atom::value);
}

access_actor::behavior_type access(access_pointer self, access_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (st.cfg.interval > caf::timespan::zero()
      && st.cfg.slice > caf::timespan::zero()) {
    st.slices = std::max<size_t>(
      1, static_cast<size_t>(st.cfg.interval / st.cfg.slice));
    self->delayed_send(self, st.cfg.slice, slice_atom::value);
  }
  return {
    [=](enlist_atom, const std::string& topic, const std::string& cid,
        const std::string& sub) { enlist(self, topic, cid, sub); },
    [=](delist_atom, const std::string& topic, const std::string& cid) {
      self->state.forget(topic, cid);
    },
    [=](recheck_atom, const std::string& payload) {
      on_notification(self, payload);
    },
    [=](recheck_atom) {
      each_topic(self, {}, [&](const std::string& t) { check(self, t, {}); });
    },
    [=](recheck_atom, const std::string& user,
        const std::string& topic) -> int32_t {
      int32_t n = 0;
      each_topic(self, {}, [&](const std::string& t) {
        if (!topic.empty() && t != topic)
          return;
        for (auto& kvp : self->state.topics[t].members)
          n += user.empty() || kvp.second.sub == user ? 1 : 0;
        check(self, t, user);
      });
      return n;
    },
    [=](leave_atom, const std::string& user, const std::string& topic) {
      auto [removed, members] = unsubscribe(self, user, topic);
      return caf::result<int32_t, int32_t>{removed, members};
    },
    [=](slice_atom) { next_slice(self); },
  };
}

} // namespace

access_actor spawn_access(caf::actor_system& sys, access_config cfg) {
  return sys.spawn(access, std::move(cfg));
}

} // namespace sockd
