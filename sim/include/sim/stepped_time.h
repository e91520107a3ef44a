// Stepped time: the virtual clock of a SimWorld driven for a system under test that runs outside
// the process (a pipeline in another language, reached over loopback). While work is in flight
// (a request open at a mock, a webhook on its way to the pipeline, a Retry-After the pipeline was
// told to wait) virtual time runs at real speed, so rate limits and Retry-After are real to the
// pipeline; when nothing has happened for a settle period, the clock jumps to the next event of
// the scheduler. Events are never skipped: a jump goes to the next due event, and events run in
// the scheduler's order.
//
// The world stays single-threaded: everything that touches the scheduler, the mocks or the trace
// runs on the thread that calls RunUntil. Other threads (the live server's, the live client's)
// hand work over with Post, and say what is in flight with BeginWork/EndWork.
//
// What it does not promise: an outside pipeline's own timers run on its wall clock, so how much
// virtual time passes while it waits is not reproducible, nor is a trace byte for byte.
// It reads the machine's clock (it is in sim/ for that reason) and waits on a condition variable.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>

#include "sim/clock.h"
#include "sim/scheduler.h"

namespace rh::sim {

class SteppedTime {
 public:
  struct Config {
    // Quiet this long (no request open, no webhook in flight, nothing posted) before a jump. Long
    // enough for the pipeline to start its next call after a webhook's answer.
    Duration settle = std::chrono::milliseconds(300);
    // The longest wait between looks at the clock while work is in flight.
    Duration poll = std::chrono::milliseconds(20);
  };
  struct Stats {
    std::uint64_t jumps = 0;      // times the clock jumped to the next event
    Duration jumped{0};           // virtual time skipped by jumps
    Duration real_elapsed{0};     // real time RunUntil took
  };

  SteppedTime(Scheduler& scheduler, Config config);
  SteppedTime(const SteppedTime&) = delete;
  SteppedTime& operator=(const SteppedTime&) = delete;

  // Thread-safe: runs `fn` on the world's thread (inside RunUntil, or at the next Drain).
  void Post(std::function<void()> fn);
  // Thread-safe: work in flight starts or ends. While any is in flight, time runs at real speed.
  void BeginWork();
  void EndWork();
  // Thread-safe: keeps time at real speed for `d` of real time from now (a Retry-After the
  // pipeline was given: it must really wait it out, so the clock must not jump meanwhile).
  void HoldFor(Duration d);

  // Plays the scheduler until virtual time `end` in stepped time. Call from the world's thread.
  void RunUntil(Instant end);
  // Runs what other threads posted, on the calling (world) thread; for set-up and tear-down.
  void Drain();
  // Real time waits on the world's thread while `done` is false, running posted work (bounded by
  // `limit`); true when `done` became true. For tear-down: the last answers of the pipeline.
  bool WaitFor(const std::function<bool()>& done, Duration limit);

  const Stats& stats() const { return stats_; }
  std::uint64_t in_flight() const;

 private:
  bool Busy(Instant real_now) const;  // expects mu_ held
  void JumpToNextEvent(Instant end);
  void WaitABit(Duration at_most);

  Scheduler& scheduler_;
  Config config_;
  RealClock real_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> posted_;
  std::uint64_t in_flight_ = 0;
  Instant hold_until_{};
  Instant last_activity_{};
  // Virtual time = anchor_virtual_ + (real now - anchor_real_) while the clock runs.
  Instant anchor_virtual_{};
  Instant anchor_real_{};
  Stats stats_;
};

}  // namespace rh::sim
