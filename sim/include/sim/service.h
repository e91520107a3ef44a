// What a mock (or any HTTP endpoint in a simulation) is to a transport: a function of
// (request, now) -> response. The in-memory transport calls it under virtual time; the Beast
// server calls it from its threads under the real clock. Implementations must not read clocks
// or block; they keep their state and use `now` for limits and timestamps.
#pragma once

#include <mutex>

#include "sim/http.h"
#include "sim/task.h"
#include "sim/time.h"

namespace rh::sim {

class Service {
 public:
  virtual ~Service() = default;
  virtual Response Handle(const Request& request, Moment now) = 0;
  // For the rare service that must wait for something itself (a recording proxy that forwards
  // to a real upstream). Transports always call this; the default answers at once from Handle,
  // so ordinary services stay plain functions.
  virtual Task<Response> HandleAsync(Request request, Moment now) { co_return Handle(request, now); }
};

// Serializes calls to a Service that is not thread-safe, for hosting it on a multi-threaded
// server. Calls are never reentrant, so a plain mutex suffices. Only for synchronous services:
// it serializes Handle, not the waits of a HandleAsync.
class SerializedService final : public Service {
 public:
  explicit SerializedService(Service& inner) : inner_(inner) {}
  Response Handle(const Request& request, Moment now) override {
    std::lock_guard lock(mu_);
    return inner_.Handle(request, now);
  }

 private:
  Service& inner_;
  std::mutex mu_;
};

// Adapts a lambda to a Service, for tests and small fixtures.
template <class F>
class FunctionService final : public Service {
 public:
  explicit FunctionService(F f) : f_(std::move(f)) {}
  Response Handle(const Request& request, Moment now) override { return f_(request, now); }

 private:
  F f_;
};
template <class F>
FunctionService(F) -> FunctionService<F>;

}  // namespace rh::sim
