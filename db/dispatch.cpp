#include "db/dispatch.hpp"

#include <functional>
#include <vector>

#include <caf/mailbox_element.hpp>

#include "interfaces/atoms.hpp"
#include "interfaces/messages.hpp"

#include "support/sockd_metrics.hpp"

namespace sockd::db {

std::optional<std::string> routing_key(const caf::type_erased_tuple& msg) {
  if (msg.match_elements<store_atom, stored_message>())
    return msg.get_as<stored_message>(1).topic;
  if (msg.match_elements<history_atom, std::string, int32_t, int32_t>())
    return msg.get_as<std::string>(1);
  // With the topic's stores: the worker commits those before it reads.
  if (msg.match_elements<positions_atom, std::string, std::string, int64_t,
                         int64_t>())
    return msg.get_as<std::string>(1);
  if (msg.match_elements<writers_atom, std::string, string_list>())
    return msg.get_as<std::string>(1);
  if (msg.match_elements<opened_atom, std::string, std::string>())
    return msg.get_as<std::string>(1);
  if (msg.match_elements<closed_atom, std::string>())
    return msg.get_as<std::string>(1);
  return std::nullopt;
}

size_t pick_worker(const caf::type_erased_tuple& msg, size_t workers,
                   std::atomic<size_t>& next) {
  if (auto key = routing_key(msg))
    return std::hash<std::string>{}(*key) % workers;
  return next.fetch_add(1, std::memory_order_relaxed) % workers;
}

namespace {

struct keyed_policy {
  // std::function needs a copyable policy; the copies share the counter.
  std::shared_ptr<std::atomic<size_t>> next
    = std::make_shared<std::atomic<size_t>>(0);

  void operator()(caf::actor_system&, caf::actor_pool::uplock& guard,
                  const caf::actor_pool::actor_vec& workers,
                  caf::mailbox_element_ptr& ptr, caf::execution_unit* host) {
    // The pool never calls a policy with no workers.
    auto selected = workers[pick_worker(ptr->content(), workers.size(), *next)];
    metrics::sockd.db_queue_depth.add(); // the worker's handler takes it
    guard.unlock();
    selected->enqueue(std::move(ptr), host);
  }
};

} // namespace

caf::actor_pool::policy keyed_dispatch() {
  return keyed_policy{};
}

} // namespace sockd::db
