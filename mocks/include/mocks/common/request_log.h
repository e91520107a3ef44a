// The inspection surface's request log: every request a mock saw, with its status and the
// rate-limit decision, bounded so a long load run cannot grow it without limit (the oldest
// entries go first, and the number dropped is kept). Bounded in bytes as well as entries: each
// text field keeps a prefix of at most kMaxFieldBytes, repaired to valid UTF-8 (a client's
// 60 KB target or a 0xFF byte must neither grow memory nor poison every later read of the log),
// and the whole log keeps at most `byte_budget` bytes of text.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "mocks/common/json_http.h"
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
  // A target longer than this is kept as a prefix and a note of how much was cut.
  static constexpr std::size_t kMaxFieldBytes = 2048;
  static constexpr std::size_t kDefaultByteBudget = std::size_t{64} << 20;

  explicit RequestLog(std::size_t capacity = 100'000, std::size_t byte_budget = kDefaultByteBudget)
      : capacity_(capacity), byte_budget_(byte_budget) {}
  void Add(RequestLogEntry entry);
  const std::deque<RequestLogEntry>& entries() const { return entries_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t total() const { return next_seq_; }
  // Text bytes held now (targets, methods, accounts, rate-limit notes).
  std::size_t bytes() const { return bytes_; }
  void Clear();

 private:
  static std::size_t TextBytes(const RequestLogEntry& entry);

  std::size_t capacity_;
  std::size_t byte_budget_;
  std::size_t bytes_ = 0;
  std::deque<RequestLogEntry> entries_;
  std::uint64_t dropped_ = 0;
  std::uint64_t next_seq_ = 0;
};

// The one rendering of the log for the mocks' inspection routes (`GET /_rehearsal/requests`): each
// entry as {"seq", "at_ns" or "at_s", "method", "target", "account", "status", "rate_limit"},
// oldest first. Shopify and Klaviyo give the time in nanoseconds of the run, Gorgias in seconds.
enum class LogTime { kNanoseconds, kSeconds };
OrderedJson RequestLogEntryJson(const RequestLogEntry& entry, LogTime time);
OrderedJson RequestLogEntriesJson(const RequestLog& log, LogTime time);

}  // namespace rh::mocks
