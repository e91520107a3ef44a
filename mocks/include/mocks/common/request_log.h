// The inspection surface's request log: every request a mock saw, with its status and the
// rate-limit decision, bounded so a long load run cannot grow it without limit (the oldest
// entries go first, and the number dropped is kept).
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "sim/http.h"
#include "sim/time.h"

namespace rh::mocks {

struct RequestLogEntry {
  std::uint64_t seq = 0;
  sim::Instant at{};
  std::string method;
  std::string target;
  std::string account;     // whose bucket it counted against
  int status = 0;
  std::string rate_limit;  // e.g. "admitted 12/40" or "refused 40/40 retry_after=0.5s"
};

class RequestLog {
 public:
  explicit RequestLog(std::size_t capacity = 100'000) : capacity_(capacity) {}
  void Add(RequestLogEntry entry);
  const std::deque<RequestLogEntry>& entries() const { return entries_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t total() const { return next_seq_; }
  void Clear();

 private:
  std::size_t capacity_;
  std::deque<RequestLogEntry> entries_;
  std::uint64_t dropped_ = 0;
  std::uint64_t next_seq_ = 0;
};

}  // namespace rh::mocks
