// Asking an actor from code that is not an actor (net/'s I/O threads)
// without blocking: one long-lived bridge actor makes the request and hands
// the answer to a callback, which runs on a CAF thread (post to your strand
// from it). One bridge for the whole server, not an actor spawned per
// request: three requests per connection would otherwise spawn three
// actors (docs/performance.md).
#pragma once

#include <functional>
#include <utility>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/duration.hpp>
#include <caf/error.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

namespace sockd {

/// Work the bridge runs in its own context: it sends a request.
using bridge_job = std::function<void(caf::event_based_actor*)>;

/// Spawns the bridge; stop it with an exit message like any actor.
caf::actor spawn_bridge(caf::actor_system& sys);

/// Sends `xs...` to `dest` as a request through `bridge`; calls
/// `on_result(results...)` or `on_error(caf::error)` exactly once, also on
/// timeout and when the bridge is gone. `caf::infinite` for local actors
/// that always answer (the ticket registry, admission): CAF answers
/// `request_receiver_down` when one is gone, and a timeout costs a round
/// trip to CAF's clock thread per request.
template <class Handle, class OnResult, class OnError, class... Ts>
void ask(const caf::actor& bridge, const Handle& dest, caf::duration timeout,
         OnResult on_result, OnError on_error, Ts... xs) {
  bridge_job job = [=](caf::event_based_actor* self) mutable {
    self->request(dest, timeout, std::move(xs)...)
      .then(std::move(on_result),
            [on_error](caf::error& err) mutable { on_error(err); });
  };
  if (!bridge) {
    on_error(caf::make_error(caf::sec::invalid_argument));
    return;
  }
  caf::anon_send(bridge, std::move(job));
}

} // namespace sockd

// A job holds callbacks: it never leaves its node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sockd::bridge_job)
