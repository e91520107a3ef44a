#include "sim/time.h"

#include <charconv>
#include <algorithm>
#include <cstdio>

namespace rh::sim {

double ToSeconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

std::string FormatRfc3339Utc(WallTime t) {
  using namespace std::chrono;
  const auto ms = time_point_cast<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd(day);
  const hh_mm_ss hms(ms - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()),
                static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::string FormatRfc3339(WallTime t, std::chrono::minutes utc_offset, int fraction_digits) {
  using namespace std::chrono;
  const WallTime local = t + utc_offset;
  const auto day = floor<days>(local);
  const year_month_day ymd(day);
  const auto since_midnight = local - day;
  const hh_mm_ss hms(duration_cast<seconds>(since_midnight));
  const auto nanos = (since_midnight - duration_cast<seconds>(since_midnight)).count();
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                        static_cast<int>(hms.seconds().count()));
  std::string out(buf, static_cast<std::size_t>(n));
  if (fraction_digits > 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
    out.append(buf, static_cast<std::size_t>(1 + std::min(fraction_digits, 9)));
  }
  const auto off = utc_offset.count();
  const auto abs_off = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", off < 0 ? '-' : '+', static_cast<long long>(abs_off / 60),
                static_cast<long long>(abs_off % 60));
  out += buf;
  return out;
}

namespace {
bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}
}  // namespace

namespace {
constexpr int kMinRfc3339Year = 1700;
constexpr int kMaxRfc3339Year = 2200;
}  // namespace

bool ParseRfc3339(std::string_view s, WallTime& out) {
  using namespace std::chrono;
  int y, mo, d, h, mi, se;
  if (!Digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, mo) || s[7] != '-' ||
      !Digits(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !Digits(s, 11, 2, h) || s[13] != ':' || !Digits(s, 14, 2, mi) || s[16] != ':' ||
      !Digits(s, 17, 2, se)) {
    return false;
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return false;
  // A WallTime counts nanoseconds in 64 bits: 1677 to 2262. Years outside 1700..2200 are refused
  // rather than overflowed (the fuzzer found year 1012 in a Klaviyo filter).
  if (y < kMinRfc3339Year || y > kMaxRfc3339Year) return false;
  std::size_t pos = 19;
  Duration frac{0};
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000, ns = 0;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      ns += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return false;
    frac = Duration(ns);
  }
  Duration offset{0};
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om)) {
      return false;
    }
    offset = hours(oh) + minutes(om);
    if (s[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return false;
  }
  if (pos != s.size()) return false;
  out = WallTime(sys_days(ymd).time_since_epoch()) + hours(h) + minutes(mi) + seconds(se) + frac -
        offset;
  return true;
}

namespace {
constexpr std::string_view kWeekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string FormatHttpDate(WallTime t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd(days);
  const std::chrono::hh_mm_ss hms(secs - days);
  const unsigned weekday = std::chrono::weekday(days).c_encoding();
  char out[40];
  std::snprintf(out, sizeof out, "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[weekday].data(),
                static_cast<unsigned>(ymd.day()), kMonths[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return out;
}

bool ParseHttpDate(std::string_view text, WallTime& out) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions.
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") return false;
  auto number = [&](std::size_t at, std::size_t n, int& value) {
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + n, value);
    return ec == std::errc() && end == text.data() + at + n;
  };
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  if (!number(5, 2, day) || !number(12, 4, year) || !number(17, 2, hour) || !number(20, 2, minute) ||
      !number(23, 2, second) || text[16] != ' ' || text[19] != ':' || text[22] != ':') {
    return false;
  }
  const auto month = std::find(std::begin(kMonths), std::end(kMonths), text.substr(8, 3));
  if (month == std::end(kMonths) || hour > 23 || minute > 59 || second > 60) return false;
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month - std::begin(kMonths) + 1)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return false;
  out = std::chrono::sys_days(ymd) + std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
  return true;
}

}  // namespace rh::sim
