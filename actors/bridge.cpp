#include "actors/bridge.hpp"

namespace sockd {

namespace {

caf::behavior bridge(caf::event_based_actor* self, int) {
  return {
    [=](bridge_job& job) { job(self); },
  };
}

} // namespace

caf::actor spawn_bridge(caf::actor_system& sys) {
  // The unused int: CAF 0.17 dereferences a null argument tuple when a
  // function actor is spawned without arguments (undefined behaviour that
  // UBSan aborts on).
  return sys.spawn(bridge, 0);
}

} // namespace sockd
