#include "pipeline/clients/rate_headers.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/untrusted_text.h"

namespace rh::pipeline::clients {
namespace {

using std::chrono::nanoseconds;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "123" -> 123; false on anything but digits (or more than 18 of them).
bool ParseUint(std::string_view s, std::int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  std::int64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

// Decimal seconds ("2", "2.0", "0.25"), exactly, to the nanosecond.
std::optional<sim::Duration> ParseDecimalSeconds(std::string_view s) {
  const auto dot = s.find('.');
  std::int64_t whole = 0;
  const std::string_view whole_text = s.substr(0, dot);
  if (whole_text.empty()) {
    if (dot == std::string_view::npos) return std::nullopt;
  } else if (whole_text.size() > 9 || !ParseUint(whole_text, whole)) {
    return std::nullopt;  // more than ~31 years is no wait anyone honours
  }
  std::int64_t frac_ns = 0;
  if (dot != std::string_view::npos) {
    const std::string_view frac = s.substr(dot + 1);
    if (frac.empty() && whole_text.empty()) return std::nullopt;
    std::int64_t scale = 100'000'000;
    for (char c : frac) {
      if (!IsDigit(c)) return std::nullopt;
      frac_ns += (c - '0') * scale;
      scale /= 10;
    }
  }
  return sim::Sec(whole) + nanoseconds(frac_ns);
}

int MonthIndex(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (kMonths[i] == m) return static_cast<int>(i) + 1;
  }
  return 0;
}

// "08:49:37".
bool ParseClock(std::string_view s, int& h, int& m, int& sec) {
  std::int64_t a = 0, b = 0, c = 0;
  if (s.size() != 8 || s[2] != ':' || s[5] != ':' || !ParseUint(s.substr(0, 2), a) || !ParseUint(s.substr(3, 2), b) ||
      !ParseUint(s.substr(6, 2), c) || a > 23 || b > 59 || c > 60) {
    return false;
  }
  h = static_cast<int>(a);
  m = static_cast<int>(b);
  sec = static_cast<int>(c);
  return true;
}

std::optional<sim::WallTime> Compose(std::int64_t year, int month, std::int64_t day, std::string_view clock) {
  using namespace std::chrono;
  int h = 0, mi = 0, s = 0;
  if (month == 0 || !ParseClock(clock, h, mi, s)) return std::nullopt;
  const year_month_day ymd{std::chrono::year{static_cast<int>(year)}, std::chrono::month{static_cast<unsigned>(month)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return sim::WallTime(sys_days(ymd).time_since_epoch()) + hours(h) + minutes(mi) + seconds(s);
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// The first integer of a header value ("350, 350;w=1, 3500;w=60" -> 350), or -1.
std::int64_t FirstInteger(std::string_view s) {
  s = Trim(s);
  std::size_t n = 0;
  while (n < s.size() && IsDigit(s[n])) ++n;
  std::int64_t v = -1;
  if (n == 0 || !ParseUint(s.substr(0, n), v)) return -1;
  return v;
}

std::optional<double> Number(const sim::Headers& headers, std::string_view name) {
  const auto v = headers.Get(name);
  if (!v) return std::nullopt;
  const std::int64_t n = FirstInteger(*v);
  if (n < 0) return std::nullopt;
  return static_cast<double>(n);
}

sim::Duration Seconds(double s) {
  return sim::Duration(static_cast<std::int64_t>(std::ceil(std::max(0.0, s) * 1e9)));
}

}  // namespace

std::optional<sim::Duration> ParseRetryAfter(std::string_view value, sim::WallTime now_wall) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (IsDigit(value.front()) || value.front() == '.') return ParseDecimalSeconds(value);
  const std::optional<sim::WallTime> date = ParseHttpDate(value);
  if (!date) return std::nullopt;
  return *date > now_wall ? *date - now_wall : sim::Duration{0};
}

std::optional<sim::Duration> RetryAfterFrom(const sim::Headers& headers, sim::WallTime now_wall) {
  if (const auto ms = headers.Get("retry-after-ms")) {
    // Fractional milliseconds: read as seconds, then scaled down.
    if (const auto d = ParseDecimalSeconds(Trim(*ms))) return sim::Duration(d->count() / 1000);
  }
  if (const auto v = headers.Get("Retry-After")) return ParseRetryAfter(*v, now_wall);
  return std::nullopt;
}

std::optional<sim::WallTime> ParseHttpDate(std::string_view text) {
  const std::vector<std::string_view> w = Words(Trim(text));
  if (w.size() == 6 && w[0].ends_with(',') && w[5] == "GMT") {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT".
    std::int64_t day = 0, year = 0;
    if (w[1].size() != 2 || !ParseUint(w[1], day) || w[3].size() != 4 || !ParseUint(w[3], year)) return std::nullopt;
    return Compose(year, MonthIndex(w[2]), day, w[4]);
  }
  if (w.size() == 4 && w[0].ends_with(',') && w[3] == "GMT" && w[1].size() == 9 && w[1][2] == '-' && w[1][6] == '-') {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". A two-digit year is read in 1970-2069.
    std::int64_t day = 0, yy = 0;
    if (!ParseUint(w[1].substr(0, 2), day) || !ParseUint(w[1].substr(7, 2), yy)) return std::nullopt;
    return Compose(yy < 70 ? 2000 + yy : 1900 + yy, MonthIndex(w[1].substr(3, 3)), day, w[2]);
  }
  if (w.size() == 5 && !w[0].ends_with(',')) {
    // asctime: "Sun Nov  6 08:49:37 1994".
    std::int64_t day = 0, year = 0;
    if (w[2].size() > 2 || !ParseUint(w[2], day) || w[4].size() != 4 || !ParseUint(w[4], year)) return std::nullopt;
    return Compose(year, MonthIndex(w[1]), day, w[3]);
  }
  return std::nullopt;
}

std::optional<sim::Duration> ParseGoDuration(std::string_view s) {
  s = Trim(s);
  if (s == "0") return sim::Duration{0};
  if (s.empty()) return std::nullopt;
  struct Unit {
    std::string_view name;
    double ns;
  };
  // Longest names first, so "ms" is not read as "m" then "s".
  static constexpr std::array<Unit, 8> kUnits = {{{"ns", 1.0},
                                                  {"us", 1e3},
                                                  {"\xC2\xB5s", 1e3},  // µ (micro sign)
                                                  {"\xCE\xBCs", 1e3},  // μ (Greek mu)
                                                  {"ms", 1e6},
                                                  {"s", 1e9},
                                                  {"m", 60e9},
                                                  {"h", 3600e9}}};
  double total_ns = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    while (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) ++i;
    const std::string_view number = s.substr(start, i - start);
    if (number.empty() || number == ".") return std::nullopt;
    const std::optional<sim::Duration> as_seconds = ParseDecimalSeconds(number);
    if (!as_seconds) return std::nullopt;
    const double value = static_cast<double>(as_seconds->count()) / 1e9;
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    i += unit->name.size();
    total_ns += value * unit->ns;
  }
  if (total_ns > 1e18) return std::nullopt;
  return sim::Duration(static_cast<std::int64_t>(std::llround(total_ns)));
}

std::optional<CallLimit> ParseCallLimit(std::string_view value) {
  value = Trim(value);
  const auto slash = value.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  CallLimit out;
  if (!ParseUint(Trim(value.substr(0, slash)), out.used) || !ParseUint(Trim(value.substr(slash + 1)), out.capacity) ||
      out.capacity <= 0) {
    return std::nullopt;
  }
  return out;
}

RateSignal LeakyBucketPause(const sim::Headers& headers, std::string_view header_name, sim::Duration drain_window,
                            double keep_free, std::int64_t in_flight) {
  RateSignal signal;
  const auto value = headers.Get(header_name);
  if (!value) return signal;
  const std::optional<CallLimit> limit = ParseCallLimit(*value);
  if (!limit) return signal;
  const auto free = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(std::ceil(static_cast<double>(limit->capacity) * std::clamp(keep_free, 0.0, 0.9))));
  const std::int64_t allowed = std::max<std::int64_t>(0, limit->capacity - free);
  const std::int64_t projected = limit->used + std::max<std::int64_t>(0, in_flight);
  if (projected < allowed) return signal;
  // Wait until the projected fill is back below the share kept free, one drained call per
  // (window / capacity); then go at that pace.
  const sim::Duration drain_each = drain_window / limit->capacity;
  signal.pause = drain_each * (projected - allowed + 1);
  signal.spacing = drain_each;
  signal.reason = "call limit " + std::to_string(limit->used) + "/" + std::to_string(limit->capacity);
  if (in_flight > 0) signal.reason += " +" + std::to_string(in_flight) + " in flight";
  return signal;
}

RateSignal KlaviyoPause(const sim::Headers& headers, double low_water, std::int64_t in_flight) {
  RateSignal signal;
  const auto limit = Number(headers, "RateLimit-Limit");
  const auto remaining = Number(headers, "RateLimit-Remaining");
  const auto reset = Number(headers, "RateLimit-Reset");
  if (!limit || !remaining || !reset || *limit <= 0) return signal;
  const double low = std::max(1.0, std::ceil(*limit * low_water));
  const double left = std::max(0.0, *remaining - static_cast<double>(std::max<std::int64_t>(0, in_flight)));
  if (left > low) return signal;
  // A fixed window: spread what is left of it over the seconds it still runs.
  signal.spacing = Seconds(*reset / (left + 1));
  signal.pause = signal.spacing;
  signal.reason = "RateLimit-Remaining " + std::to_string(static_cast<std::int64_t>(*remaining)) + "/" +
                  std::to_string(static_cast<std::int64_t>(*limit)) + ", reset " +
                  std::to_string(static_cast<std::int64_t>(*reset)) + "s";
  return signal;
}

RateSignal OpenAiPause(const sim::Headers& headers, double low_water, std::int64_t in_flight) {
  RateSignal signal;
  for (std::string_view kind : {std::string_view("requests"), std::string_view("tokens")}) {
    const std::string suffix(kind);
    const auto limit = Number(headers, "x-ratelimit-limit-" + suffix);
    const auto remaining = Number(headers, "x-ratelimit-remaining-" + suffix);
    const auto reset_text = headers.Get("x-ratelimit-reset-" + suffix);
    if (!limit || !remaining || !reset_text || *limit <= 0 || *remaining >= *limit) continue;
    const std::optional<sim::Duration> reset = ParseGoDuration(*reset_text);
    if (!reset) continue;
    const double low = std::max(1.0, std::ceil(*limit * low_water));
    // Requests in flight will spend a request each (their tokens are unknown here).
    const double left = kind == "requests" ? *remaining - static_cast<double>(std::max<std::int64_t>(0, in_flight))
                                           : *remaining;
    if (left >= low) continue;
    // Continuous replenishment: the reset is the time to refill (limit - remaining) units.
    const double per_unit_ns = static_cast<double>(reset->count()) / (*limit - *remaining);
    const sim::Duration pause(static_cast<std::int64_t>(std::ceil(per_unit_ns * (low - left))));
    if (pause > signal.pause) {
      signal.pause = pause;
      signal.reason = "x-ratelimit-remaining-" + suffix + " " + std::to_string(static_cast<std::int64_t>(*remaining)) +
                      "/" + std::to_string(static_cast<std::int64_t>(*limit));
    }
    // Requests are spaced at the request refill rate; a token shortage is a pause only.
    if (kind == "requests") signal.spacing = sim::Duration(static_cast<std::int64_t>(std::ceil(per_unit_ns)));
  }
  return signal;
}

RateSignal ShopifyGraphqlPause(std::string_view body) {
  RateSignal signal;
  if (!sim::JsonNestingWithin(body)) return signal;  // see sim/untrusted_text.h
  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return signal;
  bool throttled = false;
  if (const auto e = doc.find("errors"); e != doc.end() && e->is_array()) {
    for (const auto& error : *e) {
      if (error.is_object() && error.contains("extensions") && error["extensions"].is_object() &&
          error["extensions"].value("code", "") == "THROTTLED") {
        throttled = true;
      }
    }
  }
  double requested = 0, available = -1, restore = 0;
  if (const auto ext = doc.find("extensions"); ext != doc.end() && ext->is_object() && ext->contains("cost")) {
    const nlohmann::json& cost = (*ext)["cost"];
    if (cost.is_object()) {
      if (cost.contains("requestedQueryCost") && cost["requestedQueryCost"].is_number()) {
        requested = cost["requestedQueryCost"].get<double>();
      }
      if (cost.contains("throttleStatus") && cost["throttleStatus"].is_object()) {
        const nlohmann::json& t = cost["throttleStatus"];
        if (t.contains("currentlyAvailable") && t["currentlyAvailable"].is_number()) {
          available = t["currentlyAvailable"].get<double>();
        }
        if (t.contains("restoreRate") && t["restoreRate"].is_number()) restore = t["restoreRate"].get<double>();
      }
    }
  }
  const bool known = available >= 0 && restore > 0;
  if (throttled) {
    signal.refused = true;
    signal.pause = known ? Seconds(std::max(1.0, requested - available) / restore) : sim::Sec(1);
    signal.reason = "graphql THROTTLED";
    return signal;
  }
  if (known && available < requested) {
    signal.pause = Seconds((requested - available) / restore);
    signal.reason = "graphql points " + std::to_string(static_cast<std::int64_t>(available)) + " < cost " +
                    std::to_string(static_cast<std::int64_t>(requested));
  }
  return signal;
}

}  // namespace rh::pipeline::clients
