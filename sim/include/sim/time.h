// Time types shared by every layer: a monotonic Instant for timeouts, limits and latency, and a
// calendar WallTime only for values that leave the process (timestamps in payloads).
// Nothing here reads a clock; see clock.h for that.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace rh::sim {

// Nanoseconds: fine enough for latency histograms, wide enough for centuries of virtual time.
using Duration = std::chrono::nanoseconds;

// Tag for the monotonic timeline of one run: zero is the start of the run (sim) or of the
// process's steady clock (live). It has no now(); only a Clock gives the time.
struct RunTimeline {
  using rep = Duration::rep;
  using period = Duration::period;
  using duration = Duration;
  using time_point = std::chrono::time_point<RunTimeline, Duration>;
  static constexpr bool is_steady = true;
};
using Instant = RunTimeline::time_point;

// Calendar time (UTC, Unix epoch).
using WallTime = std::chrono::sys_time<Duration>;

// Both readings of one moment, so pure handlers receive them together: `monotonic` for limits
// and latency, `wall` for timestamps that appear in payloads.
struct Moment {
  Instant monotonic{};
  WallTime wall{};
};

inline constexpr Duration Ms(std::int64_t n) { return std::chrono::milliseconds(n); }
inline constexpr Duration Sec(std::int64_t n) { return std::chrono::seconds(n); }
inline constexpr Duration Minutes(std::int64_t n) { return std::chrono::minutes(n); }
inline constexpr Duration Hours(std::int64_t n) { return std::chrono::hours(n); }
inline constexpr Duration Days(std::int64_t n) { return std::chrono::hours(24 * n); }

// Seconds since the start of the run, as a double, for traces and reports.
double ToSeconds(Duration d);

// "2026-11-27T09:30:00.123Z" style (UTC, milliseconds). Deterministic: pure calendar arithmetic,
// no locale, no time zone database.
std::string FormatRfc3339Utc(WallTime t);

// ISO 8601 / RFC 3339 in a fixed UTC offset with `fraction_digits` (0, 3, 6 or 9) decimals:
// Shopify writes "2026-11-23T04:00:00-05:00", Gorgias "2026-11-23T09:00:00.201204+00:00".
std::string FormatRfc3339(WallTime t, std::chrono::minutes utc_offset, int fraction_digits);

// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)"; false on anything else.
bool ParseRfc3339(std::string_view text, WallTime& out);

// HTTP's Date header (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT", whole seconds.
std::string FormatHttpDate(WallTime t);
// Parses IMF-fixdate only (not the obsolete forms); false on anything else.
bool ParseHttpDate(std::string_view text, WallTime& out);

}  // namespace rh::sim
