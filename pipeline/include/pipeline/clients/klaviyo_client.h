// The pipeline's Klaviyo client (JSON:API, date-versioned): find a profile by e-mail, create one,
// suppress and unsuppress profiles in bulk (the suppression-job endpoints), and record an event
// (a metric by name, deduplicated by unique_id). The pipeline uses it to keep marketing quiet
// while a customer has a live issue and to fire the recovery event once when it is resolved.
//
// Real-API facts it follows (shared/reference/klaviyo-api.md):
// - Headers: Authorization "Klaviyo-API-Key <private key>", revision "YYYY-MM-DD", accept and
//   content-type application/vnd.api+json.
// - Profile by e-mail: GET /api/profiles?filter=equals(email,"...") (the whole filter
//   URI-encoded), with additional-fields[profile]=subscriptions to see suppressions.
// - Create: POST /api/profiles -> 201; 409 duplicate_profile carries
//   meta.duplicate_profile_id: the profile exists, which is an answer, not a failure to retry.
// - Suppress: POST /api/profile-suppression-bulk-create-jobs (at most 100 e-mails per job) ->
//   202 with a job; unsuppress: .../profile-suppression-bulk-delete-jobs (removes only
//   USER_SUPPRESSED). Both are idempotent, so they are retried freely.
// - Events: POST /api/events -> 202 with no body; a repeated unique_id for the same profile and
//   metric keeps only the first, so a retried event is never counted twice (I5, I7).
// - Limits: fixed windows per account and tier; RateLimit-Limit/Remaining/Reset (the steady
//   window) on every non-429 response, only Retry-After on a 429. The client paces within the
//   last share of a window, per tier (profiles and jobs: L, events: XL).
//
// Thread safety and determinism: as ApiCaller. The client must outlive its calls. It must not
// use the mock's /_rehearsal/ routes or read a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/clients/api_caller.h"
#include "pipeline/clients/values.h"

namespace rh::pipeline::clients {

struct KlaviyoConfig {
  std::string host = "klaviyo";  // the Host header: a sim host, "127.0.0.1:port", "a.klaviyo.com"
  std::string api_key;           // private key "pk_..."
  std::string revision = "2025-10-15";
  double low_water = 0.1;  // the last share of a rate window is spread out
  RetryPolicy retry;
};

struct KlaviyoSuppression {
  std::string reason;  // HARD_BOUNCE | INVALID_EMAIL | SPAM_COMPLAINT | UNSUBSCRIBE | USER_SUPPRESSED
  Timestamp timestamp;
};

struct KlaviyoProfile {
  std::string id;
  std::string email;
  std::string phone_number;
  std::string external_id;
  std::string first_name;
  std::string last_name;
  nlohmann::json properties = nlohmann::json::object();
  // From subscriptions.email.marketing (asked for with additional-fields).
  bool can_receive_email_marketing = false;
  std::string email_consent;  // SUBSCRIBED | UNSUBSCRIBED | NEVER_SUBSCRIBED
  std::vector<KlaviyoSuppression> suppressions;

  bool suppressed() const { return !suppressions.empty(); }
};

struct KlaviyoProfileInput {
  std::string email;
  std::string phone_number;  // E.164, optional
  std::string external_id;
  std::string first_name;
  std::string last_name;
  nlohmann::json properties = nlohmann::json::object();
};

struct KlaviyoProfileRef {
  std::string id;
  bool created = false;  // false: it existed (409 duplicate_profile)
};

struct KlaviyoJob {
  std::string id;
  std::string type;    // profile-suppression-bulk-create-job | ...-delete-job
  std::string status;  // queued | processing | complete | cancelled
  std::int64_t total_count = 0;
};

struct KlaviyoEvent {
  std::string metric;  // metric name; an unknown name creates the metric
  std::string email;   // the profile, by e-mail ...
  std::string profile_id;  // ... or by id (wins when set)
  nlohmann::json properties = nlohmann::json::object();
  std::string unique_id;  // deduplication key; set it, so a retry cannot double the event
  std::optional<double> value;
  std::string value_currency;
  std::string time;  // RFC 3339; empty: Klaviyo's receive time
};

class KlaviyoClient {
 public:
  KlaviyoClient(KlaviyoConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                sim::Trace* trace = nullptr);

  sim::Task<CallResult<std::optional<KlaviyoProfile>>> GetProfileByEmail(std::string email);
  sim::Task<CallResult<KlaviyoProfileRef>> CreateProfile(KlaviyoProfileInput profile);
  // One job per 100 e-mails, in order.
  sim::Task<CallResult<std::vector<KlaviyoJob>>> SuppressProfiles(std::vector<std::string> emails);
  sim::Task<CallResult<std::vector<KlaviyoJob>>> UnsuppressProfiles(std::vector<std::string> emails);
  // 202: accepted (Klaviyo processes events asynchronously).
  sim::Task<CallResult<bool>> CreateEvent(KlaviyoEvent event);

  ApiCaller& caller() { return caller_; }

 private:
  sim::Request Make(sim::Method method, std::string path_and_query, std::string body = {}) const;
  CallOptions Options(std::string operation, std::string tier) const;
  sim::Task<CallResult<std::vector<KlaviyoJob>>> SuppressionJobs(std::vector<std::string> emails, bool suppress);

  KlaviyoConfig config_;
  ApiCaller caller_;
};

}  // namespace rh::pipeline::clients
