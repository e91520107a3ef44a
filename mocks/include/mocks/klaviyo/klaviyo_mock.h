// The Klaviyo API mock (date-versioned JSON:API, https://a.klaviyo.com/api/...) with marketing
// that really sends: campaigns scheduled at a (virtual) time and flows (metric or list
// triggers, delays, profile filters, email and SMS steps) that, at SEND time, apply
// suppression, consent, audience membership, flow filters and Smart Sending, and record every
// message sent or skipped (with why) for the harness. Beside the real API, an inspection
// surface as C++ methods and as HTTP routes under /_rehearsal/.
//
// Model (shared/reference/klaviyo-api.md is the source; choices where it is unsure are marked
// "Choice:" here and in the .cc files):
// - Handle(request, now) is a function of (state, request, now): no clock is read; ids come
//   from the injected Rng, timestamps from now.wall. Scheduled sends and flow delays are timers
//   on the injected Executor (the Scheduler in sim mode, the LiveRuntime in live mode); a timer
//   reads the time from the executor's clock.
// - Checks in order: route (404), auth (401), revision (400), rate limit (429), then the
//   endpoint (400/404/409...). A rejected request changes no stored state (the rate-limit
//   windows of an authenticated account do count it, as Klaviyo's do).
// - Rate limits: per account, per tier (or per endpoint, see RateLimits::scope), two windows
//   (burst 1 s, steady 60 s) and a daily one for some writes, each a TokenBucket.
//   Choice: token buckets (the brief) where Klaviyo's docs say fixed windows; the steady
//   window's headers: RateLimit-Limit = steady limit, RateLimit-Remaining = whole tokens left,
//   RateLimit-Reset = seconds until the steady window is full again (at most 60).
// - POST /api/events is processed inside the request (Choice: the 202 "queued" work completes
//   at once, so the event is visible to the next GET); flows it triggers run on the executor.
//
// Thread safety: one internal mutex, locked in Handle, in every timer callback and in every
// public method. The executor is only given work while that mutex is held and must not call
// back synchronously. Lifetime: the executor must outlive the mock; the destructor cancels the
// mock's timers. In live mode, stop the runtime before destroying the mock.
//
// Real API routes (Authorization: Klaviyo-API-Key <key> or Bearer <token>; revision header):
//   GET|POST /api/profiles, GET|PATCH /api/profiles/{id}, POST /api/profile-import
//   GET|POST /api/lists, GET /api/lists/{id}, GET /api/lists/{id}/profiles,
//   POST|DELETE /api/lists/{id}/relationships/profiles
//   GET /api/segments, GET /api/segments/{id}, GET /api/segments/{id}/profiles
//   GET|POST /api/events, GET /api/events/{id}, GET /api/metrics, GET /api/metrics/{id}
//   POST /api/profile-suppression-bulk-create-jobs, ...-delete-jobs, GET .../{job_id}
//   POST /api/profile-subscription-bulk-create-jobs, ...-delete-jobs
//   GET /api/campaigns (channel filter required), GET /api/campaigns/{id},
//   POST /api/campaign-send-jobs, GET /api/flows, GET /api/flows/{id}
//
// HTTP inspection routes (no auth, no rate limit, not in the request log; JSON in and out;
// a bad document is a 400 {"error": "...", "field": "..."} naming the field):
//   POST /_rehearsal/profiles    {email?, phone_number?, external_id?, first_name?, ...,
//                                 properties?, email_consent?, sms_consent?,
//                                 suppressed?: reason, lists?: [ids]}          -> {"id"}
//   POST /_rehearsal/lists       {name, id?}                                   -> {"id"}
//   POST /_rehearsal/metrics     {name}                                        -> {"id"}
//   POST /_rehearsal/segments    {name, conditions: [condition]}               -> {"id"}
//   POST /_rehearsal/campaigns   {name, channel?, kind?, subject?, included: [ids],
//                                 excluded?: [ids], send_at?: RFC 3339 | send_in_s?: N,
//                                 smart_sending?: bool}                        -> {"id"}
//   POST /_rehearsal/flows       {template?: "post_purchase"|"review_request"|"recovery",
//                                 delay_days?, name?, status?, trigger?: {metric}|{list_id},
//                                 filters?: [condition], actions?: [action]}   -> {"id"}
//   POST /_rehearsal/suppress    {email, reason?}      POST /_rehearsal/unsuppress {email}
//   POST /_rehearsal/consent     {email, channel: "email"|"sms", consent}
//   GET  /_rehearsal/sends       {"data": [send records]}  (?outcome=sent|skipped)
//   GET  /_rehearsal/requests    {"data": [request log entries], "dropped": N}
//   GET  /_rehearsal/rate-limits current tiers and bucket levels
//   PUT  /_rehearsal/rate-limits {enabled?, scope?: "tier"|"endpoint",
//                                 tiers?: {"L": {"burst": N, "steady": N}, ...}}
//   condition := {"type": "profile_property", "field", "op", "value"}
//              | {"type": "list_member", "list_id", "negate"?}
//              | {"type": "metric", "metric", "within_days"? | "within_s"?, "min_count"?, "max_count"?}
//   action    := {"type": "delay", "days"? | "hours"? | "seconds"?}
//              | {"type": "email"|"sms", "name"?, "kind"?, "transactional"?, "smart_sending"?}
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/request_log.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/klaviyo/state.h"
#include "mocks/klaviyo/webhooks.h"
#include "sim/executor.h"
#include "sim/expected.h"
#include "sim/rng.h"
#include "sim/service.h"
#include "sim/trace.h"

namespace rh::mocks::klaviyo {

namespace detail {
struct Core;
}  // namespace detail

// One rate-limit tier: requests per 1 s (burst) and per 60 s (steady), and per day for the
// writes the spec gives a daily window (0: none).
struct RateTier {
  std::int64_t burst = 0;
  std::int64_t steady = 0;
  std::int64_t daily = 0;
};

struct RateLimits {
  bool enabled = true;
  // Choice: kPerTier (the brief: one pair of windows per tier per account, shared by the
  // endpoints of that tier); kPerEndpoint gives every endpoint its own windows.
  enum class Scope { kPerTier, kPerEndpoint };
  Scope scope = Scope::kPerTier;
  // By tier name: "XS", "S", "M", "L", "XL", and the custom tiers "lists_create"
  // (10/s, 150/m, 150/day) and "segments_create" / "flows_create" (1/s, 15/m, 100/day).
  std::map<std::string, RateTier> tiers;

  // The spec's numbers. Choice: L steady is 750/m (the spec since April 2026; the docs say 700).
  static RateLimits Spec();
};

// Klaviyo's Shopify integration (shopify_integration.cc). A connected store's Shopify webhooks,
// subscribed to kShopifyIntakePath on this mock, become Klaviyo's Shopify metrics on the
// customer's profile (found or created by e-mail), so metric-triggered flows start on them:
//   orders/create               Placed Order, and one Ordered Product per line item
//   orders/partially_fulfilled  Fulfilled Partial Order
//   orders/fulfilled            Fulfilled Order
//   orders/cancelled            Cancelled Order
//   refunds/create              Refunded Order (the order as last seen gives the e-mail)
//   fulfillments/update         Confirmed Shipment (in_transit), Marked Out for Delivery,
//                               Delivered Shipment, by the new shipment_status
// The intake verifies X-Shopify-Hmac-Sha256 with the app's secret (401 otherwise, nothing
// recorded), records each X-Shopify-Webhook-Id once, and each event once per profile, metric
// and unique id (the order, refund or fulfillment id), as Klaviyo's own dedupe does.
struct ShopifyIntegrationConfig {
  // The Shopify app's client secret; empty: no store is connected (the intake answers 404).
  std::string webhook_secret;
};
inline constexpr std::string_view kShopifyIntakePath = "/_integrations/shopify/webhooks";
// The Shopify topics the integration consumes, for the world to subscribe.
inline constexpr std::array<std::string_view, 6> kShopifyIntegrationTopics = {
    "orders/create", "orders/partially_fulfilled", "orders/fulfilled", "orders/cancelled", "refunds/create",
    "fulfillments/update"};

struct Config {
  std::string account_id = "WBhXHN";
  // Private keys of the account (all share its quota). Empty: any well-formed key
  // ("pk_" + 34 alphanumerics) is accepted.
  std::vector<std::string> api_keys;
  // OAuth access tokens (Bearer); each token is its own app instance with its own quota.
  std::vector<std::string> oauth_tokens;
  // The newest revision the mock knows; later (or malformed, or before 2023-02-22) -> 400.
  std::string latest_revision = "2026-07-15";
  RateLimits rate_limits = RateLimits::Spec();
  // Smart Sending windows (reference §9.5).
  sim::Duration smart_sending_email = sim::Hours(16);
  sim::Duration smart_sending_sms = sim::Hours(24);
  // Base of links in responses; "" = from the Host header (http for numeric hosts and
  // localhost, https otherwise).
  std::string link_base;
  std::size_t request_log_capacity = 100'000;
  ShopifyIntegrationConfig shopify;
  // System webhooks (webhooks.cc): every message sent produces its topic for each webhook that
  // subscribes to it. Deliveries go through `webhook_emitter` when set (at least once, retried);
  // every produced delivery is kept for ProducedWebhooks() either way (the last 10,000).
  std::vector<SystemWebhookConfig> webhooks;
  WebhookEmitter* webhook_emitter = nullptr;
};

// Built-in flow templates. Triggers are metric names; filters none.
// Post-purchase: "Placed Order" -> wait `delay` -> promotional email ("Thank you / cross-sell").
Flow PostPurchaseFlow(sim::Duration delay = sim::Days(1));
// Review request: `trigger_metric` ("Fulfilled Order" or "Delivered") -> wait `delay_days`
// days -> review-request email.
Flow ReviewRequestFlow(int delay_days = 7, std::string trigger_metric = "Fulfilled Order");
// Recovery: `trigger_metric` ("Issue Resolved") -> recovery email, at once.
Flow RecoveryFlow(std::string trigger_metric = "Issue Resolved");

// Seeding input for a profile (the world before the run).
struct ProfileSeed {
  std::optional<std::string> email, phone_number, external_id, first_name, last_name;
  OrderedJson properties = OrderedJson::object();
  std::string email_consent = "NEVER_SUBSCRIBED";
  std::string sms_consent = "NEVER_SUBSCRIBED";
  std::optional<std::string> suppressed;  // a suppression reason
  std::vector<std::string> lists;         // list ids to join (no flow fires)
};

class KlaviyoMock final : public sim::Service {
 public:
  // `rng` is the mock's own stream (ids, UUIDs). `executor` runs scheduled campaigns and flow
  // delays. `trace` (optional) gets a record per message sent or skipped.
  KlaviyoMock(Config config, sim::Executor& executor, sim::Rng rng, sim::Trace* trace = nullptr);
  ~KlaviyoMock() override;
  KlaviyoMock(const KlaviyoMock&) = delete;
  KlaviyoMock& operator=(const KlaviyoMock&) = delete;

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;

  // Seeding (no flow fires, nothing is logged). Errors name the bad field.
  sim::Expected<std::string, std::string> SeedProfile(const ProfileSeed& seed, sim::Moment now);
  std::string SeedList(std::string name, sim::Moment now);
  std::string SeedMetric(std::string name, sim::Moment now);
  sim::Expected<std::string, std::string> SeedSegment(std::string name, std::vector<Condition> conditions,
                                                      sim::Moment now);
  // Schedules the campaign at `campaign.scheduled_at` (now when absent) on the executor.
  sim::Expected<std::string, std::string> ScheduleCampaign(Campaign campaign, sim::Moment now);
  sim::Expected<std::string, std::string> SeedFlow(Flow flow, sim::Moment now);
  // The same from the JSON of the inspection routes.
  sim::Expected<std::string, std::string> SeedJson(std::string_view what, const Json& doc, sim::Moment now);

  // Consent and suppression, as the harness's world changes them (not through the API).
  bool Suppress(std::string_view email, std::string reason, sim::Moment now);
  bool Unsuppress(std::string_view email, sim::Moment now);  // removes USER_SUPPRESSED only
  bool SetConsent(std::string_view email, Channel channel, std::string consent, sim::Moment now);

  // Klaviyo's Shopify integration syncing one order it reads from Shopify's API (the REST order
  // document): the order's history so far as metrics, each at the resource's own time (Placed
  // Order, Ordered Product, Fulfilled [Partial] Order, Cancelled Order, Refunded Order). The
  // world syncs orders seeded before the run this way; flows they start count their delays from
  // `now`. Returns the number of events recorded (duplicates are not).
  int SyncShopifyOrder(const Json& order, sim::Moment now);

  // Configuration, at any time.
  void SetRateLimits(const RateLimits& limits);

  // Reading. Copies, so the caller needs no lock.
  std::vector<SendRecord> Sends() const;
  std::vector<RequestLogEntry> Requests() const;
  // System webhook deliveries produced so far, as sent (signed), oldest first.
  std::vector<sim::Request> ProducedWebhooks() const;
  std::optional<Profile> FindProfileByEmail(std::string_view email) const;
  State Snapshot() const;

 private:
  std::unique_ptr<detail::Core> core_;
};

}  // namespace rh::mocks::klaviyo
