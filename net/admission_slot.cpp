#include "net/admission_slot.hpp"

#include <utility>

#include <caf/send.hpp>

namespace sockd::net {

admission_slot::admission_slot(admission_actor admission, std::string sub)
  : admission_(std::move(admission)), sub_(std::move(sub)) {
  // nop
}

admission_slot::~admission_slot() {
  release();
}

void admission_slot::enroll(member who) {
  key_ = enrollment_key(who.out);
  caf::anon_send(admission_, enroll_atom::value, std::move(who));
}

void admission_slot::release() {
  if (!released_.exchange(true))
    caf::anon_send(admission_, release_atom::value, sub_, key_.load());
}

} // namespace sockd::net
