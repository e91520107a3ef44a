#include "mocks/common/request_log.h"

namespace rh::mocks {

void RequestLog::Add(RequestLogEntry entry) {
  entry.seq = ++next_seq_;
  entries_.push_back(std::move(entry));
  while (entries_.size() > capacity_) {
    entries_.pop_front();
    ++dropped_;
  }
}

void RequestLog::Clear() {
  entries_.clear();
  dropped_ = 0;
}

}  // namespace rh::mocks
