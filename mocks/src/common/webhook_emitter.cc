#include "mocks/common/webhook_emitter.h"

#include <algorithm>

namespace rh::mocks {

RetrySchedule ShopifyRetrySchedule() {
  // Shopify documents 8 retries within 4 hours with exponential backoff (2024-09-10) but not the
  // exact delays; these grow roughly exponentially and end 3 h 51 min 40 s after the first try.
  using sim::Hours;
  using sim::Minutes;
  using sim::Sec;
  return {{Sec(10), Sec(30), Minutes(1), Minutes(5), Minutes(15), Minutes(30), Hours(1), Hours(2)},
          Sec(5)};
}

WebhookEmitter::WebhookEmitter(sim::Executor& executor, sim::HttpClient& client, sim::Rng rng,
                               RetrySchedule schedule, sim::Trace* trace)
    : executor_(executor), client_(client), schedule_(std::move(schedule)), trace_(trace), rng_(rng) {}

WebhookEmitter::~WebhookEmitter() = default;

void WebhookEmitter::set_faults(const DeliveryFaults& faults) {
  std::lock_guard lock(mu_);
  faults_ = faults;
}

void WebhookEmitter::set_on_gave_up(std::function<void(const std::string&, int)> fn) {
  std::lock_guard lock(mu_);
  on_gave_up_ = std::move(fn);
}

void WebhookEmitter::Emit(Webhook webhook) {
  std::vector<std::pair<std::size_t, sim::Duration>> starts;
  {
    std::lock_guard lock(mu_);
    // Draw every fault decision for this delivery, in a fixed order, whatever fires.
    const bool delayed = rng_.Bernoulli(faults_.delay_rate);
    const sim::Duration delay_draw(rng_.UniformInt(0, faults_.max_delay.count()));
    const bool duplicated = rng_.Bernoulli(faults_.duplicate_rate);
    const sim::Duration delay = delayed ? delay_draw : sim::Duration{0};

    DeliveryRecord record;
    record.webhook = std::move(webhook);
    records_.push_back(record);
    starts.emplace_back(records_.size() - 1, delay);
    if (duplicated) {
      record.duplicate = true;
      records_.push_back(std::move(record));
      starts.emplace_back(records_.size() - 1, delay + faults_.duplicate_delay);
    }
    in_flight_ += starts.size();
  }
  for (const auto& [index, delay] : starts) {
    executor_.Post([this, index = index, delay = delay] { sim::Detach(Deliver(index, delay)); });
  }
}

sim::Task<void> WebhookEmitter::Deliver(std::size_t index, sim::Duration initial_delay) {
  if (initial_delay > sim::Duration{0}) co_await sim::SleepFor(executor_, initial_delay);
  for (std::size_t attempt = 1;; ++attempt) {
    sim::Request request;
    std::string subscription, topic, delivery_id;
    {
      std::lock_guard lock(mu_);
      DeliveryRecord& r = records_[index];
      if (attempt == 1) r.first_attempt_at = executor_.clock().Now();
      r.attempts = static_cast<int>(attempt);
      request = r.webhook.request;
      subscription = r.webhook.subscription;
      topic = r.webhook.topic;
      delivery_id = r.webhook.delivery_id;
    }
    sim::SendResult result = co_await client_.Send(std::move(request), {schedule_.attempt_timeout});
    const bool ok = result.has_value() && result->status >= 200 && result->status < 300;
    const bool last = attempt > schedule_.delays.size();
    std::function<void(const std::string&, int)> gave_up_callback;
    int consecutive = 0;
    {
      std::lock_guard lock(mu_);
      DeliveryRecord& r = records_[index];
      r.last_status = result.has_value() ? result->status : 0;
      r.last_error = result.has_value() ? "" : std::string(sim::TransportErrorKindName(result.error().kind));
      auto it = std::find_if(consecutive_failures_.begin(), consecutive_failures_.end(),
                             [&](const auto& p) { return p.first == subscription; });
      if (it == consecutive_failures_.end()) {
        consecutive_failures_.emplace_back(subscription, 0);
        it = consecutive_failures_.end() - 1;
      }
      if (ok) {
        r.outcome = DeliveryOutcome::kDelivered;
        it->second = 0;
      } else if (last) {
        r.outcome = DeliveryOutcome::kGaveUp;
        consecutive = ++it->second;
        gave_up_callback = on_gave_up_;
      }
      if (ok || last) {
        r.finished_at = executor_.clock().Now();
        --in_flight_;
      }
      if (trace_ != nullptr) {
        trace_->Record(executor_.clock().Now(), "webhooks", "webhook.attempt",
                       {{"topic", topic},
                        {"delivery", delivery_id},
                        {"attempt", static_cast<std::int64_t>(attempt)},
                        {"status", r.last_status},
                        {"outcome", ok ? "delivered" : (last ? "gave_up" : "retry")}});
      }
    }
    if (ok) co_return;
    if (last) {
      if (gave_up_callback) gave_up_callback(subscription, consecutive);
      co_return;
    }
    co_await sim::SleepFor(executor_, schedule_.delays[attempt - 1]);
  }
}

std::vector<DeliveryRecord> WebhookEmitter::Deliveries() const {
  std::lock_guard lock(mu_);
  return records_;
}

std::size_t WebhookEmitter::InFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int WebhookEmitter::ConsecutiveFailures(const std::string& subscription) const {
  std::lock_guard lock(mu_);
  for (const auto& [s, n] : consecutive_failures_) {
    if (s == subscription) return n;
  }
  return 0;
}

}  // namespace rh::mocks
