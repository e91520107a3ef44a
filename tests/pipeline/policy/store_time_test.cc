// Goal: the store's time zone gives the same offsets, local dates and local midnights as the tz
// database, across DST in both hemispheres, past the last listed transition (the POSIX footer),
// on days whose midnight is skipped, and for fixed offsets; bad names are refused with a reason.
// Expected values were checked against Python's zoneinfo on the same tzdata.
#include "pipeline/store_time.h"

#include <gtest/gtest.h>

namespace rh::pipeline {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::seconds;
using std::chrono::year;
using std::chrono::year_month_day;

sim::WallTime Utc(std::string_view rfc3339) {
  sim::WallTime t;
  EXPECT_TRUE(sim::ParseRfc3339(rfc3339, t)) << rfc3339;
  return t;
}

year_month_day Ymd(int y, unsigned m, unsigned d) { return year{y} / month{m} / day{d}; }

TimeZone Zone(std::string_view name) {
  auto zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.has_value()) << (zone ? "" : zone.error());
  return zone ? zone.value() : TimeZone();
}

TEST(StoreTime, DefaultIsUtc) {
  const TimeZone utc;
  EXPECT_EQ(utc.name(), "UTC");
  EXPECT_EQ(utc.OffsetAt(Utc("2026-07-01T12:00:00Z")), seconds(0));
  EXPECT_EQ(utc.StartOfLocalDay(Ymd(2026, 11, 27)), Utc("2026-11-27T00:00:00Z"));
  EXPECT_EQ(Zone("UTC").name(), "UTC");
}

TEST(StoreTime, NewYorkSpringsForwardAndFallsBackAtTwoInTheMorning) {
  const TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetAt(Utc("2026-03-08T06:59:59Z")), seconds(-5 * 3600));
  EXPECT_EQ(ny.OffsetAt(Utc("2026-03-08T07:00:00Z")), seconds(-4 * 3600));
  EXPECT_EQ(ny.OffsetAt(Utc("2026-11-01T05:59:59Z")), seconds(-4 * 3600));
  EXPECT_EQ(ny.OffsetAt(Utc("2026-11-01T06:00:00Z")), seconds(-5 * 3600));
  // Local midnights on both transition days and the day after.
  EXPECT_EQ(ny.StartOfLocalDay(Ymd(2026, 3, 8)), Utc("2026-03-08T05:00:00Z"));
  EXPECT_EQ(ny.StartOfLocalDay(Ymd(2026, 3, 9)), Utc("2026-03-09T04:00:00Z"));
  EXPECT_EQ(ny.StartOfLocalDay(Ymd(2026, 11, 1)), Utc("2026-11-01T04:00:00Z"));
  EXPECT_EQ(ny.StartOfLocalDay(Ymd(2026, 11, 2)), Utc("2026-11-02T05:00:00Z"));
  // The repeated hour belongs to one local date; the date turns at local midnight, not UTC's.
  EXPECT_EQ(ny.LocalDate(Utc("2026-11-02T04:59:59Z")), Ymd(2026, 11, 1));
  EXPECT_EQ(ny.LocalDate(Utc("2026-11-02T05:00:00Z")), Ymd(2026, 11, 2));
  EXPECT_EQ(ny.NextTransition(Utc("2026-01-01T00:00:00Z")), Utc("2026-03-08T07:00:00Z"));
}

TEST(StoreTime, BerlinChangesAtOneUtc) {
  const TimeZone berlin = Zone("Europe/Berlin");
  EXPECT_EQ(berlin.OffsetAt(Utc("2026-03-29T00:59:59Z")), seconds(3600));
  EXPECT_EQ(berlin.OffsetAt(Utc("2026-03-29T01:00:00Z")), seconds(7200));
  EXPECT_EQ(berlin.OffsetAt(Utc("2026-10-25T00:59:59Z")), seconds(7200));
  EXPECT_EQ(berlin.OffsetAt(Utc("2026-10-25T01:00:00Z")), seconds(3600));
  EXPECT_EQ(berlin.StartOfLocalDay(Ymd(2026, 3, 29)), Utc("2026-03-28T23:00:00Z"));
  EXPECT_EQ(berlin.StartOfLocalDay(Ymd(2026, 10, 25)), Utc("2026-10-24T22:00:00Z"));
  EXPECT_EQ(berlin.StartOfLocalDay(Ymd(2026, 10, 26)), Utc("2026-10-25T23:00:00Z"));
}

TEST(StoreTime, SydneyKeepsSummerTimeOverNewYear) {
  const TimeZone sydney = Zone("Australia/Sydney");
  EXPECT_EQ(sydney.OffsetAt(Utc("2026-01-15T00:00:00Z")), seconds(11 * 3600));
  EXPECT_EQ(sydney.OffsetAt(Utc("2026-07-15T00:00:00Z")), seconds(10 * 3600));
  EXPECT_EQ(sydney.StartOfLocalDay(Ymd(2026, 1, 1)), Utc("2025-12-31T13:00:00Z"));
  EXPECT_EQ(sydney.StartOfLocalDay(Ymd(2026, 4, 5)), Utc("2026-04-04T13:00:00Z"));
  EXPECT_EQ(sydney.StartOfLocalDay(Ymd(2026, 10, 4)), Utc("2026-10-03T14:00:00Z"));
  EXPECT_EQ(sydney.LocalDate(Utc("2025-12-31T12:59:59Z")), Ymd(2025, 12, 31));
  EXPECT_EQ(sydney.LocalDate(Utc("2025-12-31T13:00:00Z")), Ymd(2026, 1, 1));
}

TEST(StoreTime, FooterRulesApplyAfterTheLastListedTransition) {
  const TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetAt(Utc("2040-03-11T06:59:59Z")), seconds(-5 * 3600));
  EXPECT_EQ(ny.OffsetAt(Utc("2040-03-11T07:00:00Z")), seconds(-4 * 3600));
  const TimeZone sydney = Zone("Australia/Sydney");
  EXPECT_EQ(sydney.OffsetAt(Utc("2050-04-02T15:59:59Z")), seconds(11 * 3600));
  EXPECT_EQ(sydney.OffsetAt(Utc("2050-04-02T16:00:00Z")), seconds(10 * 3600));
  EXPECT_EQ(sydney.OffsetAt(Utc("2050-10-01T15:59:00Z")), seconds(10 * 3600));
  EXPECT_EQ(sydney.OffsetAt(Utc("2050-10-01T16:00:00Z")), seconds(11 * 3600));
}

TEST(StoreTime, PosixStringAloneMatchesTheDatabase) {
  const auto posix = TimeZone::FromPosix("sydney-rule", "AEST-10AEDT,M10.1.0,M4.1.0/3");
  ASSERT_TRUE(posix.has_value()) << posix.error();
  const TimeZone sydney = Zone("Australia/Sydney");
  for (const char* t : {"2045-01-01T00:00:00Z", "2045-04-01T15:59:59Z", "2045-04-01T16:00:00Z",
                        "2045-09-30T15:59:59Z", "2045-09-30T16:00:00Z", "2045-12-31T23:00:00Z"}) {
    EXPECT_EQ(posix->OffsetAt(Utc(t)), sydney.OffsetAt(Utc(t))) << t;
  }
}

TEST(StoreTime, JulianRuleDatesCountOrSkipTheLeapDay) {
  // Jn never counts February 29 (J60 is always March 1); n counts it (59 is Feb 29 in a leap year).
  const auto julian = TimeZone::FromPosix("j", "AAA0BBB,J60/0,J300/0");
  const auto zero_based = TimeZone::FromPosix("n", "AAA0BBB,59/0,300/0");
  ASSERT_TRUE(julian.has_value() && zero_based.has_value());
  EXPECT_EQ(julian->NextTransition(Utc("2024-01-01T00:00:00Z")), Utc("2024-03-01T00:00:00Z"));
  EXPECT_EQ(julian->NextTransition(Utc("2023-01-01T00:00:00Z")), Utc("2023-03-01T00:00:00Z"));
  EXPECT_EQ(zero_based->NextTransition(Utc("2024-01-01T00:00:00Z")), Utc("2024-02-29T00:00:00Z"));
  EXPECT_EQ(zero_based->NextTransition(Utc("2023-01-01T00:00:00Z")), Utc("2023-03-01T00:00:00Z"));
}

TEST(StoreTime, SkippedMidnightStartsTheDayAtTheJump) {
  // Santiago springs forward at 24:00: 6 September 2026 begins at 01:00 local.
  const TimeZone santiago = Zone("America/Santiago");
  const sim::WallTime start = santiago.StartOfLocalDay(Ymd(2026, 9, 6));
  EXPECT_EQ(start, Utc("2026-09-06T04:00:00Z"));
  EXPECT_EQ(santiago.LocalDate(start), Ymd(2026, 9, 6));
  EXPECT_EQ(santiago.LocalDate(start - std::chrono::nanoseconds(1)), Ymd(2026, 9, 5));
  EXPECT_EQ(santiago.StartOfLocalDay(Ymd(2026, 4, 5)), Utc("2026-04-05T04:00:00Z"));
}

TEST(StoreTime, FixedOffsets) {
  const TimeZone india = Zone("+05:30");
  EXPECT_EQ(india.name(), "+05:30");
  EXPECT_EQ(india.OffsetAt(Utc("2026-01-01T00:00:00Z")), seconds(19800));
  EXPECT_EQ(india.StartOfLocalDay(Ymd(2026, 1, 1)), Utc("2025-12-31T18:30:00Z"));
  EXPECT_EQ(Zone("-08:00").OffsetAt(Utc("2026-07-01T00:00:00Z")), seconds(-28800));
  EXPECT_EQ(TimeZone::Fixed(seconds(-9000)).name(), "-02:30");
  EXPECT_FALSE(Zone("-08:00").NextTransition(Utc("2026-01-01T00:00:00Z")).has_value());
  // The tz database's own fixed zones load too (POSIX-inverted sign in the name).
  EXPECT_EQ(Zone("Etc/GMT+5").OffsetAt(Utc("2026-01-01T00:00:00Z")), seconds(-5 * 3600));
}

TEST(StoreTime, RefusesUnknownAndMalformedZones) {
  const auto unknown = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error(), "unknown time zone 'Mars/Olympus_Mons' (no file /usr/share/zoneinfo/Mars/Olympus_Mons)");
  EXPECT_EQ(TimeZone::Load("../../etc/passwd").error(), "'../../etc/passwd' is not a time zone name");
  EXPECT_EQ(TimeZone::Load("America").error(), "unknown time zone 'America' (no file /usr/share/zoneinfo/America)");
  EXPECT_EQ(TimeZone::Load("+5:30").error(), "bad fixed UTC offset '+5:30' (expected +HH:MM or -HH:MM, at most 18:00)");
  EXPECT_FALSE(TimeZone::Load("+19:00").has_value());
  EXPECT_FALSE(TimeZone::Load("").has_value());
  EXPECT_EQ(TimeZone::FromTzif("junk", "hello").error(), "time zone 'junk': not a TZif file");
  EXPECT_EQ(TimeZone::FromPosix("p", "EST5EDT").error(),
            "time zone 'p': TZ string \"EST5EDT\": bad or missing daylight saving rules");
}

TEST(StoreTime, RefusesTruncatedFiles) {
  // A header that promises more than the bytes hold.
  std::string bytes = "TZif2";
  bytes.resize(44, '\0');
  bytes[43] = 1;   // charcnt = 1
  bytes[39] = 1;   // typecnt = 1
  bytes[35] = 9;   // timecnt = 9
  EXPECT_EQ(TimeZone::FromTzif("cut", bytes).error(), "time zone 'cut': truncated TZif file");
}

}  // namespace
}  // namespace rh::pipeline
