// Asking an actor from code that is not an actor (net/'s I/O threads)
// without blocking: a one-shot actor makes the request and hands the answer
// to a callback, which runs on a CAF thread (post to your strand from it).
#pragma once

#include <utility>

#include <caf/actor_system.hpp>
#include <caf/duration.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>

namespace sockd {

/// Sends `xs...` to `dest` as a request; calls `on_result(results...)` or
/// `on_error(caf::error)` exactly once, also on timeout. `caf::infinite`
/// for local actors that always answer (the ticket registry, admission):
/// CAF answers `request_receiver_down` when one is gone, and a timeout
/// costs a round trip to CAF's clock thread per request.
template <class Handle, class OnResult, class OnError, class... Ts>
void ask(caf::actor_system& sys, const Handle& dest, caf::duration timeout,
         OnResult on_result, OnError on_error, Ts... xs) {
  // The unused int: CAF 0.17 dereferences a null argument tuple when a
  // function actor is spawned without arguments (undefined behaviour that
  // UBSan aborts on).
  sys.spawn(
    [=](caf::event_based_actor* self, int) mutable {
      self->request(dest, timeout, std::move(xs)...)
        .then(std::move(on_result),
              [on_error](caf::error& err) mutable { on_error(err); });
    },
    0);
}

} // namespace sockd
