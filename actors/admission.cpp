#include "actors/admission.hpp"

#include <unordered_map>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"

namespace sockd {

namespace {

// Per user: admitted slots and the enrolled sockets (a user with neither
// has no entry).
struct user_entry {
  int admitted = 0;
  std::vector<outbound_ptr> sockets;
};

struct admission_state {
  int64_t open = 0;
  std::unordered_map<std::string, user_entry> users;

  const char* name = "admission";

  void release(const std::string& sub, uint64_t key) {
    auto i = users.find(sub);
    if (i == users.end())
      return;
    auto& socks = i->second.sockets;
    for (auto j = socks.begin(); key != 0 && j != socks.end(); ++j)
      if (enrollment_key(*j) == key) {
        *j = std::move(socks.back());
        socks.pop_back();
        break;
      }
    if (i->second.admitted > 0) {
      --open;
      --i->second.admitted;
    }
    if (i->second.admitted == 0 && socks.empty())
      users.erase(i);
  }
};

admission_actor::behavior_type
admission(admission_actor::stateful_pointer<admission_state> self,
          int64_t max_connections, int max_per_user) {
  return {
    [=](enroll_atom, member& who) {
      if (!who.out)
        return;
      self->state.users[who.sub].sockets.push_back(std::move(who.out));
    },
    [=](disconnect_atom, const std::string& sub, uint16_t code,
        const std::string& reason) {
      auto& st = self->state;
      auto i = st.users.find(sub);
      if (i == st.users.end())
        return uint64_t{0};
      // The entries stay until each socket's slot is released.
      for (auto& out : i->second.sockets)
        out->close(code, reason);
      return static_cast<uint64_t>(i->second.sockets.size());
    },
    [=](census_atom) { return self->state.open; },
    [=](admit_atom, const std::string& sub) -> caf::result<bool> {
      auto& st = self->state;
      if (st.open >= max_connections)
        return make_error(errc::server_full, "this node is full");
      auto& u = st.users[sub];
      if (u.admitted >= max_per_user) {
        if (u.admitted == 0 && u.sockets.empty())
          st.users.erase(sub);
        return make_error(errc::too_many_connections,
                          "too many connections for this user");
      }
      ++u.admitted;
      ++st.open;
      return true;
    },
    [=](release_atom, const std::string& sub) {
      self->state.release(sub, 0);
    },
    [=](release_atom, const std::string& sub, uint64_t key) {
      self->state.release(sub, key);
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
