// The whole sockd process as a function, so that a program can add topic
// types before it starts (examples/poll/main.cpp) without touching the core.
#pragma once

#include <functional>

#include "actors/topic_type.hpp"

namespace sockd {

/// Registers extra topic types after the built-in ones (a later add of the
/// same pattern replaces a built-in type).
using type_registration = std::function<void(topic_types&)>;

/// Parses options, starts everything, serves until SIGINT/SIGTERM, stops.
/// Returns the process exit code (0 clean stop, 1 failure, 2 bad options).
int run_sockd(int argc, char** argv, const type_registration& extend = {});

} // namespace sockd
