// Private to sim/src/live: reaches the Asio event loop behind LiveRuntime's pimpl, so the
// server and client TUs can run sockets on it. Never include it from a public header: that would
// drag Asio into every user of the live transports.
#pragma once

#include <boost/asio/io_context.hpp>

#include "sim/live/runtime.h"

namespace rh::sim::live::detail {

struct RuntimeAccess {
  static boost::asio::io_context& Io(LiveRuntime& runtime);
};

}  // namespace rh::sim::live::detail
