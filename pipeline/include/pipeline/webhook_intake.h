// The pipeline's front door: Shopify webhooks and Gorgias HTTP-integration calls arrive here as
// HTTP requests. The intake verifies each signature first (missing or wrong: 401, and nothing
// else happens), deduplicates deliveries by their id, and hands each new event to the sink. It
// answers at once: the work happens later, on the pipeline's executor, so a slow LLM never makes
// Shopify or Gorgias time out and retry.
//
// Routes (POST only):
//   /webhooks/shopify   X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(app secret, raw body);
//                       deduplicated on X-Shopify-Webhook-Id (stable across Shopify's retries)
//   /webhooks/gorgias   X-Gorgias-Signature = hex HMAC-SHA256(integration secret, raw body);
//                       the trigger is the `event` query parameter of the integration's URL
//                       (one integration per trigger, as Gorgias has no trigger header), else
//                       inferred: a payload with a message is ticket-message-created. Gorgias has
//                       no delivery id, so the key is trigger + ticket id + message id (message
//                       triggers) or + updated_datetime (ticket triggers).
// Answers: 200 {"status":"accepted"}, {"status":"duplicate"} or {"status":"stale"} (both
// acknowledged, so the sender stops retrying), 503 when the sink could not record the event (the
// sender retries), 401 on a bad signature, 400 on a body that is not the expected JSON (after
// the signature holds), 404/405 elsewhere. The intake's own memory of keys is a per-process
// shortcut; the sink's (the Pipeline's inbox) is the one that survives a restart.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "sim/service.h"
#include "sim/trace.h"

namespace rh::pipeline {

struct ShopifyEvent {
  std::string topic;        // "orders/create", "fulfillments/update", ...
  std::string dedupe_key;   // "shopify:" + webhook_id
  std::string webhook_id;   // X-Shopify-Webhook-Id
  std::string event_id;     // X-Shopify-Event-Id (shared by the topics of one action)
  std::string triggered_at; // X-Shopify-Triggered-At, as sent
  nlohmann::json payload;
};

struct GorgiasEvent {
  std::string trigger;  // "ticket-created", "ticket-message-created", "ticket-updated", ...
  std::string dedupe_key;
  nlohmann::json ticket;
  nlohmann::json message;  // null unless a message trigger
  // The ticket id, coerced: Gorgias renders template values as strings.
  std::uint64_t ticket_id = 0;
};

// What the sink made of an event; the intake's answer follows from it. A sink that keeps its
// events durably (the Pipeline's inbox) says kAccepted only once the event is recorded, so an
// acknowledged webhook survives a crash; kNotRecorded makes the intake answer 503, and the
// sender retries.
enum class EventReceipt {
  kAccepted,     // 200 {"status":"accepted"}
  kDuplicate,    // 200 {"status":"duplicate"}: known already (perhaps before a restart)
  kStale,        // 200 {"status":"stale"}: its resource has a newer version on record
  kNotRecorded,  // 503: it could not be recorded; nothing was done
};

// Receives verified events the intake has not seen in this process. Called outside the intake's
// lock, on the thread that received the request; implementations record the event and queue the
// work rather than do it here.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual EventReceipt OnShopify(ShopifyEvent event, sim::Moment now) = 0;
  virtual EventReceipt OnGorgias(GorgiasEvent event, sim::Moment now) = 0;
};

struct IntakeConfig {
  std::string shopify_api_secret;   // the app's client secret
  std::string gorgias_hmac_secret;  // the HTTP integration's hmac_secret
  // Delivery ids remembered for deduplication; the oldest are forgotten first. Retries come
  // within hours, so a bounded memory is enough.
  std::size_t dedupe_capacity = 200'000;
};

// Whether a webhook's signature is the one its service computes over the body. This class is the
// real check (a constant-time comparison; a missing signature never passes); a test may inject
// another through the intake's constructor (the harness does, to show the I6 oracle catches an
// intake that trusts unsigned webhooks). Stateless: one may be shared.
class SignatureVerifier {
 public:
  virtual ~SignatureVerifier() = default;
  // `signature` is the request's header (none when absent); `expected` the HMAC of the body.
  virtual bool Genuine(std::optional<std::string_view> signature, std::string_view expected) const;
};

struct IntakeStats {
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t rejected_signature = 0;
  std::uint64_t rejected_malformed = 0;
  std::uint64_t stale = 0;         // acknowledged, not acted on: a newer version was on record
  std::uint64_t not_recorded = 0;  // answered 503
};

class WebhookIntake final : public sim::Service {
 public:
  // `trace` may be null (live mode: the trace is single-threaded). `verifier` null is the real
  // SignatureVerifier.
  WebhookIntake(IntakeConfig config, EventSink& sink, sim::Trace* trace = nullptr,
                std::shared_ptr<const SignatureVerifier> verifier = nullptr);

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;

  IntakeStats stats() const;

 private:
  sim::Response HandleShopify(const sim::Request& request, sim::Moment now);
  sim::Response HandleGorgias(const sim::Request& request, sim::Moment now);
  // True when `key` was not seen before (and remembers it).
  bool FirstTime(const std::string& key);
  // The sink could not record the event under `key`: a retry must reach it again.
  void Forget(const std::string& key);
  // The answer to a first-time delivery, from what the sink made of it.
  sim::Response AnswerReceipt(EventReceipt receipt, sim::Moment now, std::string_view source, const std::string& key);
  void Note(sim::Moment now, std::string_view kind, std::vector<sim::TraceField> fields);

  const IntakeConfig config_;
  const std::shared_ptr<const SignatureVerifier> verifier_;
  EventSink& sink_;
  sim::Trace* trace_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> seen_;  // guarded by mu_
  std::deque<std::string> seen_order_;    // guarded by mu_; oldest first
  IntakeStats stats_;                     // guarded by mu_
};

}  // namespace rh::pipeline
