// The Klaviyo mock's internals, shared by its translation units: the store, the limiter, the
// JSON:API helpers and the marketing engine. Every method expects `mu` held by its caller.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/common/path_match.h"
#include "mocks/common/request_log.h"
#include "mocks/common/token_bucket.h"
#include "mocks/klaviyo/filter.h"
#include "mocks/klaviyo/klaviyo_mock.h"

namespace rh::mocks::klaviyo::detail {

struct Core;

// A JSON:API error, before rendering.
struct ApiError {
  int status = 400;
  std::string code = "invalid";
  std::string title = "Invalid input.";
  std::string detail;
  std::string pointer;    // source.pointer, when set
  std::string parameter;  // source.parameter, when set (pointer wins)
  OrderedJson meta = OrderedJson::object();
};

// What a handler sees of one request.
struct Call {
  const sim::Request& request;
  sim::Moment now;
  PathParams params;
  std::string link_base;  // "https://a.klaviyo.com"
};

using Reply = sim::Expected<sim::Response, ApiError>;

struct Route {
  sim::Method method;
  std::string_view pattern;
  std::string_view tier;
  std::string_view name;  // for per-endpoint limits and the log
  Reply (Core::*handler)(Call&);
};

struct Windows {
  TokenBucket burst, steady;
  std::optional<TokenBucket> daily;
};

struct SuppressionJob {
  std::string id;
  std::string type;  // profile-suppression-bulk-create-job | ...-delete-job
  sim::WallTime created{};
  std::int64_t total = 0, completed = 0, skipped = 0;
};

// A profile's progress through a flow.
struct FlowRun {
  std::uint64_t id = 0;
  std::string flow_id;
  std::string profile_id;
  std::size_t next_action = 0;
  std::optional<sim::TimerId> timer;
};

struct Core {
  Core(Config c, sim::Executor& ex, sim::Rng r, sim::Trace* t);

  // --- plumbing (klaviyo_mock.cc) ----------------------------------------------------------
  sim::Response HandleLocked(const sim::Request& request, sim::Moment now);
  std::optional<std::string> Authenticate(const sim::Request& request, ApiError& error) const;
  std::optional<ApiError> CheckRevision(const sim::Request& request) const;
  // Takes one request from the account's windows; fills the log line and the headers or 429.
  std::optional<sim::Response> Throttle(const std::string& account, const Route& route, sim::Moment now,
                                        sim::Headers& headers, std::string& log_line);
  sim::Response ErrorResponse(const ApiError& error);
  sim::Response Document(int status, OrderedJson body) const;
  std::string NewUlid(sim::WallTime t);
  std::string NewShortId(std::size_t length, const std::function<bool(const std::string&)>& taken);

  // JSON:API request parsing: the `data` object of type `type`; attributes limited to `allowed`.
  sim::Expected<Json, ApiError> ParseDocument(const sim::Request& request, std::string_view type,
                                              const std::vector<std::string_view>& allowed, bool needs_id);
  // Query helpers.
  sim::Expected<std::optional<Filter>, ApiError> ReadFilter(const Call& call, std::span<const FilterRule> rules);
  struct Page {
    std::size_t offset = 0, size = 0;
  };
  sim::Expected<Page, ApiError> ReadPage(const Call& call, std::size_t default_size, std::size_t max_size) const;
  // {"data": [...], "links": {self, next, prev}} for items [page.offset, +size) of `total`.
  OrderedJson Paged(const Call& call, OrderedJson data, const Page& page, std::size_t total) const;
  OrderedJson SparseAttributes(const Call& call, std::string_view type, OrderedJson attributes) const;

  // --- API (a file per resource: profiles.cc, lists.cc, segments.cc, events.cc, profile_jobs.cc, campaigns.cc)
  Reply GetProfiles(Call& call);
  Reply CreateProfile(Call& call);
  Reply GetProfile(Call& call);
  Reply UpdateProfile(Call& call);
  Reply ImportProfile(Call& call);
  Reply GetLists(Call& call);
  Reply CreateList(Call& call);
  Reply GetList(Call& call);
  Reply GetListProfiles(Call& call);
  Reply AddListProfiles(Call& call);
  Reply RemoveListProfiles(Call& call);
  Reply GetSegments(Call& call);
  Reply GetSegment(Call& call);
  Reply GetSegmentProfiles(Call& call);
  Reply CreateEvent(Call& call);
  Reply GetEvents(Call& call);
  Reply GetEvent(Call& call);
  Reply GetMetrics(Call& call);
  Reply GetMetric(Call& call);
  Reply CreateSuppressionJob(Call& call);
  Reply DeleteSuppressionJob(Call& call);
  Reply GetSuppressionCreateJob(Call& call);
  Reply GetSuppressionDeleteJob(Call& call);
  Reply Subscribe(Call& call);
  Reply Unsubscribe(Call& call);
  Reply SuppressionJobCommon(Call& call, bool suppress);
  Reply SubscriptionJobCommon(Call& call, bool subscribe);
  Reply GetCampaigns(Call& call);
  Reply GetCampaign(Call& call);
  Reply CreateCampaignSendJob(Call& call);
  Reply GetFlows(Call& call);
  Reply GetFlow(Call& call);

  OrderedJson ProfileResource(const Call& call, const Profile& p) const;
  OrderedJson ListResource(const Call& call, const List& l) const;
  OrderedJson SegmentResource(const Call& call, const Segment& s) const;
  OrderedJson EventResource(const Call& call, const Event& e) const;
  OrderedJson MetricResource(const Call& call, const Metric& m) const;
  OrderedJson CampaignResource(const Call& call, const Campaign& c) const;
  OrderedJson FlowResource(const Call& call, const Flow& f) const;
  Reply SuppressionJobReply(const Call& call, const SuppressionJob& job, int status, std::string_view job_status);
  Reply ListMembersPage(Call& call, const std::vector<std::string>& ids);
  // A duplicate identifier of `p` held by another profile, if any.
  std::optional<std::string> DuplicateOf(const Profile& p) const;
  // Applies profile attributes from a JSON:API document (null clears). Error pointer set.
  std::optional<ApiError> ApplyProfileAttributes(Profile& p, const Json& attributes) const;

  // --- marketing (marketing.cc) -------------------------------------------------------------
  Profile* FindByEmail(std::string_view email) const;
  Profile* FindByPhone(std::string_view phone) const;
  Profile* FindByExternalId(std::string_view external_id) const;
  // Stores a new or changed profile, keeping the identifier indexes in step. Every write of a
  // profile's email, phone number or external id goes through here.
  Profile& PutProfile(Profile p);
  Metric& MetricNamed(const std::string& name, sim::WallTime now);
  bool InList(const std::string& list_id, const std::string& profile_id) const;
  bool SegmentHas(const Segment& s, const Profile& p, sim::WallTime now) const;
  // The first failing condition, described; nullopt when all hold.
  std::optional<std::string> FailingCondition(const std::vector<Condition>& conditions, const Profile& p,
                                              sim::WallTime now) const;
  std::vector<std::string> AudienceMembers(const std::string& id, sim::WallTime now) const;
  void AddToList(List& list, const std::string& profile_id, bool trigger_flows, sim::Moment now);
  // Runs after an event is stored (not backfill, not a duplicate).
  void OnEvent(const Event& event, const std::string& metric_name, sim::Moment now);
  void StartFlow(const Flow& flow, const std::string& profile_id, sim::Moment now);
  void ContinueRun(std::uint64_t run_id, sim::Moment now);
  void ScheduleCampaignSend(const std::string& campaign_id, sim::Instant when);
  void SendCampaign(const std::string& campaign_id, sim::Moment now);
  // Applies the send-time rules and records the outcome.
  void Deliver(MessageKind kind, Channel channel, bool transactional, bool smart_sending, const Profile& p,
               std::string source_type, const std::string& source_id, const std::string& source_name,
               const std::string& message, const std::vector<Condition>* filters, sim::Moment now);
  void Record(SendRecord record);
  bool SuppressProfile(Profile& p, const std::string& reason, sim::WallTime now);
  bool UnsuppressProfile(Profile& p, sim::WallTime now);

  // --- Shopify integration (shopify_integration.cc) -------------------------------------------
  sim::Response HandleShopifyIntake(const sim::Request& request, sim::Moment now);
  int SyncShopifyOrderLocked(const Json& order, sim::Moment now);
  // What the integration remembers of an order (refunds/create names only the order id).
  struct ShopifyOrderMemo {
    std::string email, name, currency;
    OrderedJson items = OrderedJson::array();
  };
  std::map<std::uint64_t, ShopifyOrderMemo> shopify_orders;
  std::set<std::string> shopify_deliveries;  // X-Shopify-Webhook-Id values already recorded
  std::set<std::string> shopify_event_ids;   // ids of the events the integration recorded

  // --- system webhooks (webhooks.cc) ---------------------------------------------------------
  // Produces the topic of a sent message for every webhook subscribed to it.
  void ProduceSendWebhooks(const SendRecord& record);
  std::vector<sim::Request> produced_webhooks;

  // --- inspection (inspection.cc) ----------------------------------------------------------
  sim::Response HandleInspection(const sim::Request& request, sim::Moment now);
  sim::Expected<std::string, std::string> SeedProfileLocked(const ProfileSeed& seed, sim::Moment now);
  sim::Expected<std::string, std::string> SeedSegmentLocked(std::string name, std::vector<Condition> conditions,
                                                            sim::Moment now);
  sim::Expected<std::string, std::string> ScheduleCampaignLocked(Campaign c, sim::Moment now);
  sim::Expected<std::string, std::string> SeedFlowLocked(Flow f, sim::Moment now);
  sim::Expected<std::string, std::string> SeedJsonLocked(std::string_view what, const Json& doc, sim::Moment now);
  // SeedJsonLocked's kinds, one each (the document is an object).
  sim::Expected<std::string, std::string> SeedProfileJson(const Json& doc, sim::Moment now);
  sim::Expected<std::string, std::string> SeedListJson(const Json& doc, sim::Moment now);
  sim::Expected<std::string, std::string> SeedMetricJson(const Json& doc, sim::Moment now);
  sim::Expected<std::string, std::string> SeedSegmentJson(const Json& doc, sim::Moment now);
  sim::Expected<std::string, std::string> SeedCampaignJson(const Json& doc, sim::Moment now);
  sim::Expected<std::string, std::string> SeedFlowJson(const Json& doc, sim::Moment now);

  Config config;
  sim::Executor& executor;
  sim::Rng rng;
  sim::Trace* trace;
  mutable std::mutex mu;
  State state;
  RequestLog log;
  std::map<std::string, Windows> windows;  // by account + "|" + tier or endpoint
  // Identifier -> profile id, so lookups by email stay cheap in large worlds.
  std::map<std::string, std::string> by_email, by_phone, by_external_id;
  std::set<std::string> event_keys;        // profile|metric|unique_id, for dedupe
  std::map<std::string, SuppressionJob> jobs;
  std::map<std::uint64_t, FlowRun> runs;
  std::uint64_t next_run_id = 1;
  std::set<std::string> list_flow_entries;           // flow|profile: list triggers fire once
  std::map<std::string, sim::TimerId> campaign_timers;  // pending scheduled sends
  std::map<std::string, std::map<Channel, sim::WallTime>> last_sent;  // Smart Sending
  bool destroying = false;
};

// RFC 3339 with "+00:00", as Klaviyo writes datetimes.
std::string KlaviyoTime(sim::WallTime t);
OrderedJson OptString(const std::optional<std::string>& s);
// Condition <-> JSON (inspection routes); errors name the field.
sim::Expected<Condition, std::string> ConditionFromJson(const Json& j, std::string_view where);
OrderedJson SendRecordJson(const SendRecord& r);

}  // namespace rh::mocks::klaviyo::detail
