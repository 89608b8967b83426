// The topic types sockd ships, written against the same seam as any other
// (actors/topic_hooks.hpp):
//
//   exchange/0  text chat: the base relay (with storage)
//   exchange/1  call: WebRTC signalling, targeted offers, who is streaming
//   exchange/2  whiteboard: the board state a late joiner needs
//   *           every other type: the base relay
//
// They are one table in builtin.cpp: adding a built-in type is one row.
#pragma once

#include <string>
#include <vector>

#include "actors/topic_type.hpp"

namespace sockd {

/// Registers the built-in types; call before registering your own so that
/// yours may replace them.
void register_builtin_topic_types(topic_types& types);

/// The patterns the built-in types are registered under, "*" included, in
/// registration order (dev mode opens each of them, app/run.cpp).
std::vector<std::string> builtin_topic_patterns();

} // namespace sockd
