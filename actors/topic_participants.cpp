// The participant list (LOAD_SUBSCRIBERS) of the base topic: the users
// online now merged with the users who stored messages, at most one list
// (and one database query) per participants_window; requests meanwhile wait
// for the next list (actors/topic.hpp tells who gets it).
#include <memory>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "actors/topic_state.hpp"
#include "interfaces/errors.hpp"
#include "protocol/frame.hpp"

namespace sockd {

namespace {

// LOAD_SUBSCRIBERS: users online now merged with users who stored messages.
// O(N log N) in members and writers: no scan per entry.
std::string participants_payload(const topic_state& st,
                                 const writer_list& writers) {
  using json = nlohmann::json;
  json result = json::object();
  std::unordered_map<std::string, std::unordered_set<std::string>> seen;
  auto entry = [&](const std::string& sub) -> json& {
    auto& e = result[sub];
    if (e.is_null())
      e = {{"scid", sub}, {"cids", json::array()}, {"name", ""},
           {"role", ""}, {"color", ""}, {"exists", true}, {"online", false}};
    return e;
  };
  auto add_cid = [&seen](json& e, const std::string& sub,
                         const std::string& cid) {
    if (seen[sub].insert(cid).second)
      e["cids"].push_back(cid);
  };
  for (auto& w : writers) {
    // The backend API's stored publications (sender "server", no user)
    // are nobody's participation.
    if (w.sub.empty())
      continue;
    auto& e = entry(w.sub);
    e["name"] = w.name;
    e["role"] = w.role;
    for (auto& cid : w.cids)
      add_cid(e, w.sub, cid);
  }
  for (auto m : st.members()) {
    auto& e = entry(m->sub);
    e["online"] = true;
    add_cid(e, m->sub, m->cid);
  }
  return result.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Sends a finished list: to every member when the membership or the list
// changed since the last list sent to all, else to the requesters only.
// Each requester gets it with its own connection id as `sender` (clients,
// Awayto's among them, know the answer to their own request by that); the
// other members get it with the first requester's.
void send_list(topic_state& st, const std::vector<list_request>& batch,
               std::string payload) {
  auto& first = batch.front().requester;
  std::unordered_set<std::string> requesters;
  for (auto& r : batch)
    requesters.insert(r.requester);
  if (!st.broadcast_once || st.broadcast_version != st.membership.version()
      || st.broadcast_payload != payload) {
    auto frame = make_frame(
      protocol::encode_participants(st.ctx.topic, first, payload));
    for (auto& kvp : st.membership.by_cid())
      if (!kvp.second.relay
          && (kvp.first == first || requesters.count(kvp.first) == 0))
        st.queue_to(kvp.second.info.out, frame);
    // One message per relay: a later requester behind one gets this list
    // and then its own copy (the same list twice).
    for (auto& kvp : st.membership.relays())
      caf::anon_send(kvp.second, deliver_atom::value, *frame);
    st.broadcast_once = true;
    st.broadcast_version = st.membership.version();
    st.broadcast_payload = payload;
    requesters.erase(first); // answered by that frame
  }
  for (auto& cid : requesters)
    st.send_to(cid, make_frame(protocol::encode_participants(st.ctx.topic, cid,
                                                             payload)));
}

void start_list(topic_pointer self);

// Starts the next list now if the window since the last one is over, else
// when it is; nothing while a list's query is out (its answer calls again).
void schedule_list(topic_pointer self) {
  auto& st = self->state;
  if (st.list_running || st.list_timer_armed || st.list_waiting.empty())
    return;
  auto now = self->clock().now();
  if (!st.listed || now - st.last_list >= participants_window) {
    start_list(self);
    return;
  }
  st.list_timer_armed = true;
  self->delayed_send(caf::actor_cast<base_topic_actor>(self),
                     participants_window - (now - st.last_list),
                     members_atom::value);
}

// One database query answers every request waiting now.
void start_list(topic_pointer self) {
  auto& st = self->state;
  st.list_running = true;
  st.listed = true;
  st.last_list = self->clock().now();
  auto batch =
    std::make_shared<std::vector<list_request>>(std::move(st.list_waiting));
  st.list_waiting.clear();
  string_list online;
  std::unordered_set<std::string> seen;
  for (auto m : st.members())
    if (seen.insert(m->sub).second)
      online.push_back(m->sub);
  self->request(st.ctx.db, st.ctx.db_timeout, writers_atom::value,
                st.ctx.topic, std::move(online))
    .then(
      [=](writer_list& writers) {
        auto& st = self->state;
        st.list_running = false;
        send_list(st, *batch, participants_payload(st, writers));
        for (auto& r : *batch)
          r.promise.deliver(true);
        schedule_list(self);
        stop_when_idle(self);
      },
      [=](caf::error&) {
        auto& st = self->state;
        st.list_running = false;
        for (auto& r : *batch)
          r.promise.deliver(
            make_error(errc::unavailable, "participants unavailable"));
        schedule_list(self);
        stop_when_idle(self);
      });
}

} // namespace

caf::result<bool> request_list(topic_pointer self,
                               const std::string& requester) {
  auto& st = self->state;
  if (!st.membership.contains(requester))
    return make_error(errc::not_subscribed, "not subscribed");
  auto rp = self->make_response_promise<bool>();
  st.list_waiting.push_back(list_request{requester, rp});
  schedule_list(self);
  return rp;
}

void list_timer(topic_pointer self) {
  auto& st = self->state;
  if (st.list_timer_armed
      && self->clock().now() - st.last_list >= participants_window)
    st.list_timer_armed = false;
  schedule_list(self);
  stop_when_idle(self);
}

} // namespace sockd
