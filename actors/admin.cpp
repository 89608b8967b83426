#include "actors/admin.hpp"

#include <chrono>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "interfaces/errors.hpp"

namespace sockd {

namespace {

// Local actors that always answer; the bound only guards a stuck mailbox.
constexpr auto local_timeout = std::chrono::seconds(5);

using admin_pointer = node_admin_actor::pointer;

node_admin_actor::behavior_type local_admin(admin_pointer self,
                                            admission_actor admission,
                                            topic_directory_actor directory,
                                            std::string node_name) {
  return {
    [=](disconnect_atom, const std::string& sub, const std::string& reason) {
      return self->delegate(admission, disconnect_atom::value, sub,
                            disconnect_close_code, reason);
    },
    [=](census_atom) -> caf::result<node_census_list> {
      auto rp = self->make_response_promise<node_census_list>();
      self->request(admission, local_timeout, census_atom::value)
        .then(
          [=](int64_t connections) mutable {
            self->request(directory, local_timeout, census_atom::value)
              .then(
                [=](int64_t topics) mutable {
                  rp.deliver(node_census_list{
                    node_census{node_name, true, connections, topics}});
                },
                [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
    [=](presence_atom, const std::string& topic)
      -> caf::result<remote_member_list> {
      auto rp = self->make_response_promise<remote_member_list>();
      self->request(directory, local_timeout, find_atom::value, topic)
        .then(
          [=](const topic_actor& handle) mutable {
            self->request(handle, local_timeout, presence_atom::value)
              .then(
                [=](remote_member_list& members) mutable {
                  for (auto& m : members)
                    if (m.node.empty())
                      m.node = node_name;
                  rp.deliver(std::move(members));
                },
                [=](caf::error& err) mutable {
                  // It stopped in between: not live any more.
                  if (err == caf::sec::request_receiver_down)
                    err = make_error(errc::not_found, "no live topic " + topic);
                  rp.deliver(std::move(err));
                });
          },
          [=](caf::error& err) mutable { rp.deliver(std::move(err)); });
      return rp;
    },
  };
}

} // namespace

node_admin_actor spawn_local_admin(caf::actor_system& sys,
                                   admission_actor admission,
                                   topic_directory_actor directory,
                                   std::string node_name) {
  return sys.spawn(local_admin, std::move(admission), std::move(directory),
                   std::move(node_name));
}

} // namespace sockd
