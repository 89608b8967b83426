// A connection slot granted by the admission actor. It is released exactly
// once: when the socket ends, or when the slot is dropped because the
// upgrade never completed.
#pragma once

#include <atomic>
#include <string>

#include "actors/admission.hpp"

namespace sockd::net {

class admission_slot {
public:
  admission_slot(admission_actor admission, std::string sub);
  ~admission_slot();

  admission_slot(const admission_slot&) = delete;
  admission_slot& operator=(const admission_slot&) = delete;

  /// Enrolls the socket of this slot in admission's registry (POST
  /// /api/disconnect); its entry goes with the release.
  void enroll(member who);

  /// Gives the slot back; later calls do nothing.
  void release();

private:
  admission_actor admission_;
  std::string sub_;
  std::atomic<uint64_t> key_{0}; // enrollment_key once enrolled
  std::atomic<bool> released_{false};
};

} // namespace sockd::net
