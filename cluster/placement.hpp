// Which node owns a key (a topic, a ticket's auth code): rendezvous, or
// highest random weight, hashing. Every node computes the same owner from
// the same set of live node names, and a change of that set moves only the
// keys it must: those of a node that left, or those a new node wins.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sockd::cluster {

/// The weight of `node` for `key`: a 64-bit FNV-1a hash of the node name,
/// a zero byte and the key, finished with the splitmix64 mixer. Stable
/// across processes, builds and platforms (docs/cluster.md has it in
/// JavaScript too).
uint64_t rendezvous_weight(std::string_view key, std::string_view node);

/// The node with the highest weight for `key` (ties: the smaller name);
/// empty when `nodes` is empty.
std::string owner_of(std::string_view key,
                     const std::vector<std::string>& nodes);

} // namespace sockd::cluster
