#include "actors/admission.hpp"

#include <unordered_map>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"

namespace sockd {

namespace {

struct admission_state {
  int64_t open = 0;
  std::unordered_map<std::string, int> per_user;
  // Enrolled sockets: user -> connection actor -> its socket.
  std::unordered_map<std::string,
                     std::unordered_map<caf::actor_addr, outbound_ptr>>
    sockets;
  std::unordered_map<caf::actor_addr, std::string> user_of;

  const char* name = "admission";
};

admission_actor::behavior_type
admission(admission_actor::stateful_pointer<admission_state> self,
          int64_t max_connections, int max_per_user) {
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.user_of.find(msg.source);
    if (i == st.user_of.end())
      return;
    auto j = st.sockets.find(i->second);
    if (j != st.sockets.end()) {
      j->second.erase(msg.source);
      if (j->second.empty())
        st.sockets.erase(j);
    }
    st.user_of.erase(i);
  });
  return {
    [=](enroll_atom, member& who) {
      auto& st = self->state;
      if (!who.conn || !who.out || st.user_of.count(who.conn) > 0)
        return;
      self->monitor(who.conn);
      st.user_of.emplace(who.conn, who.sub);
      st.sockets[who.sub].emplace(who.conn, std::move(who.out));
    },
    [=](disconnect_atom, const std::string& sub, uint16_t code,
        const std::string& reason) {
      auto& st = self->state;
      auto i = st.sockets.find(sub);
      if (i == st.sockets.end())
        return uint64_t{0};
      // The entries stay until each connection actor stops.
      for (auto& kvp : i->second)
        kvp.second->close(code, reason);
      return static_cast<uint64_t>(i->second.size());
    },
    [=](census_atom) { return self->state.open; },
    [=](admit_atom, const std::string& sub) -> caf::result<bool> {
      auto& st = self->state;
      if (st.open >= max_connections)
        return make_error(errc::server_full, "this node is full");
      auto& count = st.per_user[sub];
      if (count >= max_per_user)
        return make_error(errc::too_many_connections,
                          "too many connections for this user");
      ++count;
      ++st.open;
      return true;
    },
    [=](release_atom, const std::string& sub) {
      auto& st = self->state;
      auto i = st.per_user.find(sub);
      if (i == st.per_user.end())
        return;
      --st.open;
      if (--i->second == 0)
        st.per_user.erase(i);
    },
  };
}

} // namespace

admission_actor spawn_admission(caf::actor_system& sys,
                                int64_t max_connections,
                                int max_connections_per_user) {
  return sys.spawn(admission, max_connections, max_connections_per_user);
}

} // namespace sockd
