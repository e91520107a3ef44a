#include "pipeline/clients/api_caller.h"

#include <algorithm>
#include <chrono>

#include "sim/check.h"

namespace rh::pipeline::clients {
namespace {

constexpr std::size_t kBodyKept = 4096;

// 408, 429 and 5xx other than "not implemented" and "version not supported" are worth another
// try; 409 only where the service says a conflict is transient.
bool RetryableStatus(int status, bool retry_conflict) {
  if (status == 408 || status == 429) return true;
  if (status == 409) return retry_conflict;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

std::int64_t CeilMs(sim::Duration d) {
  return std::chrono::ceil<std::chrono::milliseconds>(d).count();
}

std::string Clip(std::string s) {
  if (s.size() > kBodyKept) s.resize(kBodyKept);
  return s;
}

}  // namespace

std::string_view CallErrorKindName(CallErrorKind kind) {
  switch (kind) {
    case CallErrorKind::kTransport: return "transport";
    case CallErrorKind::kClientError: return "client_error";
    case CallErrorKind::kServerError: return "server_error";
    case CallErrorKind::kRateLimited: return "rate_limited";
    case CallErrorKind::kBudgetExhausted: return "budget_exhausted";
    case CallErrorKind::kTimeout: return "timeout";
    case CallErrorKind::kMalformed: return "malformed";
    case CallErrorKind::kUndeliverable: return "undeliverable";
  }
  return "unknown";
}

std::string DescribeError(const CallError& e) {
  std::string out(CallErrorKindName(e.kind));
  if (e.status != 0) out += " " + std::to_string(e.status);
  out += " after " + std::to_string(e.attempts) + (e.attempts == 1 ? " attempt" : " attempts");
  if (!e.detail.empty()) out += ": " + e.detail;
  if (e.maybe_applied) out += " (may have taken effect)";
  return out;
}

// ---- RetryBudget ----

RetryBudget::RetryBudget(double ratio, int min_retries, sim::Duration window)
    : ratio_(ratio), min_retries_(min_retries), slot_ns_(std::max<std::int64_t>(1, window.count() / kSlots)) {
  RH_CHECK(ratio >= 0 && min_retries >= 0, "a retry budget cannot be negative");
}

RetryBudget::Slot& RetryBudget::Current(sim::Instant now) {
  const std::int64_t index = now.time_since_epoch().count() / slot_ns_;
  Slot& slot = slots_[index % kSlots];
  if (slot.index != index) slot = Slot{index, 0, 0};
  return slot;
}

void RetryBudget::Sum(sim::Instant now, std::int64_t& requests, std::int64_t& retries) {
  const std::int64_t index = now.time_since_epoch().count() / slot_ns_;
  requests = retries = 0;
  for (const Slot& s : slots_) {
    if (s.index > index - kSlots && s.index <= index) {
      requests += s.requests;
      retries += s.retries;
    }
  }
}

void RetryBudget::RecordRequest(sim::Instant now) { ++Current(now).requests; }

std::int64_t RetryBudget::Available(sim::Instant now) {
  std::int64_t requests = 0, retries = 0;
  Sum(now, requests, retries);
  const auto allowed = min_retries_ + static_cast<std::int64_t>(ratio_ * static_cast<double>(requests));
  return std::max<std::int64_t>(0, allowed - retries);
}

bool RetryBudget::TryRetry(sim::Instant now) {
  if (Available(now) <= 0) return false;
  ++Current(now).retries;
  return true;
}

// ---- ApiCaller ----

ApiCaller::ApiCaller(sim::HttpClient& http, sim::Executor& executor, sim::Rng rng, sim::Trace* trace,
                     std::string service, RetryPolicy policy, RateReader reader)
    : http_(http),
      executor_(executor),
      trace_(trace),
      service_(std::move(service)),
      source_("client." + service_),
      policy_(policy),
      reader_(std::move(reader)),
      service_slots_(executor, std::max(1, policy.max_concurrency)),
      rng_(rng),
      budget_(policy.budget_ratio, policy.budget_min_retries, policy.budget_window) {
  RH_CHECK(policy.max_attempts >= 1, "a retry policy needs at least one attempt");
  RH_CHECK(policy.pacing != nullptr, "a retry policy needs a pacing (clients::KeepToLimits() is the real one)");
}

ApiCaller::Stats ApiCaller::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

ApiCaller::AccountState& ApiCaller::Account(const std::string& account) {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(account);
  if (it == accounts_.end()) {
    it = accounts_
             .emplace(account, std::make_unique<AccountState>(executor_, std::max(1, policy_.max_concurrency_per_account)))
             .first;
  }
  return *it->second;
}

sim::Duration ApiCaller::Reserve(AccountState& account, const std::string& rate_key, std::string* reason,
                                bool* slotted) {
  std::lock_guard lock(mu_);
  *slotted = false;
  const auto it = account.pauses.find(rate_key);
  if (it == account.pauses.end()) return sim::Duration{0};
  Pause& pause = it->second;
  const sim::Instant now = executor_.clock().Now();
  if (pause.spacing.count() > 0) {
    const sim::Instant slot = std::max({now, pause.until, pause.next_slot});
    pause.next_slot = slot + pause.spacing;
    *slotted = true;
    *reason = "paced at " + std::to_string(CeilMs(pause.spacing)) + "ms: " + pause.reason;
    return slot - now;
  }
  if (pause.until <= now) return sim::Duration{0};
  *reason = pause.reason;
  return pause.until - now;
}

void ApiCaller::PauseUntil(AccountState& account, const std::string& rate_key, sim::Instant until, std::string reason) {
  std::lock_guard lock(mu_);
  Pause& pause = account.pauses[rate_key];
  if (until > pause.until) {
    pause.until = until;
    pause.reason = std::move(reason);
  }
}

void ApiCaller::Apply(AccountState& account, const std::string& rate_key, sim::Instant now, const RateSignal& signal) {
  std::lock_guard lock(mu_);
  auto it = account.pauses.find(rate_key);
  if (it == account.pauses.end()) {
    if (signal.pause.count() <= 0 && signal.spacing.count() <= 0) return;
    it = account.pauses.emplace(rate_key, Pause{}).first;
  }
  Pause& pause = it->second;
  if (signal.spacing.count() > 0) {
    // Near the limit: the schedule of slots starts no earlier than the pause ends. Slots already
    // promised stand (they are spaced at the limit's own pace); a refusal still stops them all.
    pause.spacing = signal.spacing;
    pause.next_slot = std::max(pause.next_slot, now + signal.pause);
    pause.reason = signal.reason;
    return;
  }
  pause.spacing = sim::Duration{0};
  if (signal.pause.count() > 0 && now + signal.pause > pause.until) {
    pause.until = now + signal.pause;
    pause.reason = signal.reason;
  }
}

bool ApiCaller::TryAdmit(AccountState& account, const std::string& rate_key, bool slotted) {
  std::lock_guard lock(mu_);
  const auto it = account.pauses.find(rate_key);
  if (it != account.pauses.end()) {
    Pause& pause = it->second;
    const sim::Instant now = executor_.clock().Now();
    if (pause.until > now) return false;
    // A call that queued for its permits before the account came near its limit has no slot:
    // it takes the current one if it is free, else goes to get one.
    if (!slotted && pause.spacing.count() > 0) {
      if (pause.next_slot > now) return false;
      pause.next_slot = now + pause.spacing;
    }
  }
  ++account.in_flight;
  return true;
}

sim::Duration ApiCaller::Jitter(sim::Duration cap) {
  if (cap.count() <= 0) return sim::Duration{0};
  std::lock_guard lock(mu_);
  return sim::Duration(rng_.UniformInt(0, cap.count()));
}

sim::Duration ApiCaller::Backoff(int retry) {
  // Full jitter: uniform in [0, min(max, base * 2^(retry - 1))].
  sim::Duration cap = policy_.base_backoff;
  for (int i = 1; i < retry && cap < policy_.max_backoff; ++i) cap *= 2;
  return Jitter(std::min(cap, policy_.max_backoff));
}

void ApiCaller::Note(std::string_view kind, std::vector<sim::TraceField> fields) {
  if (trace_ == nullptr) return;
  trace_->Record(executor_.clock().Now(), source_, kind, std::move(fields));
}

void ApiCaller::GiveUp(CallError& last, const std::string& op, std::string_view why, bool final_answer) {
  {
    std::lock_guard lock(mu_);
    ++stats_.gave_up;
  }
  Note(final_answer ? "client.failed" : "client.gave_up",
       {{"service", service_},
        {"op", op},
        {"attempts", last.attempts},
        {"error_kind", CallErrorKindName(last.kind)},
        {"status", last.status},
        {"maybe_applied", last.maybe_applied},
        {"reason", why}});
  if (last.detail.empty()) last.detail = std::string(why);
  else last.detail += "; " + std::string(why);
}

sim::Task<bool> ApiCaller::WaitForTurn(AccountState& account, const CallOptions& options, int attempt,
                                       sim::Instant deadline, CallError& last) {
  // The account's pause first, then the permits (always in that order, so two calls cannot hold
  // one each and wait forever).
  for (;;) {
    std::string reason;
    bool slotted = false;
    const sim::Duration wait = Reserve(account, options.rate_key, &reason, &slotted);
    if (wait.count() > 0) {
      if (executor_.clock().Now() + wait > deadline) {
        if (attempt == 1) last = CallError{CallErrorKind::kRateLimited, 0, {}, 0, {}, false, wait};
        GiveUp(last, options.operation, "paused past the deadline by " + reason, false);
        co_return false;
      }
      {
        std::lock_guard lock(mu_);
        ++stats_.paced_waits;
      }
      Note("client.wait", {{"service", service_}, {"op", options.operation}, {"attempt", attempt},
                           {"wait_ms", CeilMs(wait)}, {"reason", reason}});
      co_await sim::SleepFor(executor_, wait);
      if (!slotted) continue;  // a pause: look again; a promised slot: go
    }
    co_await account.semaphore.Acquire();
    co_await service_slots_.Acquire();
    if (TryAdmit(account, options.rate_key, slotted)) co_return true;
    // Paused (a 429, a drained bucket) while waiting: give the permits back and wait it out.
    service_slots_.Release();
    account.semaphore.Release();
  }
}

sim::Task<ApiCaller::Sent> ApiCaller::SendOnce(const sim::Request& request, AccountState& account,
                                               const CallOptions& options, int attempt) {
  {
    std::lock_guard lock(mu_);
    ++stats_.attempts;
    ++in_flight_;
    stats_.max_in_flight = std::max(stats_.max_in_flight, in_flight_);
  }
  Note("client.attempt", {{"service", service_}, {"op", options.operation}, {"attempt", attempt}});
  sim::Task<sim::SendResult> sending = http_.Send(request, sim::SendOptions{policy_.attempt_timeout});
  sim::SendResult result = co_await std::move(sending);
  Sent sent{std::move(result)};
  {
    std::lock_guard lock(mu_);
    --in_flight_;
    sent.others_in_flight = --account.in_flight;
  }
  service_slots_.Release();
  account.semaphore.Release();
  sent.at = executor_.clock().Now();
  co_return std::move(sent);
}

ApiCaller::Judgement ApiCaller::JudgeTransportError(const sim::TransportError& error, const CallOptions& options,
                                                    int attempt, CallError& last) {
  Judgement j;
  // A refused connection never reached the service; anything later may have.
  const bool surely_not_sent = error.kind == sim::TransportErrorKind::kConnectFailed;
  last = CallError{error.kind == sim::TransportErrorKind::kTimeout ? CallErrorKind::kTimeout : CallErrorKind::kTransport,
                   0,
                   {},
                   attempt,
                   std::string(sim::TransportErrorKindName(error.kind)) + ": " + error.detail,
                   !surely_not_sent,
                   {}};
  j.outcome = std::string(sim::TransportErrorKindName(error.kind));
  j.retryable = error.kind != sim::TransportErrorKind::kShutdown && (options.idempotent || surely_not_sent);
  j.reason = j.retryable ? "transport error" : options.idempotent ? "shutting down" : "transport error on a write";
  j.wait = Backoff(attempt);
  return j;
}

ApiCaller::Judgement ApiCaller::JudgeResponse(const sim::Response& response, const Sent& sent, AccountState& account,
                                              const CallOptions& options, int attempt, CallError& last) {
  Judgement j;
  const RateSignal signal = reader_ ? reader_(response, sent.others_in_flight) : RateSignal{};
  if (!signal.refused) Apply(account, options.rate_key, sent.at, policy_.pacing->Heed(signal));
  const bool throttled = response.status == 429 || signal.refused;
  if (response.status >= 200 && response.status <= 299 && !throttled) {
    j.answered = true;
    return j;
  }
  std::optional<sim::Duration> server_wait = RetryAfterFrom(response.headers, executor_.clock().WallNow());
  if (signal.refused && !server_wait) server_wait = signal.pause;
  last = CallError{CallErrorKind::kClientError, response.status, Clip(response.body), attempt, {}, false, {}};
  j.outcome = std::to_string(response.status);
  if (throttled) {
    {
      std::lock_guard lock(mu_);
      ++stats_.rate_limited;
    }
    last.kind = CallErrorKind::kRateLimited;
    last.detail = signal.refused ? signal.reason : "429 Too Many Requests";
    j.retryable = true;  // a refused request changed nothing, so even a write may go again
    server_wait = policy_.pacing->Honour(server_wait);
    if (server_wait) {
      j.honoured = true;
      last.retry_after = *server_wait;
      j.wait = *server_wait + Jitter(policy_.retry_after_jitter);
      j.reason = "retry-after " + std::to_string(CeilMs(*server_wait)) + "ms";
    } else {
      j.wait = Backoff(attempt);
      j.reason = "rate limited, no retry-after";
    }
    // The whole account (for this limit) waits, not only this call.
    if (const auto until = policy_.pacing->HoldUntil(sent.at, server_wait ? *server_wait : j.wait)) {
      PauseUntil(account, options.rate_key, *until, "rate limited (" + j.outcome + ") by " + options.operation);
    }
  } else if (RetryableStatus(response.status, policy_.retry_conflict)) {
    const bool server_error = response.status >= 500;
    last.kind = server_error ? CallErrorKind::kServerError
                : response.status == 408 ? CallErrorKind::kTimeout
                                         : CallErrorKind::kClientError;
    last.maybe_applied = server_error;
    last.detail = "status " + j.outcome;
    j.retryable = options.idempotent || !server_error;
    j.reason = j.retryable ? "status " + j.outcome : "status " + j.outcome + " on a write";
    j.wait = server_wait ? *server_wait + Jitter(policy_.retry_after_jitter) : Backoff(attempt);
    if (server_wait) last.retry_after = *server_wait;
  } else {
    last.detail = "final status " + j.outcome;
    j.reason = "final status";
  }
  // OpenAI's and Anthropic's explicit say wins over the status.
  if (const auto say = response.headers.Get("x-should-retry")) {
    if (*say == "false") {
      j.retryable = false;
      j.reason = "x-should-retry: false";
    } else if (*say == "true" && !j.retryable) {
      j.retryable = true;
      j.reason = "x-should-retry: true";
      if (j.wait.count() == 0) j.wait = Backoff(attempt);
    }
  }
  j.final_answer = !j.retryable && last.kind == CallErrorKind::kClientError;
  return j;
}

std::optional<std::string> ApiCaller::WhyNotRetry(const Judgement& j, int attempt, sim::Instant now,
                                                  const Deadlines& deadlines, CallError& last) {
  // More attempts than the policy allows would look like a service that needed them (a retry
  // storm the I8 oracle and the counters would blame on the upstream).
  RH_CHECK(attempt >= 1 && attempt <= policy_.max_attempts, "a call made more attempts than its retry policy allows");
  if (!j.retryable) return j.reason;
  if (attempt >= policy_.max_attempts) return "out of attempts (" + std::to_string(policy_.max_attempts) + ")";
  if (j.honoured && last.retry_after > policy_.max_retry_after) {
    return "retry-after beyond the policy's " + std::to_string(CeilMs(policy_.max_retry_after)) + "ms";
  }
  // Waiting out the server's own Retry-After may take the call up to the rate-limit patience.
  if (now + j.wait > (j.honoured ? deadlines.rate_limited : deadlines.call)) {
    return "the next attempt would pass the call's deadline";
  }
  if (!j.honoured) {
    bool allowed = false;
    {
      std::lock_guard lock(mu_);
      allowed = budget_.TryRetry(now);
      if (!allowed) ++stats_.budget_refusals;
    }
    if (!allowed) {
      last.kind = CallErrorKind::kBudgetExhausted;
      return "retry budget exhausted";
    }
  }
  return std::nullopt;
}

void ApiCaller::NoteRetry(const Sent& sent, const Judgement& j, const CallOptions& options, int attempt,
                          const CallError& last) {
  {
    std::lock_guard lock(mu_);
    ++stats_.retries;
  }
  std::vector<sim::TraceField> fields = {{"service", service_}, {"op", options.operation}, {"attempt", attempt}};
  if (sent.result.has_value()) {
    fields.emplace_back("status", sent.result->status);
  } else {
    fields.emplace_back("error", j.outcome);
  }
  fields.emplace_back("wait_ms", CeilMs(j.wait));
  fields.emplace_back("retry_after_ms", CeilMs(last.retry_after));
  fields.emplace_back("reason", j.reason);
  Note("client.retry", std::move(fields));
}

sim::Task<CallResult<sim::Response>> ApiCaller::Call(sim::Request request, CallOptions options) {
  const sim::Instant started = executor_.clock().Now();
  const Deadlines deadlines{started + policy_.deadline,
                            started + std::max(policy_.deadline, policy_.rate_limit_patience)};
  {
    std::lock_guard lock(mu_);
    budget_.RecordRequest(started);
    ++stats_.calls;
  }
  AccountState& account = Account(options.account);
  CallError last;
  for (int attempt = 1;; ++attempt) {
    // A pause is the service's own rate limit: it may last up to the rate-limit patience.
    auto turn_call = WaitForTurn(account, options, attempt, deadlines.rate_limited, last);
    if (!co_await std::move(turn_call)) co_return sim::MakeUnexpected(last);
    auto send_call = SendOnce(request, account, options, attempt);
    Sent sent = co_await std::move(send_call);
    const Judgement j = sent.result.has_value()
                            ? JudgeResponse(*sent.result, sent, account, options, attempt, last)
                            : JudgeTransportError(sent.result.error(), options, attempt, last);
    if (j.answered) co_return std::move(*sent.result);
    if (const auto why = j.final_answer ? j.reason : WhyNotRetry(j, attempt, sent.at, deadlines, last)) {
      GiveUp(last, options.operation, *why, j.final_answer);
      co_return sim::MakeUnexpected(last);
    }
    NoteRetry(sent, j, options, attempt, last);
    co_await sim::SleepFor(executor_, j.wait);
  }
}

}  // namespace rh::pipeline::clients
