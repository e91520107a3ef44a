// How a long-running subcommand talks to whoever watches it: a progress bar for a person at a
// terminal, plain lines in CI logs (no terminal, or CI set).
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace rh::app {

inline bool Interactive() { return ::isatty(::fileno(stderr)) == 1 && std::getenv("CI") == nullptr; }

}  // namespace rh::app
