#include "sim/stepped_time.h"

#include <algorithm>
#include <utility>

#include "sim/check.h"

namespace rh::sim {

SteppedTime::SteppedTime(Scheduler& scheduler, Config config) : scheduler_(scheduler), config_(config) {}

void SteppedTime::Post(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    posted_.push_back(std::move(fn));
    last_activity_ = real_.Now();
  }
  wake_.notify_one();
}

void SteppedTime::BeginWork() {
  std::lock_guard lock(mu_);
  ++in_flight_;
  last_activity_ = real_.Now();
}

void SteppedTime::EndWork() {
  {
    std::lock_guard lock(mu_);
    RH_CHECK(in_flight_ > 0, "SteppedTime::EndWork without BeginWork");
    --in_flight_;
    last_activity_ = real_.Now();
  }
  wake_.notify_one();
}

void SteppedTime::HoldFor(Duration d) {
  std::lock_guard lock(mu_);
  hold_until_ = std::max(hold_until_, real_.Now() + d);
}

std::uint64_t SteppedTime::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

void SteppedTime::Drain() {
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard lock(mu_);
      if (posted_.empty()) return;
      fn = std::move(posted_.front());
      posted_.pop_front();
    }
    fn();
  }
}

bool SteppedTime::Busy(Instant real_now) const { return in_flight_ > 0 || !posted_.empty() || real_now < hold_until_; }

void SteppedTime::WaitABit(Duration at_most) {
  std::unique_lock lock(mu_);
  if (!posted_.empty()) return;
  wake_.wait_for(lock, std::max(at_most, Duration(std::chrono::microseconds(100))));
}

void SteppedTime::JumpToNextEvent(Instant end) {
  Instant next;
  if (!scheduler_.NextEventTime(next) || next > end) next = end;
  if (next > scheduler_.Now()) {
    ++stats_.jumps;
    stats_.jumped += next - scheduler_.Now();
  }
  scheduler_.RunUntil(std::max(next, scheduler_.Now()));
  anchor_virtual_ = scheduler_.Now();
  anchor_real_ = real_.Now();
}

void SteppedTime::RunUntil(Instant end) {
  const Instant started = real_.Now();
  anchor_virtual_ = scheduler_.Now();
  anchor_real_ = started;
  {
    std::lock_guard lock(mu_);
    last_activity_ = started;  // the pipeline gets one settle period before the first jump
  }
  while (scheduler_.Now() < end) {
    // The clock first, then what was posted: work handed over runs at the virtual time its real
    // arrival maps to, not at the time the world thread last looked.
    const Instant real_now = real_.Now();
    const Instant target = std::min(end, std::max(scheduler_.Now(), anchor_virtual_ + (real_now - anchor_real_)));
    scheduler_.RunUntil(target);
    Drain();
    if (scheduler_.Now() >= end) break;
    Duration quiet_for{0};
    bool busy = false;
    {
      std::lock_guard lock(mu_);
      busy = Busy(real_now);
      if (busy) last_activity_ = real_now;
      quiet_for = real_now - last_activity_;
    }
    if (!busy && quiet_for >= config_.settle) {
      JumpToNextEvent(end);
      continue;
    }
    // Sleep until something is posted, the settle period may have passed, or the next event is
    // due at real speed; never longer than the poll interval.
    Duration wait = busy ? config_.poll : std::min(config_.poll, config_.settle - quiet_for);
    Instant next;
    if (scheduler_.NextEventTime(next)) wait = std::min(wait, std::max(Duration(0), next - scheduler_.Now()));
    WaitABit(wait);
  }
  stats_.real_elapsed += real_.Now() - started;
}

bool SteppedTime::WaitFor(const std::function<bool()>& done, Duration limit) {
  const Instant deadline = real_.Now() + limit;
  for (;;) {
    Drain();
    if (done()) return true;
    if (real_.Now() >= deadline) return false;
    WaitABit(std::min(config_.poll, deadline - real_.Now()));
  }
}

}  // namespace rh::sim
