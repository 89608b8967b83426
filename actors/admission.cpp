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

  const char* name = "admission";
};

admission_actor::behavior_type
admission(admission_actor::stateful_pointer<admission_state> self,
          int64_t max_connections, int max_per_user) {
  return {
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
