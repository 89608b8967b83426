#include "cluster/directory.hpp"

#include <unordered_map>

#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "cluster/placement.hpp"
#include "cluster/relay.hpp"
#include "interfaces/errors.hpp"
#include "protocol/frame.hpp"

namespace sockd::cluster {

namespace {

struct relay_entry {
  relay_actor relay;
  std::string owner; // the owner this relay was last told; empty: none yet
};

struct directory_state {
  std::shared_ptr<const topic_types> types;
  std::string node;
  view current;
  bool has_view = false;
  std::unordered_map<std::string, relay_entry> relays;
  std::unordered_map<caf::actor_addr, std::string> topic_by_addr;

  const char* name = "cluster_directory";
};

using directory_pointer = directory_actor::stateful_pointer<directory_state>;

directory_actor::behavior_type
directory(directory_pointer self, std::shared_ptr<const topic_types> types,
          std::string node) {
  self->state.types = std::move(types);
  self->state.node = std::move(node);
  // A relay stops when its last member is gone; forget it then.
  self->set_down_handler([=](caf::down_msg& msg) {
    auto& st = self->state;
    auto i = st.topic_by_addr.find(msg.source);
    if (i == st.topic_by_addr.end())
      return;
    auto j = st.relays.find(i->second);
    if (j != st.relays.end() && j->second.relay.address() == msg.source)
      st.relays.erase(j);
    st.topic_by_addr.erase(i);
  });
  // Relays hold sockets' handles: they go with the directory.
  self->set_exit_handler([=](caf::exit_msg& msg) {
    for (auto& kvp : self->state.relays)
      self->send_exit(kvp.second.relay, msg.reason);
    self->quit(msg.reason);
  });
  return {
    // The relays of this node; the owners are the gateway's business.
    [=](find_atom, const std::string& topic) -> caf::result<topic_actor> {
      auto& st = self->state;
      if (auto i = st.relays.find(topic); i != st.relays.end())
        return topic_actor{i->second.relay};
      return make_error(errc::not_found, "no relay of " + topic);
    },
    [=](census_atom) {
      return static_cast<int64_t>(self->state.relays.size());
    },
    [=](lookup_atom, const std::string& topic) -> caf::result<topic_actor> {
      auto& st = self->state;
      if (auto i = st.relays.find(topic); i != st.relays.end())
        return topic_actor{i->second.relay};
      auto parts = protocol::split_topic(topic);
      if (!parts)
        return make_error(errc::bad_frame, "malformed topic");
      if (st.types->find(parts->first) == nullptr)
        return make_error(errc::forbidden, "no such topic type");
      auto handle = spawn_relay(self->system(),
                                relay_config{topic, st.node, self});
      self->monitor(handle);
      st.topic_by_addr.emplace(handle.address(), topic);
      st.relays.emplace(topic, relay_entry{handle, {}});
      return topic_actor{handle};
    },
    [=](owner_atom, const std::string& topic)
      -> caf::result<caf::actor, std::string, string_list> {
      auto& st = self->state;
      if (!st.has_view)
        return make_error(errc::unavailable, "no cluster view yet");
      auto names = st.current.names();
      auto owner = owner_of(topic, names);
      auto peer = st.current.find(owner);
      if (auto i = st.relays.find(topic); i != st.relays.end())
        i->second.owner = owner;
      return {peer ? peer->gateway : caf::actor{}, owner, names};
    },
    [=](view_atom, view& next) {
      auto& st = self->state;
      st.current = std::move(next);
      st.has_view = true;
      auto names = st.current.names();
      for (auto& kvp : st.relays) {
        auto& entry = kvp.second;
        if (entry.owner.empty())
          continue; // it asks for its owner itself
        auto owner = owner_of(kvp.first, names);
        if (owner == entry.owner)
          continue;
        entry.owner = owner;
        auto peer = st.current.find(owner);
        self->send(entry.relay, rehome_atom::value,
                   peer ? peer->gateway : caf::actor{}, owner, names);
      }
    },
  };
}

} // namespace

directory_actor spawn_directory(caf::actor_system& sys,
                                std::shared_ptr<const topic_types> types,
                                std::string node_name) {
  return sys.spawn(directory, std::move(types), std::move(node_name));
}

} // namespace sockd::cluster
