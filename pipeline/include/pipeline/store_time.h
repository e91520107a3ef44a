// The store's time zone: return windows are counted in the store's local calendar days, so the
// policy needs UTC offsets and local midnights, DST included. GCC 12's libstdc++ has no
// std::chrono::zoned_time, so this reads the system's tz database (TZif files) itself.
//
// It must not read a clock: every answer is a pure function of the zone's rules and the instant
// passed in. Only Load() touches the file system, once; a loaded zone is immutable and cheap to
// copy (the rules are shared), so a Policy holding one can be copied and read from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "sim/expected.h"
#include "sim/time.h"

namespace rh::pipeline {

namespace detail {
struct ZoneRules;
}  // namespace detail

inline constexpr std::string_view kDefaultZoneinfoDir = "/usr/share/zoneinfo";

class TimeZone {
 public:
  // UTC.
  TimeZone();

  // Loads a zone by name:
  //  - "UTC" (built in, no file needed);
  //  - a fixed offset "+HH:MM" or "-HH:MM" (at most 18:00 either way), e.g. "+05:30";
  //  - an IANA name ("America/New_York", "Etc/GMT+5") read from `zoneinfo_dir` as a TZif file
  //    (version 1 to 4; 64-bit data when present; the POSIX TZ footer, e.g.
  //    "EST5EDT,M3.2.0,M11.1.0", for instants after the last listed transition).
  // The error is one sentence naming the zone and what was wrong (unknown name, unreadable or
  // malformed file). Names with "..", a leading '/' or characters outside [A-Za-z0-9_+-/] are
  // refused before touching the file system.
  static sim::Expected<TimeZone, std::string> Load(std::string_view name,
                                                   std::string_view zoneinfo_dir = kDefaultZoneinfoDir);

  // The same from bytes already read (tests, embedded zones). `name` is only reported back.
  static sim::Expected<TimeZone, std::string> FromTzif(std::string name, std::string_view bytes);

  // A zone given by a POSIX TZ string alone, e.g. "AEST-10AEDT,M10.1.0,M4.1.0/3" (the sign is
  // POSIX's: positive is west of Greenwich).
  static sim::Expected<TimeZone, std::string> FromPosix(std::string name, std::string_view tz);

  // A fixed offset east of UTC (|offset| <= 18h), named "+HH:MM" / "-HH:MM" ("UTC" for zero).
  static TimeZone Fixed(std::chrono::seconds utc_offset);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in effect at `t` (New York in winter: -18000).
  std::chrono::seconds OffsetAt(sim::WallTime t) const;

  // The local wall-clock reading of `t`.
  std::chrono::local_time<sim::Duration> ToLocal(sim::WallTime t) const;

  // The local calendar date of `t`.
  std::chrono::year_month_day LocalDate(sim::WallTime t) const;

  // The first instant whose local date is `day` or later: local midnight, or, on a day whose
  // midnight is skipped by a DST jump (America/Santiago, 00:00 -> 01:00), the instant of the jump.
  // Exactly: the smallest t with LocalDate(t) >= day, so LocalDate(result - 1ns) < day.
  // `day` must be a valid date.
  sim::WallTime StartOfLocalDay(std::chrono::year_month_day day) const;

  // The first instant after `t` at which the offset changes, or nullopt for a fixed zone.
  // (For tests and reports; the policy does not need it.)
  std::optional<sim::WallTime> NextTransition(sim::WallTime t) const;

  // Zones are equal when their names are: one name means one set of rules within a process.
  friend bool operator==(const TimeZone& a, const TimeZone& b) { return a.name_ == b.name_; }

 private:
  TimeZone(std::string name, std::shared_ptr<const detail::ZoneRules> rules);

  std::string name_;
  std::shared_ptr<const detail::ZoneRules> rules_;
};

}  // namespace rh::pipeline
