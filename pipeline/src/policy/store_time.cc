// TZif (RFC 8536) and POSIX TZ rules, enough to answer "what is the UTC offset at this instant".
// Everything below Load() is pure arithmetic on whole seconds.
#include "pipeline/store_time.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <utility>
#include <vector>

#include "sim/check.h"

namespace rh::pipeline {
namespace detail {
namespace {

constexpr std::int64_t kMinTime = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxTime = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kSecondsPerDay = 86400;
// Real offsets stay within about +-16h (historic local mean times); anything near a day is a
// corrupt file, and StartOfLocalDay's search relies on the bound.
constexpr std::int32_t kMaxOffsetSeconds = 26 * 3600;
constexpr std::size_t kMaxTzifBytes = 1 << 20;

std::int64_t DaysSinceEpoch(std::chrono::year_month_day ymd) {
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

}  // namespace

// A POSIX TZ rule date ("Jn", "n" or "Mm.w.d") and the local time of day of the change.
struct RuleDate {
  enum class Kind { kJulianNoLeap, kZeroBased, kMonthWeekDay };
  Kind kind = Kind::kMonthWeekDay;
  int day = 0;    // Jn: 1..365 (Feb 29 never counted); n: 0..365; Mm.w.d: weekday 0 (Sunday)..6
  int month = 0;  // Mm.w.d only: 1..12
  int week = 0;   // Mm.w.d only: 1..5, 5 meaning the last such weekday of the month
  std::int64_t time = 2 * 3600;  // seconds after local midnight; RFC 8536 allows -167h..167h

  std::int64_t DayOf(int year) const {
    using namespace std::chrono;
    const auto y = std::chrono::year{year};
    switch (kind) {
      case Kind::kJulianNoLeap: {
        const std::int64_t jan1 = DaysSinceEpoch(y / January / 1);
        return jan1 + (day - 1) + ((y.is_leap() && day >= 60) ? 1 : 0);
      }
      case Kind::kZeroBased:
        return DaysSinceEpoch(y / January / 1) + day;
      case Kind::kMonthWeekDay: {
        const auto m = std::chrono::month{static_cast<unsigned>(month)};
        const auto wd = weekday{static_cast<unsigned>(day)};
        if (week == 5) return sys_days(year_month_weekday_last(y, m, weekday_last(wd))).time_since_epoch().count();
        return sys_days(year_month_weekday(y, m, wd[static_cast<unsigned>(week)])).time_since_epoch().count();
      }
    }
    return 0;
  }
};

// A stretch of time with one offset: [begin, end) in Unix seconds.
struct Segment {
  std::int64_t begin = kMinTime;
  std::int64_t end = kMaxTime;
  std::int32_t offset = 0;
};

struct PosixRule {
  std::int32_t std_offset = 0;  // seconds east of UTC (the opposite of POSIX's sign)
  bool has_dst = false;
  std::int32_t dst_offset = 0;
  RuleDate start;  // enters DST, in local standard time
  RuleDate end;    // leaves DST, in local daylight time

  Segment SegmentAt(std::int64_t t) const {
    if (!has_dst) return {kMinTime, kMaxTime, std_offset};
    // Changes of the years around t, sorted. Five years cover rule times up to a week outside
    // their year and the southern hemisphere, whose DST spans New Year.
    const std::chrono::sys_seconds local_reading{std::chrono::seconds(t + std_offset)};
    const int year =
        static_cast<int>(std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(local_reading)).year());
    std::array<std::pair<std::int64_t, bool>, 10> changes{};
    std::size_t n = 0;
    for (int y = year - 2; y <= year + 2; ++y) {
      changes[n++] = {start.DayOf(y) * kSecondsPerDay + start.time - std_offset, true};
      changes[n++] = {end.DayOf(y) * kSecondsPerDay + end.time - dst_offset, false};
    }
    // At equal instants the leaving change sorts first, so a zone in DST all year stays in it.
    std::sort(changes.begin(), changes.end());
    Segment seg{kMinTime, changes.front().first, std_offset};
    for (std::size_t i = 0; i < changes.size(); ++i) {
      if (changes[i].first > t) break;
      seg.begin = changes[i].first;
      seg.end = i + 1 < changes.size() ? changes[i + 1].first : kMaxTime;
      seg.offset = changes[i].second ? dst_offset : std_offset;
    }
    return seg;
  }
};

struct ZoneRules {
  std::vector<std::int64_t> transitions;  // Unix seconds, strictly increasing
  std::vector<std::uint8_t> transition_types;
  std::vector<std::int32_t> type_offsets;  // at least one; type 0 applies before the first transition
  std::optional<PosixRule> footer;         // after the last transition

  Segment SegmentAt(std::int64_t t) const {
    if (transitions.empty()) {
      if (footer) return footer->SegmentAt(t);
      return {kMinTime, kMaxTime, type_offsets.front()};
    }
    if (t < transitions.front()) return {kMinTime, transitions.front(), type_offsets.front()};
    const auto it = std::upper_bound(transitions.begin(), transitions.end(), t);
    const auto idx = static_cast<std::size_t>(std::distance(transitions.begin(), it)) - 1;
    const std::int32_t offset = type_offsets[transition_types[idx]];
    if (idx + 1 < transitions.size()) return {transitions[idx], transitions[idx + 1], offset};
    if (!footer) return {transitions[idx], kMaxTime, offset};
    Segment seg = footer->SegmentAt(t);
    seg.begin = std::max(seg.begin, transitions[idx]);
    return seg;
  }
};

namespace {

// --- POSIX TZ strings -------------------------------------------------------------------------

class PosixParser {
 public:
  explicit PosixParser(std::string_view text) : s_(text) {}

  std::optional<PosixRule> Parse(std::string& error) {
    PosixRule rule;
    std::int64_t offset = 0;
    if (!Name() || !Offset(24, offset)) return Fail(error, "bad standard time");
    rule.std_offset = static_cast<std::int32_t>(-offset);
    if (AtEnd()) return rule;
    if (!Name()) return Fail(error, "bad daylight time name");
    rule.has_dst = true;
    rule.dst_offset = rule.std_offset + 3600;
    if (!AtEnd() && Peek() != ',') {
      if (!Offset(24, offset)) return Fail(error, "bad daylight time offset");
      rule.dst_offset = static_cast<std::int32_t>(-offset);
    }
    // Without rules POSIX leaves the dates to the implementation; tzdata footers always give them.
    if (!Eat(',') || !Date(rule.start) || !Eat(',') || !Date(rule.end) || !AtEnd()) {
      return Fail(error, "bad or missing daylight saving rules");
    }
    return rule;
  }

 private:
  static std::optional<PosixRule> Fail(std::string& error, const char* what) {
    error = what;
    return std::nullopt;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[i_]; }
  bool Eat(char c) {
    if (Peek() != c) return false;
    ++i_;
    return true;
  }
  static bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  // "EST" (three or more letters) or "<+0530>" (quoted, letters, digits and signs).
  bool Name() {
    const std::size_t begin = i_;
    if (Eat('<')) {
      while (!AtEnd() && Peek() != '>') {
        const char c = Peek();
        if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-') return false;
        ++i_;
      }
      return Eat('>') && i_ - begin >= 5;
    }
    while (IsAlpha(Peek())) ++i_;
    return i_ - begin >= 3;
  }

  bool Number(int max_digits, std::int64_t& out) {
    out = 0;
    int digits = 0;
    while (IsDigit(Peek()) && digits < max_digits) {
      out = out * 10 + (Peek() - '0');
      ++i_;
      ++digits;
    }
    return digits > 0;
  }

  // [+-]hh[:mm[:ss]] in seconds, as written (POSIX offsets are west-positive).
  bool Offset(std::int64_t max_hours, std::int64_t& out) {
    std::int64_t sign = 1;
    if (Eat('-')) {
      sign = -1;
    } else {
      Eat('+');
    }
    std::int64_t h = 0, m = 0, sec = 0;
    if (!Number(3, h) || h > max_hours) return false;
    if (Eat(':')) {
      if (!Number(2, m) || m > 59) return false;
      if (Eat(':') && (!Number(2, sec) || sec > 59)) return false;
    }
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }

  bool Date(RuleDate& d) {
    std::int64_t a = 0, b = 0, c = 0;
    if (Eat('J')) {
      if (!Number(3, a) || a < 1 || a > 365) return false;
      d.kind = RuleDate::Kind::kJulianNoLeap;
      d.day = static_cast<int>(a);
    } else if (Eat('M')) {
      if (!Number(2, a) || a < 1 || a > 12 || !Eat('.') || !Number(1, b) || b < 1 || b > 5 || !Eat('.') ||
          !Number(1, c) || c > 6) {
        return false;
      }
      d.kind = RuleDate::Kind::kMonthWeekDay;
      d.month = static_cast<int>(a);
      d.week = static_cast<int>(b);
      d.day = static_cast<int>(c);
    } else {
      if (!Number(3, a) || a > 365) return false;
      d.kind = RuleDate::Kind::kZeroBased;
      d.day = static_cast<int>(a);
    }
    d.time = 2 * 3600;
    if (Eat('/')) return Offset(167, d.time);
    return true;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

// --- TZif files -------------------------------------------------------------------------------

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : b_(bytes) {}
  bool Has(std::size_t n) const { return b_.size() - i_ >= n; }
  std::size_t pos() const { return i_; }
  void Skip(std::size_t n) { i_ += n; }
  std::uint8_t U8() { return static_cast<std::uint8_t>(b_[i_++]); }
  std::uint32_t U32() {
    std::uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v = (v << 8) | U8();
    return v;
  }
  std::int64_t I64() {
    std::uint64_t v = 0;
    for (int k = 0; k < 8; ++k) v = (v << 8) | U8();
    return static_cast<std::int64_t>(v);
  }
  std::string_view Rest() const { return b_.substr(i_); }

 private:
  std::string_view b_;
  std::size_t i_ = 0;
};

struct TzifHeader {
  char version = 0;
  std::uint32_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;

  std::size_t DataBytes(std::size_t time_size) const {
    return std::size_t{timecnt} * time_size + timecnt + std::size_t{typecnt} * 6 + charcnt +
           std::size_t{leapcnt} * (time_size + 4) + isstdcnt + isutcnt;
  }
};

bool ReadHeader(ByteReader& r, TzifHeader& h, std::string& error) {
  if (!r.Has(44) || r.Rest().substr(0, 4) != "TZif") {
    error = "not a TZif file";
    return false;
  }
  r.Skip(4);
  h.version = static_cast<char>(r.U8());
  r.Skip(15);
  h.isutcnt = r.U32();
  h.isstdcnt = r.U32();
  h.leapcnt = r.U32();
  h.timecnt = r.U32();
  h.typecnt = r.U32();
  h.charcnt = r.U32();
  if (h.typecnt == 0 || h.typecnt > 256 || h.charcnt == 0 || h.timecnt > 100000 ||
      (h.isstdcnt != 0 && h.isstdcnt != h.typecnt) || (h.isutcnt != 0 && h.isutcnt != h.typecnt)) {
    error = "malformed TZif header";
    return false;
  }
  if (h.leapcnt != 0) {
    error = "leap-second zones (\"right/\") are not supported";
    return false;
  }
  return true;
}

std::optional<ZoneRules> ParseTzif(std::string_view bytes, std::string& error) {
  ByteReader r(bytes);
  TzifHeader h;
  if (!ReadHeader(r, h, error)) return std::nullopt;
  std::size_t time_size = 4;
  if (h.version >= '2') {
    // Version 2+ repeats the data with 64-bit times after the version 1 block; read only that.
    if (!r.Has(h.DataBytes(4))) {
      error = "truncated TZif file";
      return std::nullopt;
    }
    r.Skip(h.DataBytes(4));
    if (!ReadHeader(r, h, error)) return std::nullopt;
    time_size = 8;
  }
  if (!r.Has(h.DataBytes(time_size))) {
    error = "truncated TZif file";
    return std::nullopt;
  }
  ZoneRules rules;
  rules.transitions.reserve(h.timecnt);
  for (std::uint32_t k = 0; k < h.timecnt; ++k) {
    const std::int64_t t = time_size == 8 ? r.I64() : static_cast<std::int64_t>(static_cast<std::int32_t>(r.U32()));
    if (!rules.transitions.empty() && t <= rules.transitions.back()) {
      error = "TZif transitions out of order";
      return std::nullopt;
    }
    rules.transitions.push_back(t);
  }
  for (std::uint32_t k = 0; k < h.timecnt; ++k) {
    const std::uint8_t type = r.U8();
    if (type >= h.typecnt) {
      error = "TZif transition names an unknown local time type";
      return std::nullopt;
    }
    rules.transition_types.push_back(type);
  }
  for (std::uint32_t k = 0; k < h.typecnt; ++k) {
    const auto offset = static_cast<std::int32_t>(r.U32());
    r.Skip(2);  // is_dst and the abbreviation's index: the policy needs neither
    if (offset <= -kMaxOffsetSeconds || offset >= kMaxOffsetSeconds) {
      error = "TZif offset out of range";
      return std::nullopt;
    }
    rules.type_offsets.push_back(offset);
  }
  r.Skip(h.charcnt + h.isstdcnt + h.isutcnt);
  if (time_size == 8) {
    // The footer: "\n<POSIX TZ string>\n"; empty when no rule extends the table.
    const std::string_view rest = r.Rest();
    if (rest.size() < 2 || rest.front() != '\n') {
      error = "TZif footer missing";
      return std::nullopt;
    }
    const std::size_t close = rest.find('\n', 1);
    if (close == std::string_view::npos) {
      error = "TZif footer not terminated";
      return std::nullopt;
    }
    const std::string_view tz = rest.substr(1, close - 1);
    if (!tz.empty()) {
      std::string why;
      rules.footer = PosixParser(tz).Parse(why);
      if (!rules.footer) {
        error = "TZif footer \"" + std::string(tz) + "\": " + why;
        return std::nullopt;
      }
    }
  }
  return rules;
}

bool ValidZoneName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
  if (name.find("..") != std::string_view::npos || name.find("//") != std::string_view::npos) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
           c == '-' || c == '/';
  });
}

// "+05:30" / "-08:00".
std::optional<std::int32_t> ParseFixedOffset(std::string_view s) {
  if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
  for (const std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{4}, std::size_t{5}}) {
    if (s[k] < '0' || s[k] > '9') return std::nullopt;
  }
  const int h = (s[1] - '0') * 10 + (s[2] - '0');
  const int m = (s[4] - '0') * 10 + (s[5] - '0');
  if (m > 59 || h * 60 + m > 18 * 60) return std::nullopt;
  const int magnitude = (h * 60 + m) * 60;
  return s[0] == '-' ? -magnitude : magnitude;
}

std::string FixedName(std::int64_t offset_s) {
  const std::int64_t magnitude = offset_s < 0 ? -offset_s : offset_s;
  const std::int64_t h = magnitude / 3600, m = magnitude % 3600 / 60;
  std::string out(1, offset_s < 0 ? '-' : '+');
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

std::shared_ptr<const ZoneRules> FixedRules(std::int32_t offset_s) {
  auto rules = std::make_shared<ZoneRules>();
  rules->type_offsets.push_back(offset_s);
  return rules;
}

std::int64_t ToSeconds(sim::WallTime t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

sim::WallTime FromSeconds(std::int64_t s) { return sim::WallTime(std::chrono::seconds(s)); }

}  // namespace
}  // namespace detail

TimeZone::TimeZone() : name_("UTC"), rules_(detail::FixedRules(0)) {}

TimeZone::TimeZone(std::string name, std::shared_ptr<const detail::ZoneRules> rules)
    : name_(std::move(name)), rules_(std::move(rules)) {}

sim::Expected<TimeZone, std::string> TimeZone::Load(std::string_view name, std::string_view zoneinfo_dir) {
  if (name == "UTC") return TimeZone();
  if (!name.empty() && (name.front() == '+' || name.front() == '-')) {
    const auto offset = detail::ParseFixedOffset(name);
    if (!offset) {
      return sim::MakeUnexpected("bad fixed UTC offset '" + std::string(name) +
                                 "' (expected +HH:MM or -HH:MM, at most 18:00)");
    }
    return TimeZone(std::string(name), detail::FixedRules(*offset));
  }
  if (!detail::ValidZoneName(name)) {
    return sim::MakeUnexpected("'" + std::string(name) + "' is not a time zone name");
  }
  const std::filesystem::path path = std::filesystem::path(zoneinfo_dir) / std::string(name);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return sim::MakeUnexpected("unknown time zone '" + std::string(name) + "' (no file " + path.string() + ")");
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes;
  if (in) {
    bytes.resize(detail::kMaxTzifBytes + 1);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
  }
  if (bytes.empty() || bytes.size() > detail::kMaxTzifBytes) {
    return sim::MakeUnexpected("cannot read time zone file " + path.string());
  }
  return FromTzif(std::string(name), bytes);
}

sim::Expected<TimeZone, std::string> TimeZone::FromTzif(std::string name, std::string_view bytes) {
  std::string error;
  auto rules = detail::ParseTzif(bytes, error);
  if (!rules) return sim::MakeUnexpected("time zone '" + name + "': " + error);
  return TimeZone(std::move(name), std::make_shared<const detail::ZoneRules>(std::move(*rules)));
}

sim::Expected<TimeZone, std::string> TimeZone::FromPosix(std::string name, std::string_view tz) {
  std::string error;
  auto rule = detail::PosixParser(tz).Parse(error);
  if (!rule) return sim::MakeUnexpected("time zone '" + name + "': TZ string \"" + std::string(tz) + "\": " + error);
  auto rules = std::make_shared<detail::ZoneRules>();
  rules->type_offsets.push_back(rule->std_offset);
  rules->footer = *rule;
  return TimeZone(std::move(name), std::move(rules));
}

TimeZone TimeZone::Fixed(std::chrono::seconds utc_offset) {
  RH_CHECK(utc_offset <= std::chrono::hours(18) && utc_offset >= -std::chrono::hours(18),
           "fixed UTC offset beyond 18 hours");
  const auto offset = static_cast<std::int32_t>(utc_offset.count());
  return TimeZone(detail::FixedName(offset), detail::FixedRules(offset));
}

std::chrono::seconds TimeZone::OffsetAt(sim::WallTime t) const {
  return std::chrono::seconds(rules_->SegmentAt(detail::ToSeconds(t)).offset);
}

std::chrono::local_time<sim::Duration> TimeZone::ToLocal(sim::WallTime t) const {
  return std::chrono::local_time<sim::Duration>(t.time_since_epoch() + OffsetAt(t));
}

std::chrono::year_month_day TimeZone::LocalDate(sim::WallTime t) const {
  return std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(ToLocal(t)));
}

sim::WallTime TimeZone::StartOfLocalDay(std::chrono::year_month_day day) const {
  RH_CHECK(day.ok(), "StartOfLocalDay needs a valid date");
  const std::int64_t midnight = detail::DaysSinceEpoch(day) * detail::kSecondsPerDay;  // as a local reading
  // Walk the offset segments from a point surely before local midnight; in each, local time is
  // t + offset, so the first t reaching midnight there is max(begin, midnight - offset).
  std::int64_t t = midnight - detail::kMaxOffsetSeconds - 1;
  for (int guard = 0; guard < 64; ++guard) {
    const detail::Segment seg = rules_->SegmentAt(t);
    const std::int64_t candidate = std::max(t, midnight - seg.offset);
    if (candidate < seg.end) return detail::FromSeconds(candidate);
    t = seg.end;
  }
  RH_CHECK(false, "StartOfLocalDay found no segment reaching local midnight");
  return {};
}

std::optional<sim::WallTime> TimeZone::NextTransition(sim::WallTime t) const {
  std::int64_t s = detail::ToSeconds(t);
  const std::int32_t offset = rules_->SegmentAt(s).offset;
  for (int guard = 0; guard < 64; ++guard) {
    const detail::Segment seg = rules_->SegmentAt(s);
    if (seg.offset != offset) return detail::FromSeconds(seg.begin);
    if (seg.end == detail::kMaxTime) return std::nullopt;
    s = seg.end;
  }
  return std::nullopt;
}

}  // namespace rh::pipeline
