#include "cluster/placement.hpp"

namespace sockd::cluster {

namespace {

constexpr uint64_t fnv_offset = 0xcbf29ce484222325ULL;
constexpr uint64_t fnv_prime = 0x100000001b3ULL;

uint64_t fnv1a(uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= fnv_prime;
  }
  return h;
}

// FNV alone spreads similar names poorly in the high bits; the mixer
// makes every input bit affect every output bit.
uint64_t splitmix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

} // namespace

uint64_t rendezvous_weight(std::string_view key, std::string_view node) {
  auto h = fnv1a(fnv_offset, node);
  h = fnv1a(h, std::string_view{"\0", 1});
  h = fnv1a(h, key);
  return splitmix64(h);
}

std::string owner_of(std::string_view key,
                     const std::vector<std::string>& nodes) {
  const std::string* best = nullptr;
  uint64_t best_weight = 0;
  for (auto& node : nodes) {
    auto w = rendezvous_weight(key, node);
    if (best == nullptr || w > best_weight
        || (w == best_weight && node < *best)) {
      best = &node;
      best_weight = w;
    }
  }
  return best ? *best : std::string{};
}

} // namespace sockd::cluster
