// Delivers a mock's webhooks the way the real service does: at least once, retried on a non-2xx
// answer, a transport error or a timeout, on the service's own schedule, until the attempts run
// out. Under a delivery fault plan it also duplicates deliveries and delays them (which reorders
// them). It runs on any Executor and HttpClient, so the same code delivers in virtual time (sim)
// and over sockets (live). Deterministic in sim mode: every draw comes from its own Rng.
// Thread-safe: Emit may be called from a server thread while deliveries run on the executor.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "sim/executor.h"
#include "sim/http_client.h"
#include "sim/rng.h"
#include "sim/trace.h"

namespace rh::mocks {

struct RetrySchedule {
  // Delay before attempt 2, 3, ...; the number of attempts is 1 + delays.size().
  std::vector<sim::Duration> delays;
  sim::Duration attempt_timeout = sim::Sec(5);
};

// Shopify since 2024-09-10: 8 retries within 4 hours, exponential.
RetrySchedule ShopifyRetrySchedule();

struct DeliveryFaults {
  double duplicate_rate = 0;              // chance a delivery is sent a second time
  sim::Duration duplicate_delay = sim::Sec(2);  // how long after the first the copy goes
  double delay_rate = 0;                  // chance a delivery is held back...
  sim::Duration max_delay = sim::Minutes(5);    // ...by a uniform delay up to this
};

struct Webhook {
  std::string subscription;  // who it is for (a subscription or integration id); retries key on it
  std::string topic;         // for the log and trace
  std::string delivery_id;   // stays the same across retries and duplicates
  sim::Request request;      // fully formed: method, target, Host, headers (signed), body
};

enum class DeliveryOutcome { kPending, kDelivered, kGaveUp };

struct DeliveryRecord {
  Webhook webhook;
  bool duplicate = false;  // a copy made by the fault plan
  int attempts = 0;
  int last_status = 0;     // 0: no response
  std::string last_error;
  DeliveryOutcome outcome = DeliveryOutcome::kPending;
  sim::Instant first_attempt_at{};
  sim::Instant finished_at{};
};

class WebhookEmitter {
 public:
  WebhookEmitter(sim::Executor& executor, sim::HttpClient& client, sim::Rng rng,
                 RetrySchedule schedule, sim::Trace* trace = nullptr);
  ~WebhookEmitter();

  void set_faults(const DeliveryFaults& faults);
  // Called (on the executor) each time a subscription's delivery gives up, with the number of
  // consecutive failed deliveries for that subscription. Shopify deletes an API subscription
  // after 8.
  void set_on_gave_up(std::function<void(const std::string& subscription, int consecutive)> fn);

  // Queues a delivery; returns at once.
  void Emit(Webhook webhook);

  // A copy of every delivery so far, in the order emitted (duplicates after their original).
  std::vector<DeliveryRecord> Deliveries() const;
  std::size_t InFlight() const;
  int ConsecutiveFailures(const std::string& subscription) const;

 private:
  sim::Task<void> Deliver(std::size_t index, sim::Duration initial_delay);
  sim::Executor& executor_;
  sim::HttpClient& client_;
  RetrySchedule schedule_;
  sim::Trace* trace_;
  mutable std::mutex mu_;
  sim::Rng rng_;
  DeliveryFaults faults_;
  std::function<void(const std::string&, int)> on_gave_up_;
  std::vector<DeliveryRecord> records_;
  std::vector<std::pair<std::string, int>> consecutive_failures_;  // small; insertion order
  std::size_t in_flight_ = 0;
};

}  // namespace rh::mocks
