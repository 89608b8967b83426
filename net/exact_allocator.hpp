// An allocator that takes exactly what is asked from operator new. Asio
// puts handlers with std::allocator (its default) into per-thread recycled
// blocks, reused for any smaller operation: the read wait an idle socket
// keeps pending would then hold a block sized for whatever ran before it
// (a Beast write, two or three times larger) for as long as it idles.
#pragma once

#include <cstddef>
#include <new>

namespace sockd::net {

template <class T>
struct exact_allocator {
  using value_type = T;

  exact_allocator() noexcept = default;

  template <class U>
  exact_allocator(const exact_allocator<U>&) noexcept {
    // nop
  }

  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T)));
  }

  void deallocate(T* p, std::size_t) noexcept {
    ::operator delete(p);
  }

  template <class U>
  bool operator==(const exact_allocator<U>&) const noexcept {
    return true;
  }

  template <class U>
  bool operator!=(const exact_allocator<U>&) const noexcept {
    return false;
  }
};

} // namespace sockd::net
