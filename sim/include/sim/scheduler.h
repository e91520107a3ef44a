// The discrete-event scheduler of sim mode: one thread, virtual time that jumps to the next due
// event, so a BFCM week runs in seconds. Events at the same instant run in the order they were
// scheduled (insertion order breaks every tie), which makes runs byte-for-byte repeatable.
// Never sleeps and never reads the machine's clock.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/clock.h"
#include "sim/executor.h"

namespace rh::sim {

class Scheduler final : public Executor {
 public:
  explicit Scheduler(WallTime wall_epoch = DefaultSimEpoch());
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  const Clock& clock() const override { return clock_; }
  VirtualClock& virtual_clock() { return clock_; }
  Instant Now() const { return clock_.Now(); }

  void Post(Callback fn) override;
  TimerId ScheduleAt(Instant when, Callback fn) override;
  TimerId ScheduleAfter(Duration delay, Callback fn) { return ScheduleAt(Now() + delay, std::move(fn)); }
  bool Cancel(TimerId id) override;

  // Runs the next due event, moving the clock to its time. False when nothing is pending.
  bool Step();
  // Runs until no event is pending or `max_events` ran; returns the number run. The bound
  // turns a livelock (a timer that always re-arms) into a visible stop instead of a hang.
  std::uint64_t RunUntilIdle(std::uint64_t max_events = UINT64_MAX);
  // Runs every event due at or before `deadline`, then moves the clock to `deadline`.
  std::uint64_t RunUntil(Instant deadline, std::uint64_t max_events = UINT64_MAX);
  std::uint64_t RunFor(Duration d, std::uint64_t max_events = UINT64_MAX) {
    return RunUntil(Now() + d, max_events);
  }

  // Events scheduled and not yet run or cancelled.
  std::size_t Pending() const { return live_; }
  // The time of the next pending event, if any.
  bool NextEventTime(Instant& out);
  std::uint64_t events_run() const { return events_run_; }

 private:
  struct Entry {
    Instant when;
    std::uint64_t seq;  // insertion order: the tie-breaker
    std::uint32_t slot;
    std::uint32_t generation;
  };
  struct Slot {
    Callback fn;
    std::uint32_t generation = 0;
    bool armed = false;
  };
  static bool Later(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }
  // Drops cancelled entries from the top of the heap.
  void SkipCancelled();

  VirtualClock clock_;
  std::vector<Entry> heap_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_slots_;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_run_ = 0;
  std::size_t live_ = 0;
};

}  // namespace rh::sim
