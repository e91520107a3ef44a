// Reading what services say about their rate limits, so a client waits when told to and slows
// down before it is refused: Retry-After (seconds, fractional seconds, or an HTTP-date),
// retry-after-ms, Go-style durations ("6m0s"), leaky-bucket call-limit headers ("32/40"),
// Klaviyo's RateLimit-* headers, OpenAI's x-ratelimit-* headers and Shopify GraphQL's
// throttleStatus. Pure functions of their inputs; they never read a clock (the caller passes
// the calendar time an HTTP-date is measured from). Deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/http.h"
#include "sim/time.h"

namespace rh::pipeline::clients {

// What one response says about the account's next requests.
struct RateSignal {
  // Hold the account's next requests (of the same rate key) this long from now; zero: go on.
  sim::Duration pause{0};
  // While the account is near its limit, send at most one request per `spacing` (the limit's
  // own pace); zero: the account is clear of its limit again and may send at will.
  sim::Duration spacing{0};
  // The response is a refusal dressed as success (a Shopify GraphQL THROTTLED answers 200): the
  // caller retries it after `pause`, as after a 429.
  bool refused = false;
  std::string reason;  // for traces: "call limit 38/40", "RateLimit-Remaining 2/750"
};

// Retry-After: delta-seconds ("120"), the fractional seconds Shopify writes ("2.0", "0.5"), or
// an HTTP-date, measured from `now_wall`. A date in the past is a zero wait. Nullopt when the
// value is none of these, or negative.
std::optional<sim::Duration> ParseRetryAfter(std::string_view value, sim::WallTime now_wall);
// The server's wait from a response: `retry-after-ms` (OpenAI, Anthropic; fractional
// milliseconds) first, then `Retry-After`.
std::optional<sim::Duration> RetryAfterFrom(const sim::Headers& headers, sim::WallTime now_wall);

// RFC 9110 HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), and the obsolete RFC 850
// ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6 08:49:37 1994") forms.
std::optional<sim::WallTime> ParseHttpDate(std::string_view text);

// Go's time.Duration text, as OpenAI's x-ratelimit-reset-* headers carry it: "6m0s", "1s",
// "20ms", "2m59.56s", "1h2m3.5s", "150us", "150µs", "0s". Nullopt on anything else.
std::optional<sim::Duration> ParseGoDuration(std::string_view text);

// "32/40": calls in the bucket, and its size.
struct CallLimit {
  std::int64_t used = 0;
  std::int64_t capacity = 0;
};
std::optional<CallLimit> ParseCallLimit(std::string_view value);

// A leaky bucket's header (Shopify REST "X-Shopify-Shop-Api-Call-Limit", Gorgias
// "X-Gorgias-Account-Api-Call-Limit"). The bucket drains `capacity` calls per `drain_window`
// (Shopify 20 s for every plan: 40 at 2/s, 80 at 4/s, 400 at 20/s; Gorgias 20 s, 10 s on
// Enterprise: the longer window is the cautious guess). A share `keep_free` of the bucket (at
// least one call) stays free for other callers. The `in_flight` requests the account has sent
// since are not in the reading yet, so they count as poured: once the projected fill reaches the
// free share, the pause lets the excess drain, and requests are then spaced at the leak rate.
RateSignal LeakyBucketPause(const sim::Headers& headers, std::string_view header_name,
                            sim::Duration drain_window, double keep_free, std::int64_t in_flight = 0);

// Klaviyo: RateLimit-Limit / -Remaining / -Reset describe the steady (60 s) window of the
// endpoint's tier; Klaviyo documents fixed windows, so the last `low_water` share of the window
// (less the `in_flight` requests not yet counted) is spread evenly over the seconds left. A 429
// carries none of them, only Retry-After. The Limit may be written "750" or "350, 350;w=1,
// 3500;w=60"; the first number is read.
RateSignal KlaviyoPause(const sim::Headers& headers, double low_water, std::int64_t in_flight = 0);

// OpenAI: x-ratelimit-{limit,remaining,reset}-{requests,tokens}, the reset being the time until
// the limit is full again (continuous replenishment). Below `low_water` of a limit (the
// `in_flight` requests counted as spent), the pause is the time to refill back to it, and
// requests are spaced at the refill rate.
RateSignal OpenAiPause(const sim::Headers& headers, double low_water, std::int64_t in_flight = 0);

// Shopify GraphQL: extensions.cost.{requestedQueryCost, throttleStatus{currentlyAvailable,
// restoreRate}}. THROTTLED (errors[].extensions.code, HTTP 200) is a refusal whose pause is the
// time to restore the requested cost; otherwise a pause when fewer points are left than this
// query cost. `body` is the response body; anything unreadable gives no signal.
RateSignal ShopifyGraphqlPause(std::string_view body);

}  // namespace rh::pipeline::clients
