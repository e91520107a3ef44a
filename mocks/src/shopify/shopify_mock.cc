// ShopifyMock: the entry point. Handle splits the inspection surface (/_rehearsal/...) from the
// Admin API (/admin/api/{version}/...), checks the version and the access token, applies the
// REST leaky bucket or hands over to the GraphQL endpoint, routes, and stamps every response
// with X-Request-Id and X-Shopify-API-Version (REST also with the call-limit header). The
// request log and trace record each request with its rate-limit decision. Webhooks produced
// while the mutex is held are emitted after it is released.
#include "mocks/shopify/shopify_mock.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core.h"
#include "sim/clock.h"

namespace rh::mocks::shopify {

using detail::Action;
using detail::Core;

RestLimits RestLimitsFor(Plan plan) {
  switch (plan) {
    case Plan::kStandard: return {40, sim::Ms(500)};
    case Plan::kAdvanced: return {80, sim::Ms(250)};
    case Plan::kPlus: return {400, sim::Ms(50)};
    case Plan::kEnterprise: return {400, sim::Ms(25)};
  }
  return {};
}

GraphqlLimits GraphqlLimitsFor(Plan plan) {
  switch (plan) {
    case Plan::kStandard: return {100, 2000};
    case Plan::kAdvanced: return {200, 4000};
    case Plan::kPlus: return {1000, 20000};
    case Plan::kEnterprise: return {2000, 40000};
  }
  return {};
}

namespace {

// The ranges PUT /_rehearsal/limits accepts: any plan a scenario models, and no bucket whose drain
// time rounds to zero or whose arithmetic overflows.
constexpr std::int64_t kMaxBucketSize = 1'000'000;
constexpr double kMinRatePerSecond = 0.001;
constexpr double kMaxRatePerSecond = 1'000'000;

struct Route {
  sim::Method method;
  std::string_view pattern;
  detail::Reply (Core::*handler)(detail::Call&);
};

// Order matters where patterns overlap ("/orders/count.json" before "/orders/{id}.json").
constexpr Route kRoutes[] = {
    {sim::Method::kGet, "/orders.json", &Core::ListOrders},
    {sim::Method::kGet, "/orders/count.json", &Core::CountOrders},
    {sim::Method::kGet, "/orders/{id}.json", &Core::GetOrder},
    {sim::Method::kPut, "/orders/{id}.json", &Core::UpdateOrder},
    {sim::Method::kPost, "/orders/{id}/close.json", &Core::CloseOrder},
    {sim::Method::kPost, "/orders/{id}/open.json", &Core::OpenOrder},
    {sim::Method::kPost, "/orders/{id}/cancel.json", &Core::CancelOrder},
    {sim::Method::kGet, "/orders/{id}/fulfillment_orders.json", &Core::ListFulfillmentOrders},
    {sim::Method::kGet, "/orders/{id}/fulfillments.json", &Core::ListFulfillments},
    {sim::Method::kGet, "/orders/{id}/fulfillments/{fid}.json", &Core::GetFulfillment},
    {sim::Method::kGet, "/orders/{id}/fulfillments/{fid}/events.json", &Core::ListFulfillmentEvents},
    {sim::Method::kPost, "/orders/{id}/fulfillments/{fid}/events.json", &Core::CreateFulfillmentEvent},
    {sim::Method::kGet, "/orders/{id}/refunds.json", &Core::ListRefunds},
    {sim::Method::kPost, "/orders/{id}/refunds.json", &Core::CreateRefundRest},
    {sim::Method::kPost, "/orders/{id}/refunds/calculate.json", &Core::CalculateRefund},
    {sim::Method::kGet, "/orders/{id}/refunds/{rid}.json", &Core::GetRefund},
    {sim::Method::kGet, "/customers/search.json", &Core::SearchCustomers},
    {sim::Method::kGet, "/customers/{id}.json", &Core::GetCustomer},
    {sim::Method::kGet, "/customers/{id}/orders.json", &Core::CustomerOrders},
    {sim::Method::kGet, "/fulfillment_orders/{id}.json", &Core::GetFulfillmentOrder},
    {sim::Method::kPost, "/fulfillment_orders/{id}/{action}.json", &Core::FulfillmentOrderAction},
    {sim::Method::kPost, "/fulfillments.json", &Core::CreateFulfillmentRest},
    {sim::Method::kPost, "/fulfillments/{id}/update_tracking.json", &Core::UpdateTracking},
    {sim::Method::kPost, "/fulfillments/{id}/cancel.json", &Core::CancelFulfillment},
    {sim::Method::kGet, "/webhooks.json", &Core::ListSubscriptions},
    {sim::Method::kPost, "/webhooks.json", &Core::CreateSubscription},
    {sim::Method::kGet, "/webhooks/{id}.json", &Core::GetSubscription},
    {sim::Method::kDelete, "/webhooks/{id}.json", &Core::DeleteSubscription},
    {sim::Method::kGet, "/shop.json", &Core::GetShop},
};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "2025-07" with a quarterly month, or "unstable".
bool WellFormedVersion(std::string_view v) {
  if (v == "unstable") return true;
  if (v.size() != 7 || v[4] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6}) {
    if (v[i] < '0' || v[i] > '9') return false;
  }
  const std::string_view month = v.substr(5);
  return month == "01" || month == "04" || month == "07" || month == "10";
}

// Decimal seconds, rounded up to a tenth: "0.5", "2.0".
std::string RetryAfterText(sim::Duration d) {
  const std::int64_t tenths = (d.count() + 99'999'999) / 100'000'000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%lld", static_cast<long long>(tenths / 10),
                static_cast<long long>(tenths % 10));
  return buf;
}

std::string ServedVersion(const Core& core, const std::string& requested) {
  const auto& versions = core.config.api_versions;
  if (std::find(versions.begin(), versions.end(), requested) != versions.end()) return requested;
  // Well-formed but unsupported: falls forward to the oldest supported version.
  return versions.empty() ? requested : versions.front();
}

bool Authorized(const Core& core, const sim::Request& request) {
  const std::optional<std::string_view> token = request.headers.Get("X-Shopify-Access-Token");
  if (!token || token->empty()) return false;
  const auto& tokens = core.config.access_tokens;
  return std::any_of(tokens.begin(), tokens.end(), [&](const std::string& t) { return t == *token; });
}

// The reference's REST 401 body; GraphQL answers the same (its 401 body is not documented).
// A 401 carries no call-limit header: the call is not attributed to the app's bucket.
sim::Response Unauthorized() {
  return detail::ErrorResponse(detail::ErrorText(401, "[API] Invalid API key or access token (unrecognized login or wrong password)"));
}

sim::Response RouteRest(Core& core, Action& action, const sim::Request& request, const std::string& version,
                        std::string_view resource) {
  bool path_known = false;
  std::vector<std::string_view> allowed;
  for (const Route& route : kRoutes) {
    std::optional<PathParams> params = MatchPath(route.pattern, resource);
    if (!params) continue;
    path_known = true;
    if (route.method != request.method) {
      allowed.push_back(sim::MethodName(route.method));
      continue;
    }
    detail::Call call{request, action, version, std::move(*params), std::string(resource)};
    detail::Reply reply = (core.*route.handler)(call);
    return reply ? std::move(*reply) : detail::ErrorResponse(reply.error());
  }
  if (!path_known) return detail::ErrorResponse(detail::NotFound());
  // A known path with another method: 406, as Shopify's Rails stack answers.
  sim::Response response = detail::ErrorResponse(detail::ErrorText(406, "Not Acceptable"));
  std::string allow;
  for (auto m : allowed) {
    if (allow.find(m) == std::string::npos) allow += (allow.empty() ? "" : ", ") + std::string(m);
  }
  response.headers.Set("Allow", allow);
  return response;
}

}  // namespace

namespace detail {
namespace {

// ---- Inspection surface ----

sim::Response SeedErrorResponse(const SeedError& e) {
  if (e.message == "not found") return ErrorResponse(NotFound());
  OrderedJson errors;
  errors[e.field.empty() ? std::string("base") : e.field] = e.message;
  return ErrorResponse(ErrorObject(400, std::move(errors)));
}

std::optional<Json> InspectionBody(const sim::Request& request, sim::Response& error) {
  std::optional<Json> body = ParseJsonBody(request);
  if (!body) error = ErrorResponse(ErrorObject(400, OrderedJson{{"body", "is not valid JSON"}}));
  return body;
}

bool QueryFlag(const sim::Request& request, std::string_view key, bool fallback) {
  const std::optional<std::string> v = request.Query(key);
  if (!v) return fallback;
  return *v == "true" || *v == "1" || *v == "yes";
}

std::optional<Plan> ParsePlan(const std::string& name) {
  if (name == "standard" || name == "basic" || name == "shopify") return Plan::kStandard;
  if (name == "advanced") return Plan::kAdvanced;
  if (name == "plus" || name == "shopify_plus") return Plan::kPlus;
  if (name == "enterprise" || name == "commerce_components") return Plan::kEnterprise;
  return std::nullopt;
}

OrderedJson RequestLogJson(const Core& core) {
  return OrderedJson{{"total", core.request_log.total()},
                     {"dropped", core.request_log.dropped()},
                     {"requests", RequestLogEntriesJson(core.request_log, LogTime::kNanoseconds)}};
}

OrderedJson HeadersJson(const sim::Headers& headers) {
  OrderedJson out = OrderedJson::object();
  for (const auto& [k, v] : headers.fields()) out[k] = v;
  return out;
}

OrderedJson WebhooksJson(const Core& core) {
  OrderedJson list = OrderedJson::array();
  for (const auto& w : core.webhooks) {
    list.push_back({{"subscription_id", w.subscription_id},
                    {"topic", w.topic},
                    {"webhook_id", w.webhook_id},
                    {"event_id", w.event_id},
                    {"at_ns", w.at.time_since_epoch().count()},
                    {"host", std::string(w.request.Host())},
                    {"target", w.request.target},
                    {"headers", HeadersJson(w.request.headers)},
                    {"body", w.request.body}});
  }
  OrderedJson deliveries = OrderedJson::array();
  if (core.config.emitter) {
    for (const auto& d : core.config.emitter->Deliveries()) {
      const char* outcome = d.outcome == DeliveryOutcome::kDelivered ? "delivered"
                            : d.outcome == DeliveryOutcome::kGaveUp  ? "gave_up"
                                                                     : "pending";
      deliveries.push_back({{"webhook_id", d.webhook.delivery_id},
                            {"topic", d.webhook.topic},
                            {"subscription", d.webhook.subscription},
                            {"duplicate", d.duplicate},
                            {"attempts", d.attempts},
                            {"last_status", d.last_status},
                            {"last_error", d.last_error},
                            {"outcome", outcome}});
    }
  }
  return OrderedJson{{"webhooks", list}, {"deliveries", deliveries}};
}

void ApplyLimits(Core& core, const RestLimits& rest, const GraphqlLimits& gql) {
  core.config.rest_limits = rest;
  core.config.graphql_limits = gql;
  core.rest_bucket.Reconfigure(LeakyBucket::Config{rest.bucket_size, rest.leak_each});
  // TokenBucket cannot be reconfigured in place: a new one starts full.
  core.graphql_bucket = TokenBucket(TokenBucket::Config{gql.maximum_available, gql.restore_rate});
}

sim::Response Inspect(Core& core, Action& action, const sim::Request& request);

}  // namespace
}  // namespace detail

namespace detail {
namespace {

OrderedJson SnapshotOf(const Core& core) {
  OrderedJson customers = OrderedJson::array();
  for (const auto& [id, c] : core.state.customers) customers.push_back(RenderCustomer(core, c, false));
  OrderedJson orders = OrderedJson::array();
  for (const auto& [id, o] : core.state.orders) {
    OrderedJson order = RenderOrder(core, o);
    OrderedJson fos = OrderedJson::array();
    for (const auto& fo : o.fulfillment_orders) fos.push_back(RenderFulfillmentOrder(core, o, fo));
    order["fulfillment_orders"] = fos;
    OrderedJson returns = OrderedJson::array();
    for (const auto& r : o.returns) returns.push_back(RenderReturn(core, o, r));
    order["returns"] = returns;
    orders.push_back(std::move(order));
  }
  OrderedJson subs = OrderedJson::array();
  for (const auto& [id, s] : core.state.subscriptions) subs.push_back(RenderSubscription(core, s));
  return OrderedJson{{"customers", customers}, {"orders", orders}, {"webhook_subscriptions", subs}};
}

// PUT /_rehearsal/limits: a plan, or the REST bucket and the GraphQL rates within bounds, and
// whether orders.json honours its email filter.
sim::Response PutLimits(Core& core, const Json& body) {
  if (!body.is_object()) return ErrorResponse(ErrorObject(400, OrderedJson{{"body", "must be an object"}}));
  Plan plan = core.config.plan;
  if (body.contains("plan")) {
    const std::optional<Plan> p = body["plan"].is_string() ? ParsePlan(body["plan"].get<std::string>()) : std::nullopt;
    if (!p) return ErrorResponse(ErrorObject(400, OrderedJson{{"plan", "must be standard, advanced, plus or enterprise"}}));
    plan = *p;
  }
  RestLimits rest = body.contains("plan") ? RestLimitsFor(plan) : core.config.rest_limits.value_or(RestLimitsFor(plan));
  GraphqlLimits gql = body.contains("plan") ? GraphqlLimitsFor(plan) : core.config.graphql_limits.value_or(GraphqlLimitsFor(plan));
  if (body.contains("rest")) {
    const Json& r = body["rest"];
    if (!r.is_object()) return ErrorResponse(ErrorObject(400, OrderedJson{{"rest", "must be an object"}}));
    if (r.contains("bucket_size")) {
      const auto size = IntegerWithin(r["bucket_size"], 1, kMaxBucketSize);
      if (!size) return ErrorResponse(ErrorObject(400, OrderedJson{{"rest.bucket_size", "must be an integer from 1 to 1000000"}}));
      rest.bucket_size = *size;
    }
    if (r.contains("leak_per_second")) {
      const auto rate = NumberWithin(r["leak_per_second"], kMinRatePerSecond, kMaxRatePerSecond);
      if (!rate) return ErrorResponse(ErrorObject(400, OrderedJson{{"rest.leak_per_second", "must be a number from 0.001 to 1000000"}}));
      rest.leak_each = sim::Duration(static_cast<std::int64_t>(std::llround(1e9 / *rate)));
    }
  }
  if (body.contains("graphql")) {
    const Json& g = body["graphql"];
    if (!g.is_object()) return ErrorResponse(ErrorObject(400, OrderedJson{{"graphql", "must be an object"}}));
    for (const char* key : {"restore_rate", "maximum_available"}) {
      if (!g.contains(key)) continue;
      if (!NumberWithin(g[key], kMinRatePerSecond, kMaxRatePerSecond)) {
        return ErrorResponse(ErrorObject(400, OrderedJson{{std::string("graphql.") + key, "must be a number from 0.001 to 1000000"}}));
      }
    }
    gql.restore_rate = g.value("restore_rate", gql.restore_rate);
    gql.maximum_available = g.value("maximum_available", gql.maximum_available);
  }
  if (body.contains("orders_email_filter")) {
    const std::string v = body["orders_email_filter"].is_string() ? body["orders_email_filter"].get<std::string>() : "";
    if (v != "honored" && v != "ignored") {
      return ErrorResponse(ErrorObject(400, OrderedJson{{"orders_email_filter", "must be honored or ignored"}}));
    }
    core.config.orders_email_filter = v == "honored" ? OrdersEmailFilter::kHonored : OrdersEmailFilter::kIgnored;
  }
  core.config.plan = plan;
  ApplyLimits(core, rest, gql);
  return JsonResponse(200, OrderedJson{{"rest", {{"bucket_size", rest.bucket_size}, {"leak_each_ns", rest.leak_each.count()}}},
                                       {"graphql", {{"restore_rate", gql.restore_rate}, {"maximum_available", gql.maximum_available}}}});
}

sim::Response Inspect(Core& core, Action& action, const sim::Request& request) {
  const std::string_view path = request.Path();
  const sim::Method m = request.method;
  sim::Response error;
  auto created = [](const char* root, OrderedJson resource) {
    return JsonResponse(201, OrderedJson{{root, std::move(resource)}});
  };
  if (m == sim::Method::kGet && path == "/_rehearsal/state") return JsonResponse(200, SnapshotOf(core));
  if (m == sim::Method::kGet && path == "/_rehearsal/requests") return JsonResponse(200, RequestLogJson(core));
  if (m == sim::Method::kGet && path == "/_rehearsal/webhooks") return JsonResponse(200, WebhooksJson(core));
  if (m == sim::Method::kPost && path == "/_rehearsal/customers") {
    const auto body = InspectionBody(request, error);
    if (!body) return error;
    auto id = SeedCustomerImpl(core, *body, action.now);
    if (!id) return SeedErrorResponse(id.error());
    return created("customer", RenderCustomer(core, *core.FindCustomer(*id), false));
  }
  if (m == sim::Method::kPost && path == "/_rehearsal/orders") {
    const auto body = InspectionBody(request, error);
    if (!body) return error;
    auto id = SeedOrderImpl(core, action, *body, QueryFlag(request, "notify", false));
    if (!id) return SeedErrorResponse(id.error());
    return created("order", RenderOrder(core, *core.FindOrder(*id)));
  }
  if (m == sim::Method::kPost && path == "/_rehearsal/webhook_subscriptions") {
    const auto body = InspectionBody(request, error);
    if (!body) return error;
    if (!body->is_object() || !body->contains("topic") || !(*body)["topic"].is_string()) {
      return ErrorResponse(ErrorObject(400, OrderedJson{{"topic", "must be a string"}}));
    }
    if (!body->contains("host") || !(*body)["host"].is_string()) {
      return ErrorResponse(ErrorObject(400, OrderedJson{{"host", "must be a string"}}));
    }
    WebhookSubscriptionConfig s;
    s.topic = (*body)["topic"].get<std::string>();
    s.host = (*body)["host"].get<std::string>();
    if (body->contains("path") && (*body)["path"].is_string()) s.path = (*body)["path"].get<std::string>();
    if (body->contains("api_created") && (*body)["api_created"].is_boolean()) s.api_created = (*body)["api_created"].get<bool>();
    const Id id = AddSubscriptionImpl(core, s, action.now.wall);
    return created("webhook", RenderSubscription(core, core.state.subscriptions.at(id)));
  }
  if (m == sim::Method::kPut && path == "/_rehearsal/limits") {
    const auto body = InspectionBody(request, error);
    if (!body) return error;
    return PutLimits(core, *body);
  }
  if (m == sim::Method::kPost) {
    if (auto p = MatchPath("/_rehearsal/orders/{id}/fulfillments", path)) {
      Json body = Json::object();
      if (!request.body.empty()) {
        const auto parsed = InspectionBody(request, error);
        if (!parsed) return error;
        body = *parsed;
      }
      auto id = SeedFulfillmentImpl(core, action, p->GetUint("id").value_or(0), body, QueryFlag(request, "notify", true));
      if (!id) return SeedErrorResponse(id.error());
      auto [order, f] = core.FindFulfillment(*id);
      return created("fulfillment", RenderFulfillment(core, *order, *f));
    }
    if (auto p = MatchPath("/_rehearsal/orders/{id}/returns", path)) {
      const auto body = InspectionBody(request, error);
      if (!body) return error;
      auto id = SeedReturnImpl(core, action, p->GetUint("id").value_or(0), *body);
      if (!id) return SeedErrorResponse(id.error());
      auto [order, r] = core.FindReturn(*id);
      return created("return", RenderReturn(core, *order, *r));
    }
    if (auto p = MatchPath("/_rehearsal/fulfillments/{id}/events", path)) {
      const auto body = InspectionBody(request, error);
      if (!body) return error;
      if (!body->is_object() || !body->contains("status") || !(*body)["status"].is_string()) {
        return ErrorResponse(ErrorObject(400, OrderedJson{{"status", "must be a string"}}));
      }
      std::optional<std::string> message;
      if (body->contains("message") && (*body)["message"].is_string()) message = (*body)["message"].get<std::string>();
      const Id fid = p->GetUint("id").value_or(0);
      auto id = CarrierEventImpl(core, action, fid, (*body)["status"].get<std::string>(), message);
      if (!id) return SeedErrorResponse(id.error());
      auto [order, f] = core.FindFulfillment(fid);
      return created("fulfillment", RenderFulfillment(core, *order, *f));
    }
  }
  return ErrorResponse(NotFound());
}

}  // namespace
}  // namespace detail

// ---- ShopifyMock ----

ShopifyMock::ShopifyMock(Config config, sim::Rng rng)
    : core_(std::make_unique<Core>(std::move(config), rng)) {
  // Subscriptions in the configuration predate the run: they carry the simulation's epoch (a
  // constant, not a clock reading).
  for (const auto& s : core_->config.webhooks) detail::AddSubscriptionImpl(*core_, s, sim::DefaultSimEpoch());
  if (core_->config.emitter) {
    core_->config.emitter->set_on_gave_up([this](const std::string& subscription, int consecutive) {
      std::lock_guard lock(mu_);
      core_->StateMayChange();
      Id id = 0;
      for (char c : subscription) {
        if (c < '0' || c > '9') return;
        id = id * 10 + static_cast<Id>(c - '0');
      }
      const auto it = core_->state.subscriptions.find(id);
      if (it == core_->state.subscriptions.end() || !it->second.api_created) return;
      if (consecutive < core_->config.gave_up_deliveries_before_delete) return;
      core_->state.subscriptions.erase(it);
    });
  }
}

ShopifyMock::~ShopifyMock() {
  // The emitter (which outlives the mock) must not call back into it.
  if (core_->config.emitter) core_->config.emitter->set_on_gave_up({});
}

void ShopifyMock::Deliver(std::vector<Webhook> outbox) {
  WebhookEmitter* emitter = nullptr;
  {
    std::lock_guard lock(mu_);
    emitter = core_->config.emitter;
  }
  if (!emitter) return;
  for (auto& w : outbox) emitter->Emit(std::move(w));
}

sim::Response ShopifyMock::Handle(const sim::Request& request, sim::Moment now) {
  std::vector<Webhook> outbox;
  sim::Response response;
  {
    std::lock_guard lock(mu_);
    // Reads leave the store as it is; anything else may change it.
    if (request.method != sim::Method::kGet && request.method != sim::Method::kHead) core_->StateMayChange();
    Core& core = *core_;
    Action action{now, &outbox, {}, {}};
    const std::string_view path = request.Path();
    std::string account;
    std::string served_version;
    std::string call_limit;  // REST only: "n/cap", on every answer to an authenticated call

    try {
      if (StartsWith(path, "/_rehearsal/")) {
        response = detail::Inspect(core, action, request);
      } else if (!StartsWith(path, "/admin/api/")) {
        response = detail::ErrorResponse(detail::NotFound());
      } else {
        const std::string_view after = path.substr(std::string_view("/admin/api/").size());
        const auto slash = after.find('/');
        const std::string requested(after.substr(0, slash));
        const std::string_view resource = slash == std::string_view::npos ? std::string_view() : after.substr(slash);
        if (!WellFormedVersion(requested) || resource.empty()) {
          response = detail::ErrorResponse(detail::NotFound());
        } else {
          served_version = ServedVersion(core, requested);
          if (!Authorized(core, request)) {
            response = Unauthorized();
            action.rate_limit_note = "unauthenticated";
          } else if (resource == "/graphql.json") {
            account = core.config.app_name;
            if (request.method != sim::Method::kPost) {
              response = detail::ErrorResponse(detail::ErrorText(406, "Not Acceptable"));
              response.headers.Set("Allow", "POST");
            } else {
              response = detail::HandleGraphql(core, action, request, served_version);
            }
          } else {
            account = core.config.app_name;
            const LeakyBucket::Decision decision = core.rest_bucket.TryAdmit(now.monotonic);
            call_limit = std::to_string(decision.level) + "/" + std::to_string(core.rest_bucket.config().capacity);
            if (!decision.admitted) {
              // A refused call does not fill the bucket. The body says "2 calls" whatever the plan.
              response = detail::ErrorResponse(detail::ErrorText(429, "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."));
              response.headers.Set("Retry-After", RetryAfterText(decision.retry_after));
              action.rate_limit_note = "refused " + call_limit + " retry_after=" + RetryAfterText(decision.retry_after) + "s";
            } else {
              action.rate_limit_note = "admitted " + call_limit;
              response = RouteRest(core, action, request, served_version, resource);
            }
          }
        }
      }
    } catch (const std::exception& e) {
      // A bug or an input nothing above anticipated (e.g. a string that is not UTF-8 echoed
      // into JSON): Shopify's 500 body, never an exception out of Handle.
      response = detail::ErrorResponse(detail::ErrorText(500, "An unexpected error occurred"));
      action.rate_limit_note += std::string(" exception: ") + e.what();
    }
    if (!call_limit.empty()) response.headers.Set("X-Shopify-Shop-Api-Call-Limit", call_limit);
    if (!StartsWith(path, "/_rehearsal/")) {
      response.headers.Set("X-Request-Id", core.NextRequestId());
      if (!served_version.empty()) response.headers.Set("X-Shopify-API-Version", served_version);
      RequestLogEntry entry;
      entry.at = now.monotonic;
      entry.method = std::string(sim::MethodName(request.method));
      entry.target = request.target;
      entry.account = account;
      entry.status = response.status;
      entry.rate_limit = action.rate_limit_note;
      core.request_log.Add(std::move(entry));
      if (core.config.trace) {
        core.config.trace->Record(now.monotonic, "mocks.shopify", "shopify.request",
                                  {{"method", std::string(sim::MethodName(request.method))},
                                   {"target", request.target},
                                   {"status", response.status},
                                   {"rate_limit", action.rate_limit_note}});
      }
    }
  }
  Deliver(std::move(outbox));
  return response;
}

SeedResult<Id> ShopifyMock::SeedCustomer(const Json& customer, sim::Moment now) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  return detail::SeedCustomerImpl(*core_, customer, now);
}

SeedResult<Id> ShopifyMock::SeedOrder(const Json& order, sim::Moment now, bool notify) {
  std::vector<Webhook> outbox;
  SeedResult<Id> result = [&] {
    std::lock_guard lock(mu_);
    core_->StateMayChange();
    Action action{now, &outbox, {}, {}};
    return detail::SeedOrderImpl(*core_, action, order, notify);
  }();
  Deliver(std::move(outbox));
  return result;
}

SeedResult<Id> ShopifyMock::SeedFulfillment(Id order_id, const Json& fulfillment, sim::Moment now, bool notify) {
  std::vector<Webhook> outbox;
  SeedResult<Id> result = [&] {
    std::lock_guard lock(mu_);
    core_->StateMayChange();
    Action action{now, &outbox, {}, {}};
    return detail::SeedFulfillmentImpl(*core_, action, order_id, fulfillment, notify);
  }();
  Deliver(std::move(outbox));
  return result;
}

SeedResult<Id> ShopifyMock::SeedReturn(Id order_id, const Json& request, sim::Moment now) {
  std::vector<Webhook> outbox;
  SeedResult<Id> result = [&] {
    std::lock_guard lock(mu_);
    core_->StateMayChange();
    Action action{now, &outbox, {}, {}};
    return detail::SeedReturnImpl(*core_, action, order_id, request);
  }();
  Deliver(std::move(outbox));
  return result;
}

SeedResult<Id> ShopifyMock::AddCarrierEvent(Id fulfillment_id, const std::string& status, sim::Moment now,
                                            std::optional<std::string> message) {
  std::vector<Webhook> outbox;
  SeedResult<Id> result = [&] {
    std::lock_guard lock(mu_);
    core_->StateMayChange();
    Action action{now, &outbox, {}, {}};
    return detail::CarrierEventImpl(*core_, action, fulfillment_id, status, std::move(message));
  }();
  Deliver(std::move(outbox));
  return result;
}

Id ShopifyMock::AddWebhookSubscription(const WebhookSubscriptionConfig& subscription, sim::Moment now) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  return detail::AddSubscriptionImpl(*core_, subscription, now.wall);
}

void ShopifyMock::SetPlan(Plan plan) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  core_->config.plan = plan;
  detail::ApplyLimits(*core_, RestLimitsFor(plan), GraphqlLimitsFor(plan));
}

void ShopifyMock::SetRestLimits(RestLimits limits) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  detail::ApplyLimits(*core_, limits, core_->config.graphql_limits.value_or(GraphqlLimitsFor(core_->config.plan)));
}

void ShopifyMock::SetGraphqlLimits(GraphqlLimits limits) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  detail::ApplyLimits(*core_, core_->config.rest_limits.value_or(RestLimitsFor(core_->config.plan)), limits);
}

void ShopifyMock::SetOrdersEmailFilter(OrdersEmailFilter filter) {
  std::lock_guard lock(mu_);
  core_->StateMayChange();
  core_->config.orders_email_filter = filter;
}

OrderedJson ShopifyMock::Snapshot() const {
  std::lock_guard lock(mu_);
  return detail::SnapshotOf(*core_);
}

std::optional<OrderedJson> ShopifyMock::OrderJson(Id order_id) const {
  std::lock_guard lock(mu_);
  const auto it = core_->state.orders.find(order_id);
  if (it == core_->state.orders.end()) return std::nullopt;
  return detail::RenderOrder(*core_, it->second);
}

std::optional<OrderedJson> ShopifyMock::CustomerJson(Id customer_id) const {
  std::lock_guard lock(mu_);
  const auto it = core_->state.customers.find(customer_id);
  if (it == core_->state.customers.end()) return std::nullopt;
  return detail::RenderCustomer(*core_, it->second, false);
}

void ShopifyMock::Inspect(const std::function<void(const State&)>& fn) const {
  std::lock_guard lock(mu_);
  fn(core_->state);
}

std::vector<RequestLogEntry> ShopifyMock::RequestLogEntries() const {
  std::lock_guard lock(mu_);
  const auto& entries = core_->request_log.entries();
  return {entries.begin(), entries.end()};
}

std::size_t ShopifyMock::OrderCount() const {
  std::lock_guard lock(mu_);
  return core_->state.orders.size();
}

std::vector<ProducedWebhook> ShopifyMock::Webhooks() const {
  std::lock_guard lock(mu_);
  return {core_->webhooks.begin(), core_->webhooks.end()};
}

std::int64_t ShopifyMock::RestBucketLevel(sim::Instant now) const {
  std::lock_guard lock(mu_);
  return core_->rest_bucket.Level(now);
}

double ShopifyMock::GraphqlPointsAvailable(sim::Instant now) const {
  std::lock_guard lock(mu_);
  return core_->graphql_bucket.Available(now);
}

const std::string& ShopifyMock::client_secret() const { return core_->config.api_client_secret; }

}  // namespace rh::mocks::shopify
