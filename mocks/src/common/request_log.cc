#include "mocks/common/request_log.h"

#include "sim/untrusted_text.h"

namespace rh::mocks {

std::size_t RequestLog::TextBytes(const RequestLogEntry& entry) {
  return entry.method.size() + entry.target.size() + entry.account.size() + entry.rate_limit.size();
}

void RequestLog::Add(RequestLogEntry entry) {
  entry.seq = ++next_seq_;
  entry.method = sim::BoundedPrintable(entry.method, kMaxFieldBytes);
  entry.target = sim::BoundedPrintable(entry.target, kMaxFieldBytes);
  entry.account = sim::BoundedPrintable(entry.account, kMaxFieldBytes);
  entry.rate_limit = sim::BoundedPrintable(entry.rate_limit, kMaxFieldBytes);
  bytes_ += TextBytes(entry);
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_ || (bytes_ > byte_budget_ && entries_.size() > 1)) {
    bytes_ -= TextBytes(entries_.front());
    entries_.pop_front();
    ++dropped_;
  }
}

void RequestLog::Clear() {
  entries_.clear();
  bytes_ = 0;
  dropped_ = 0;
}

OrderedJson RequestLogEntryJson(const RequestLogEntry& e, LogTime time) {
  OrderedJson out = {{"seq", e.seq}};
  if (time == LogTime::kSeconds) {
    out["at_s"] = sim::ToSeconds(e.at.time_since_epoch());
  } else {
    out["at_ns"] = e.at.time_since_epoch().count();
  }
  out["method"] = e.method;
  out["target"] = e.target;
  out["account"] = e.account;
  out["status"] = e.status;
  out["rate_limit"] = e.rate_limit;
  return out;
}

OrderedJson RequestLogEntriesJson(const RequestLog& log, LogTime time) {
  OrderedJson list = OrderedJson::array();
  for (const RequestLogEntry& e : log.entries()) list.push_back(RequestLogEntryJson(e, time));
  return list;
}

}  // namespace rh::mocks
