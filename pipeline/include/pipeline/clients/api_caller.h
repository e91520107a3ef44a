// The retrying core under every API client of the pipeline (Shopify, Gorgias, Klaviyo, the LLM).
// One ApiCaller per service: it sends a request on the transport (sim::HttpClient) and decides
// what each outcome means:
// - 2xx: the answer. A 4xx other than 408/429 (and 409 where the service says a conflict is
//   transient) is final after one attempt: the request itself is wrong, and repeating it cannot
//   help. 409s that carry meaning (Klaviyo's duplicate_profile) come back as that final error.
// - 429 (and a refusal a RateReader spots in a 200): wait what Retry-After / retry-after-ms says
//   (seconds, fractional seconds or an HTTP-date), else back off; every call of the same account
//   and rate key waits it out too, so one refusal does not become a storm of them.
// - 5xx, 408, transport errors: retry with full-jitter exponential backoff ("Exponential Backoff
//   and Jitter", AWS, 2015): wait = Uniform(0, min(max_backoff, base * 2^(retry-1))), drawn from
//   the caller's own Rng. An `x-should-retry: false|true` header (OpenAI, Anthropic) overrides.
// - Retries are bounded three ways: max_attempts per call, a deadline per call, and a retry
//   budget per service (Finagle's RetryBudget / gRPC's retry throttling): over a sliding window,
//   retries may be at most `budget_min_retries + budget_ratio * first attempts`. A retry that
//   only waits out a server's explicit Retry-After is exempt (it adds no load the server did not
//   ask for); max_attempts still bounds it.
// - Rate headers are read on every response (RateReader, told how many of the account's requests
//   are still in flight and so not in the reading yet) and the account slows down BEFORE it is
//   refused: near its limit, its calls of that rate key are promised slots one `spacing` apart
//   (the limit's own pace, e.g. Shopify's leak rate) after any pause the reading asks for. Each
//   waiting call wakes once, at its slot; a refusal (429) holds every call until Retry-After.
// - Concurrency is capped per service and per account (AsyncSemaphore). Permits are held for one
//   attempt, never across a backoff.
// - Requests that are not idempotent (a POST that creates something) are retried only when the
//   service surely did nothing: a 429 or a failed connect. Any other failure comes back with
//   maybe_applied = true, for the client to reconcile (look before sending again).
// Traced when a Trace is given (source "client.<service>"), so oracles can check that
// Retry-After was honoured, that there was no retry storm and what was dropped:
//   client.attempt  {service, op, attempt}                     each request sent
//   client.wait     {service, op, attempt, wait_ms, reason}    held back by a pause or pace
//   client.retry    {service, op, attempt, status | error, wait_ms, retry_after_ms, reason}
//   client.gave_up  {service, op, attempts, error_kind, status, maybe_applied, reason}
//                   a retryable failure the policy stopped retrying: dropped, for the caller to
//                   reschedule (or, maybe_applied, to reconcile)
//   client.failed   {same fields} a final answer (a 4xx): not a drop
//   client.reconciled {service, op, ..., found}  a client looked for a write whose answer was lost
//
// Time and randomness: only the executor's clock and the Rng given; deterministic in sim mode.
// Thread safety: state is under one mutex; calls may run on a multi-threaded LiveRuntime. The
// Trace is single-threaded: give one only in sim mode. The caller must outlive its calls.
// It must not: read a wall clock, parse service payloads, or know any service's paths.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "pipeline/clients/async_semaphore.h"
#include "pipeline/clients/pacing.h"
#include "pipeline/clients/rate_headers.h"
#include "sim/executor.h"
#include "sim/expected.h"
#include "sim/http.h"
#include "sim/http_client.h"
#include "sim/rng.h"
#include "sim/task.h"
#include "sim/trace.h"

namespace rh::pipeline::clients {

enum class CallErrorKind {
  kTransport,        // no response to the last attempt (connect failed, connection reset)
  kClientError,      // a final 4xx: status and body kept
  kServerError,      // 5xx (or 408) until the attempts ran out
  kRateLimited,      // still refused after the attempts, or told to wait beyond the policy
  kBudgetExhausted,  // a retry was needed, but the service's retry budget was spent
  kTimeout,          // the last attempt timed out, or the call's deadline passed
  kMalformed,        // a 2xx whose body is not what the API promises (invalid JSON, wrong
                     // schema, an LLM refusal or truncated answer): never a guess
  kUndeliverable,    // nothing was sent: the client found no correct way to make the request
                     // (e.g. no channel of the ticket reaches the customer)
};
// "transport", "client_error", "server_error", "rate_limited", "budget_exhausted", "timeout",
// "malformed", "undeliverable".
std::string_view CallErrorKindName(CallErrorKind kind);

struct CallError {
  CallErrorKind kind = CallErrorKind::kTransport;
  int status = 0;        // the last HTTP status; 0 when there was none
  std::string body;      // the last response body (client errors; at most 4 KiB)
  int attempts = 0;      // requests sent (0: nothing was sent, or kMalformed, found in a 2xx)
  std::string detail;    // why, for logs and the decision log
  // An attempt may have taken effect although no success came back (timeout, reset, 5xx on a
  // write): look before repeating a non-idempotent request.
  bool maybe_applied = false;
  // kRateLimited: the server's last Retry-After (zero when none), for rescheduling the work.
  sim::Duration retry_after{0};
};
// "client_error 404 after 1 attempt: ..." for logs.
std::string DescribeError(const CallError& error);

template <class T>
using CallResult = sim::Expected<T, CallError>;

struct RetryPolicy {
  int max_attempts = 4;                           // the first one included
  sim::Duration base_backoff = sim::Ms(200);      // first retry's backoff cap
  sim::Duration max_backoff = sim::Sec(10);       // later caps grow 2x up to this
  sim::Duration retry_after_jitter = sim::Ms(100);  // added on top of a Retry-After (spreads a herd)
  sim::Duration max_retry_after = sim::Minutes(2);  // a longer Retry-After ends the call (kRateLimited)
  sim::Duration attempt_timeout = sim::Sec(30);   // one request, connect to full response
  sim::Duration deadline = sim::Minutes(5);       // the whole call, waits included
  // Retry budget: retries in the last `budget_window` <= min_retries + ratio * first attempts.
  double budget_ratio = 0.1;
  int budget_min_retries = 10;
  sim::Duration budget_window = sim::Sec(10);
  int max_concurrency = 16;             // requests in flight to the service
  int max_concurrency_per_account = 8;  // ... with one credential
  bool retry_conflict = false;          // 409 is transient (OpenAI's SDKs retry it)
  // How the caller keeps to the service's limits (pacing.h): the real one unless a test injects
  // another. Never null.
  std::shared_ptr<const Pacing> pacing = KeepToLimits();
  // Waiting out the service's own rate limit (its Retry-After, or pacing by its rate headers) may
  // take the call this far past its start, beyond `deadline`: a known schedule is not a hung
  // service, and giving up would drop the ticket's work to a person for nothing (I8). A budget
  // about the ticket, not one attempt.
  sim::Duration rate_limit_patience = sim::Hours(1);
};

// A service's reading of its rate headers (see rate_headers.h). Called on every response, with
// the number of the account's other requests still in flight (sent after the reading was taken,
// so not counted in it yet).
using RateReader = std::function<RateSignal(const sim::Response&, std::int64_t in_flight)>;

struct CallOptions {
  std::string operation;  // "shopify.get_order": traces and logs
  std::string account;    // the credential used: concurrency and pauses are per account
  std::string rate_key;   // which of the account's limits the request counts against
  bool idempotent = true;
};

// Retries allowed per recent first attempts (Finagle's RetryBudget): a ring of 10 time slots
// covering `window`; RecordRequest deposits, TryRetry withdraws when
// retries < min_retries + ratio * requests over the window. Not thread-safe (the ApiCaller
// guards it). Deterministic: a function of the calls and the instants passed.
class RetryBudget {
 public:
  RetryBudget(double ratio, int min_retries, sim::Duration window);
  void RecordRequest(sim::Instant now);
  bool TryRetry(sim::Instant now);
  // Retries allowed now.
  std::int64_t Available(sim::Instant now);

 private:
  static constexpr int kSlots = 10;
  struct Slot {
    std::int64_t index = -1;
    std::int64_t requests = 0;
    std::int64_t retries = 0;
  };
  Slot& Current(sim::Instant now);
  void Sum(sim::Instant now, std::int64_t& requests, std::int64_t& retries);

  double ratio_;
  std::int64_t min_retries_;
  std::int64_t slot_ns_;
  Slot slots_[kSlots];
};

class ApiCaller {
 public:
  // `rng` is this caller's own stream (backoff jitter). `trace` may be null. `reader` reads the
  // service's rate headers (may be empty).
  ApiCaller(sim::HttpClient& http, sim::Executor& executor, sim::Rng rng, sim::Trace* trace,
            std::string service, RetryPolicy policy, RateReader reader = {});
  ApiCaller(const ApiCaller&) = delete;
  ApiCaller& operator=(const ApiCaller&) = delete;

  // Sends `request` (its Host header set by the client) until it succeeds or the policy says
  // stop. The value is a 2xx response; everything else is a CallError.
  sim::Task<CallResult<sim::Response>> Call(sim::Request request, CallOptions options);

  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t attempts = 0;
    std::uint64_t retries = 0;
    std::uint64_t rate_limited = 0;     // 429s and disguised throttles seen
    std::uint64_t paced_waits = 0;      // attempts held back by a pause
    std::uint64_t budget_refusals = 0;
    std::uint64_t gave_up = 0;          // calls that ended in an error
    std::uint64_t max_in_flight = 0;
  };
  Stats stats() const;

  // Records a client-level event in the trace (when there is one) under this caller's source,
  // e.g. "client.reconciled" after a client looked for a write whose answer was lost.
  void Note(std::string_view kind, std::vector<sim::TraceField> fields);

  const std::string& service() const { return service_; }
  const RetryPolicy& policy() const { return policy_; }
  sim::Executor& executor() { return executor_; }

 private:
  struct Pause {
    sim::Instant until{};      // nobody sends before (Retry-After, a refusal, a pause without pace)
    std::string reason;        // what set it, for traces
    sim::Duration spacing{0};  // near the limit: the gap kept between the account's requests
    sim::Instant next_slot{};  // while spacing: the first slot not yet promised to a call
  };
  struct AccountState {
    AccountState(sim::Executor& executor, int permits) : semaphore(executor, permits) {}
    AsyncSemaphore semaphore;
    // Guarded by the caller's mu_.
    std::map<std::string, Pause, std::less<>> pauses;  // by rate key
    std::int64_t in_flight = 0;
  };
  AccountState& Account(const std::string& account);
  // How long a call must wait before it may send under `rate_key`, and why. Near the limit the
  // call is promised the next free slot (`slotted`: it goes at the end of the wait, one slot per
  // spacing, so waiters wake one at a time instead of all at once); otherwise it is the time left
  // of the pause, after which the call looks again.
  sim::Duration Reserve(AccountState& account, const std::string& rate_key, std::string* reason, bool* slotted);
  // Holds the account's requests of `rate_key` until `until` (a later pause wins).
  void PauseUntil(AccountState& account, const std::string& rate_key, sim::Instant until, std::string reason);
  // Applies what a response's rate headers said (pause and spacing; a zero spacing ends pacing).
  void Apply(AccountState& account, const std::string& rate_key, sim::Instant now, const RateSignal& signal);
  // True when the call may send under `rate_key` now: no pause holds the account, and near the
  // limit it has a slot (`slotted`) or the current slot is free. Then it counts as in flight.
  bool TryAdmit(AccountState& account, const std::string& rate_key, bool slotted);
  sim::Duration Backoff(int retry);  // full jitter

  // The steps of one Call, in order. `last` is the call's latest error, which each step may
  // update; a step that ends the call has already traced why (GiveUp).
  // What an attempt's outcome means, and what to do next.
  struct Judgement {
    bool answered = false;      // a 2xx: the response is the answer
    bool retryable = false;
    bool honoured = false;      // waits out the server's own Retry-After: exempt from the budget
    bool final_answer = false;  // a final 4xx: the call ends as "client.failed"
    sim::Duration wait{0};      // before the next attempt
    std::string outcome;        // the status ("429") or the transport error ("timeout")
    std::string reason;         // for traces
  };
  struct Sent {
    sim::SendResult result;
    std::int64_t others_in_flight = 0;  // the account's other requests still in flight
    sim::Instant at{};                  // when the answer (or the error) came
  };
  // 1. The account's pause (Retry-After, rate headers), then a permit of the account and of the
  // service. False when the pause would outlast the call's deadline (the call ended).
  sim::Task<bool> WaitForTurn(AccountState& account, const CallOptions& options, int attempt, sim::Instant deadline,
                              CallError& last);
  // 2. One attempt, holding the permits only while it is in flight.
  sim::Task<Sent> SendOnce(const sim::Request& request, AccountState& account, const CallOptions& options, int attempt);
  // 3. What the outcome means.
  Judgement JudgeTransportError(const sim::TransportError& error, const CallOptions& options, int attempt,
                                CallError& last);
  Judgement JudgeResponse(const sim::Response& response, const Sent& sent, AccountState& account,
                          const CallOptions& options, int attempt, CallError& last);
  // When a call ends: its deadline, and the later one for waiting out the service's own limits.
  struct Deadlines {
    sim::Instant call;
    sim::Instant rate_limited;
  };
  // 4. Why not to go again (nothing: retry), spending the retry budget when the retry needs it.
  std::optional<std::string> WhyNotRetry(const Judgement& judgement, int attempt, sim::Instant now,
                                         const Deadlines& deadlines, CallError& last);
  void NoteRetry(const Sent& sent, const Judgement& judgement, const CallOptions& options, int attempt,
                 const CallError& last);
  // Ends the call with `last`: "client.failed" when the service gave a final answer,
  // "client.gave_up" when a retryable failure was dropped (what an oracle of I8 looks for).
  void GiveUp(CallError& last, const std::string& op, std::string_view why, bool final_answer);
  sim::Duration Jitter(sim::Duration cap);

  sim::HttpClient& http_;
  sim::Executor& executor_;
  sim::Trace* trace_;
  const std::string service_;
  const std::string source_;  // "client.<service>"
  const RetryPolicy policy_;
  const RateReader reader_;
  AsyncSemaphore service_slots_;

  mutable std::mutex mu_;
  sim::Rng rng_;                                                         // guarded by mu_
  RetryBudget budget_;                                                   // guarded by mu_
  std::map<std::string, std::unique_ptr<AccountState>, std::less<>> accounts_;  // guarded by mu_
  Stats stats_;                                                          // guarded by mu_
  std::uint64_t in_flight_ = 0;                                          // guarded by mu_
};

}  // namespace rh::pipeline::clients
