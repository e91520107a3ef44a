#include "sim/scheduler.h"

#include <algorithm>

#include "sim/check.h"

namespace rh::sim {

Scheduler::Scheduler(WallTime wall_epoch) : clock_(wall_epoch) {}

void Scheduler::Post(Callback fn) { ScheduleAt(Now(), std::move(fn)); }

TimerId Scheduler::ScheduleAt(Instant when, Callback fn) {
  RH_CHECK(static_cast<bool>(fn), "Scheduler::ScheduleAt with an empty callback");
  if (when < Now()) when = Now();
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[slot];
  s.fn = std::move(fn);
  s.armed = true;
  heap_.push_back({when, next_seq_++, slot, s.generation});
  std::push_heap(heap_.begin(), heap_.end(), Later);
  ++live_;
  return (static_cast<TimerId>(s.generation) << 32) | slot;
}

bool Scheduler::Cancel(TimerId id) {
  const auto slot = static_cast<std::uint32_t>(id & 0xffffffffU);
  const auto generation = static_cast<std::uint32_t>(id >> 32);
  if (slot >= slots_.size()) return false;
  Slot& s = slots_[slot];
  if (!s.armed || s.generation != generation) return false;
  s.armed = false;
  s.fn = nullptr;
  --live_;
  // The heap entry stays and is skipped when it reaches the top; the slot is freed then.
  return true;
}

void Scheduler::SkipCancelled() {
  while (!heap_.empty()) {
    const Entry& top = heap_.front();
    Slot& s = slots_[top.slot];
    if (s.armed && s.generation == top.generation) return;
    // A cancelled entry: retire its slot (bumping the generation invalidates old ids).
    const std::uint32_t slot = top.slot;
    std::pop_heap(heap_.begin(), heap_.end(), Later);
    heap_.pop_back();
    ++slots_[slot].generation;
    free_slots_.push_back(slot);
  }
}

bool Scheduler::NextEventTime(Instant& out) {
  SkipCancelled();
  if (heap_.empty()) return false;
  out = heap_.front().when;
  return true;
}

bool Scheduler::Step() {
  SkipCancelled();
  if (heap_.empty()) return false;
  const Entry top = heap_.front();
  std::pop_heap(heap_.begin(), heap_.end(), Later);
  heap_.pop_back();
  Slot& s = slots_[top.slot];
  Callback fn = std::move(s.fn);
  s.fn = nullptr;
  s.armed = false;
  ++s.generation;
  free_slots_.push_back(top.slot);
  --live_;
  clock_.AdvanceTo(top.when);
  ++events_run_;
  fn();  // may schedule more events; slots_ may reallocate, so `s` is not used after this
  return true;
}

std::uint64_t Scheduler::RunUntilIdle(std::uint64_t max_events) {
  std::uint64_t n = 0;
  while (n < max_events && Step()) ++n;
  return n;
}

std::uint64_t Scheduler::RunUntil(Instant deadline, std::uint64_t max_events) {
  std::uint64_t n = 0;
  Instant next;
  while (n < max_events && NextEventTime(next) && next <= deadline) {
    Step();
    ++n;
  }
  if (n < max_events && deadline > Now()) clock_.AdvanceTo(deadline);
  return n;
}

}  // namespace rh::sim
