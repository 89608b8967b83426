// The pool's dispatch policy. Messages about one topic (store, history,
// writers) go to the worker chosen by a hash of the topic, so the stores of a
// topic are written in the order they arrived, by one worker, and a read of
// the topic comes after them. opened/closed of one connection go to the
// worker chosen by a hash of its id, so a close never overtakes its open.
// Everything else goes round-robin.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include <caf/actor_pool.hpp>
#include <caf/type_erased_tuple.hpp>

namespace sockd::db {

/// The string a message is routed by, if any.
std::optional<std::string> routing_key(const caf::type_erased_tuple& msg);

/// The worker for `msg` among `workers` workers; `next` is the round-robin
/// counter.
size_t pick_worker(const caf::type_erased_tuple& msg, size_t workers,
                   std::atomic<size_t>& next);

/// The policy for caf::actor_pool::make.
caf::actor_pool::policy keyed_dispatch();

} // namespace sockd::db
