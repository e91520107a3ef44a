// HTTP integrations: Gorgias's only outbound webhooks. CRUD (only type "http" is creatable),
// and firing: for every active HTTP integration listening to a trigger, the url, header values
// and form are templated against {"ticket": ..., "message": ...}, the call is signed when the
// integration has an hmac_secret, logged as an integration event, and handed to the
// WebhookEmitter (at-least-once, GorgiasRetrySchedule).
//
// Signing (unconfirmed, our model): Gorgias's help center documents no signature; the schema
// mirror has a write-only http.hmac_secret and third-party receivers check X-Gorgias-Signature.
// So: with an hmac_secret, "X-Gorgias-Signature: <lower-case hex HMAC-SHA256(secret, raw
// body)>". Always available, as documented: a secret header of the integration's own
// http.headers.
#include <algorithm>
#include <array>
#include <unordered_map>

#include "core.h"
#include "mocks/gorgias/templating.h"
#include "sim/crypto.h"

namespace rh::mocks::gorgias {

RetrySchedule GorgiasRetrySchedule() {
  return {{sim::Sec(30), sim::Minutes(2), sim::Minutes(5)}, sim::Sec(10)};
}

}  // namespace rh::mocks::gorgias

namespace rh::mocks::gorgias::detail {

namespace {

constexpr std::array<std::string_view, 8> kTriggers = {
    "ticket-created",          "ticket-updated",           "ticket-message-created", "ticket-self-unsnoozed",
    "ticket-message-failed",   "ticket-assignment-updated", "ticket-status-updated",  "ticket-handed-over"};

constexpr std::array<std::string_view, 6> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"};

std::string Hyphenated(std::string key) {
  std::replace(key.begin(), key.end(), '_', '-');
  return key;
}

// Renders every string of `form` (recursively); other values stay as they are.
OrderedJson RenderForm(const OrderedJson& form, const OrderedJson& context) {
  if (form.is_string()) return RenderTemplate(form.get<std::string>(), context);
  if (form.is_object()) {
    OrderedJson out = OrderedJson::object();
    for (const auto& [key, value] : form.items()) out[key] = RenderForm(value, context);
    return out;
  }
  if (form.is_array()) {
    OrderedJson out = OrderedJson::array();
    for (const OrderedJson& value : form) out.push_back(RenderForm(value, context));
    return out;
  }
  return form;
}

std::string UrlEncodedForm(const OrderedJson& form) {
  std::string out;
  for (const auto& [key, value] : form.items()) {
    if (!out.empty()) out += '&';
    out += sim::PercentEncode(key) + "=" +
           sim::PercentEncode(value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, kReplaceInvalidUtf8));
  }
  return out;
}

// Splits "scheme://authority/path?query" into the authority (the Host header) and the target.
bool SplitUrl(std::string_view url, std::string& authority, std::string& target) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos || scheme == 0) return false;
  std::string_view rest = url.substr(scheme + 3);
  const auto end = rest.find_first_of("/?#");
  authority = std::string(rest.substr(0, end));
  if (authority.empty()) return false;
  target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (const auto hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  if (target.empty() || target.front() == '?') target.insert(target.begin(), '/');
  return true;
}

bool Listens(const Integration& integration, std::string_view trigger) {
  if (integration.type != "http" || integration.deactivated) return false;
  const OrderedJson* triggers = Find(integration.http, "triggers");
  const OrderedJson* on = triggers != nullptr ? Find(*triggers, trigger) : nullptr;
  return on != nullptr && on->is_boolean() && on->get<bool>();
}

}  // namespace

void Core::ParseIntegration(const OrderedJson& body, FieldErrors& errors, Integration& out, bool create) const {
  const FieldPath root;
  std::optional<std::string> type;
  if (ReadString(body, "type", root, errors, type, false)) {
    if (*type != "http") errors.Add({"type"}, "Only integrations of type http can be created or changed.");
  } else if (create && Find(body, "type") == nullptr) {
    errors.Add({"type"}, kMissing);
  }
  out.type = "http";
  std::optional<std::string> name;
  if (ReadString(body, "name", root, errors, name, false)) {
    if (name->empty()) errors.Add({"name"}, "Length must be at least 1.");
    out.name = *name;
  } else if (create && Find(body, "name") == nullptr) {
    errors.Add({"name"}, kMissing);
  }
  ReadString(body, "description", root, errors, out.description);
  ReadDatetime(body, "deactivated_datetime", root, errors, out.deactivated);
  if (const OrderedJson* v = Find(body, "meta")) out.meta = *v;

  const OrderedJson* http = Find(body, "http");
  if (http == nullptr || http->is_null()) {
    if (create) errors.Add({"http"}, kMissing);
    return;
  }
  if (!http->is_object()) {
    errors.Add({"http"}, kNotObject);
    return;
  }
  const FieldPath at{"http"};
  // An update changes the keys it gives and keeps the others.
  OrderedJson merged = out.http.is_object() ? out.http : OrderedJson::object();
  std::optional<std::string> s = merged.contains("url") ? std::optional(merged["url"].get<std::string>()) : std::nullopt;
  if (ReadString(*http, "url", at, errors, s, false)) {
    std::string authority, target;
    if (!SplitUrl(*s, authority, target)) errors.Add(at / "url", "Not a valid URL.");
  } else if (!s && Find(*http, "url") == nullptr) {
    errors.Add(at / "url", kMissing);
  }
  std::optional<std::string> method = merged.contains("method") ? std::optional(merged["method"].get<std::string>())
                                                                : std::optional<std::string>("GET");
  if (ReadString(*http, "method", at, errors, method, false) &&
      std::find(kMethods.begin(), kMethods.end(), *method) == kMethods.end()) {
    errors.Add(at / "method", "Must be one of: GET, POST, PUT, PATCH, DELETE, HEAD.");
  }
  OrderedJson headers = merged.contains("headers") ? merged["headers"] : OrderedJson::object();
  if (const OrderedJson* v = Find(*http, "headers")) {
    if (v->is_null()) {
      headers = OrderedJson::object();
    } else if (!v->is_object()) {
      errors.Add(at / "headers", kNotObject);
    } else {
      for (const auto& [key, value] : v->items()) {
        if (!value.is_string()) errors.Add(at / "headers" / key, kNotString);
      }
      headers = *v;
    }
  }
  OrderedJson form = merged.contains("form") ? merged["form"] : OrderedJson(nullptr);
  if (const OrderedJson* v = Find(*http, "form")) {
    if (v->is_string() || v->is_object() || v->is_null()) {
      form = *v;
    } else {
      errors.Add(at / "form", "Must be a string or an object.");
    }
  }
  std::optional<std::string> request_type = merged.contains("request_content_type")
                                                ? std::optional(merged["request_content_type"].get<std::string>())
                                                : std::optional<std::string>("application/json");
  if (ReadString(*http, "request_content_type", at, errors, request_type, false) &&
      *request_type != "application/json" && *request_type != "application/x-www-form-urlencoded") {
    errors.Add(at / "request_content_type", "Must be one of: application/json, application/x-www-form-urlencoded.");
  }
  std::optional<std::string> response_type = merged.contains("response_content_type")
                                                 ? std::optional(merged["response_content_type"].get<std::string>())
                                                 : std::optional<std::string>("application/json");
  ReadString(*http, "response_content_type", at, errors, response_type, false);
  OrderedJson triggers = merged.contains("triggers") ? merged["triggers"] : OrderedJson::object();
  if (const OrderedJson* v = Find(*http, "triggers"); v != nullptr && !v->is_null()) {
    if (!v->is_object()) {
      errors.Add(at / "triggers", kNotObject);
    } else {
      // Older docs spell triggers with underscores; both are accepted and stored hyphenated.
      OrderedJson normalized = OrderedJson::object();
      for (const auto& [key, value] : v->items()) {
        const std::string hyphenated = Hyphenated(key);
        if (std::find(kTriggers.begin(), kTriggers.end(), hyphenated) == kTriggers.end()) {
          errors.Add(at / "triggers" / key, kUnknownField);
        } else if (!value.is_boolean()) {
          errors.Add(at / "triggers" / key, kNotBoolean);
        } else {
          normalized[hyphenated] = value;
        }
      }
      triggers = normalized;
    }
  }
  std::optional<std::string> secret;
  if (ReadString(*http, "hmac_secret", at, errors, secret)) out.hmac_secret = secret.value_or("");
  OrderedJson stored = {{"url", s.value_or("")},
                        {"method", method.value_or("GET")},
                        {"headers", headers},
                        {"form", form},
                        {"request_content_type", request_type.value_or("application/json")},
                        {"response_content_type", response_type.value_or("application/json")},
                        {"triggers", triggers}};
  // Choice: http.oauth2 is stored and shown but not acted on (no token is fetched).
  if (const OrderedJson* v = Find(*http, "oauth2")) {
    stored["oauth2"] = *v;
  } else if (merged.contains("oauth2")) {
    stored["oauth2"] = merged["oauth2"];
  }
  out.http = std::move(stored);
}

OrderedJson Core::WebhookContext(const Ticket& ticket, const Message* message) const {
  OrderedJson context = {{"ticket", TicketJsonOf(ticket, TicketView::kWebhook)}};
  if (message != nullptr) context["message"] = MessageJson(*message);
  return context;
}

namespace {

// The context of one firing, built on first use: the tree only for integrations that template
// anything, the text only for "{{context}}" bodies. Most integrations (the pipeline's) send the
// whole context to a fixed url, so no tree is built at all.
class FireContext {
 public:
  FireContext(const Core& core, const Ticket& ticket, const Message* message)
      : core_(core), ticket_(ticket), message_(message) {}
  const OrderedJson& Tree() {
    if (!tree_) tree_ = core_.WebhookContext(ticket_, message_);
    return *tree_;
  }
  const std::string& Text() {
    if (!text_) text_ = core_.WebhookContextText(ticket_, message_);
    return *text_;
  }
  // `text` with its {{...}} expressions rendered (the same text when it has none).
  std::string Render(const std::string& text) {
    if (text.find("{{") == std::string::npos) return text;
    return RenderTemplate(text, Tree());
  }

 private:
  const Core& core_;
  const Ticket& ticket_;
  const Message* message_;
  std::optional<OrderedJson> tree_;
  std::optional<std::string> text_;
};

// The request target and body of one call: the form templated against the context, carried as
// query parameters on GET-like methods and as the body otherwise.
void RenderCallForm(const OrderedJson& http, FireContext& context, IntegrationCall& call, std::string& target) {
  const std::string content_type = http.value("request_content_type", "application/json");
  const bool form_in_query = call.method == "GET" || call.method == "HEAD" || call.method == "DELETE";
  const OrderedJson& form = http.contains("form") ? http["form"] : OrderedJson(nullptr);
  const bool whole_context = form.is_string() && IsWholeContextForm(form.get<std::string>());
  if (whole_context) {
    // The whole context as the body; never in a query string.
    if (form_in_query) return;
    if (content_type == "application/x-www-form-urlencoded") {
      call.body = UrlEncodedForm(context.Tree());
    } else {
      call.body = context.Text();
    }
    return;
  }
  if (form.is_string()) {
    if (!form_in_query) call.body = context.Render(form.get<std::string>());
    return;
  }
  if (!form.is_object()) return;
  const OrderedJson rendered = RenderForm(form, context.Tree());
  if (form_in_query) {
    if (!rendered.empty()) target += (target.find('?') == std::string::npos ? "?" : "&") + UrlEncodedForm(rendered);
  } else {
    call.body = content_type == "application/x-www-form-urlencoded" ? UrlEncodedForm(rendered)
                                                                     : rendered.dump(-1, ' ', false, kReplaceInvalidUtf8);
  }
}

}  // namespace

void Core::Fire(std::string_view trigger, const Ticket& ticket, const Message* message, sim::WallTime now) {
  std::vector<const Integration*> listeners;
  for (const auto& [id, integration] : state.integrations) {
    if (Listens(integration, trigger)) listeners.push_back(&integration);
  }
  if (listeners.empty()) return;
  FireContext context(*this, ticket, message);
  for (const Integration* integration : listeners) {
    const OrderedJson& http = integration->http;
    IntegrationCall call;
    call.id = call_seq.Next();
    call.integration_id = integration->id;
    call.trigger = std::string(trigger);
    call.ticket_id = ticket.id;
    call.created = now;
    call.method = http.value("method", "GET");
    call.url = context.Render(http.value("url", ""));

    std::string authority, target;
    const bool url_ok = SplitUrl(call.url, authority, target);
    RenderCallForm(http, context, call, target);
    call.headers.Set("Host", authority);
    if (!call.body.empty()) call.headers.Set("Content-Type", http.value("request_content_type", "application/json"));
    if (const OrderedJson* headers = Find(http, "headers"); headers != nullptr && headers->is_object()) {
      for (const auto& [key, value] : headers->items()) {
        if (value.is_string()) call.headers.Set(key, context.Render(value.get<std::string>()));
      }
    }
    if (!integration->hmac_secret.empty()) {
      call.headers.Set("X-Gorgias-Signature", sim::HexEncode(sim::HmacSha256(integration->hmac_secret, call.body)));
    }
    EmitIntegrationCall(*integration, std::move(call), url_ok, target);
  }
}

void Core::EmitIntegrationCall(const Integration& integration, IntegrationCall call, bool url_ok,
                               const std::string& target) {
  if (!url_ok) {
    call.outcome = "not_sent";
    call.error = "the rendered url is not a valid URL: " + call.url;
  } else if (webhooks == nullptr) {
    call.outcome = "not_sent";
    call.error = "no webhook emitter is attached to the mock";
  } else {
    call.delivery_id = Uuid4(rng);
    Webhook webhook;
    webhook.subscription = "integration:" + std::to_string(integration.id);
    webhook.topic = call.trigger;
    webhook.delivery_id = call.delivery_id;
    webhook.request.method = sim::ParseMethod(call.method).value_or(sim::Method::kPost);
    webhook.request.target = target;
    webhook.request.headers = call.headers;
    webhook.request.body = call.body;
    webhooks->Emit(std::move(webhook));
    call.outcome = "pending";
  }
  if (integration_calls.size() >= std::max<std::size_t>(1, config.request_log_capacity)) integration_calls.pop_front();
  integration_calls.push_back(std::move(call));
}

std::vector<IntegrationCall> Core::IntegrationCallsWithStatus() const {
  std::vector<IntegrationCall> out(integration_calls.begin(), integration_calls.end());
  if (webhooks == nullptr) return out;
  std::unordered_map<std::string, DeliveryRecord> by_delivery;  // lookup only, never iterated
  for (DeliveryRecord& record : webhooks->Deliveries()) {
    if (!record.duplicate) by_delivery.emplace(record.webhook.delivery_id, std::move(record));
  }
  for (IntegrationCall& call : out) {
    const auto it = by_delivery.find(call.delivery_id);
    if (call.delivery_id.empty() || it == by_delivery.end()) continue;
    const DeliveryRecord& r = it->second;
    call.attempts = r.attempts;
    call.status_code = r.last_status;
    call.error = r.last_error;
    call.outcome = r.outcome == DeliveryOutcome::kDelivered ? "delivered"
                   : r.outcome == DeliveryOutcome::kGaveUp  ? "gave_up"
                                                            : "pending";
  }
  return out;
}

Reply Core::ListIntegrations(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime"}, query)) return sim::MakeUnexpected(*bad);
  const auto type = ctx.request.Query("type");
  std::vector<SortKey> keys;
  for (const auto& [id, i] : state.integrations) {
    if (type && i.type != *type) continue;
    keys.push_back({Micros(i.created), {}, id});
  }
  return ListPage(ctx, std::move(keys), query,
                  [&](std::uint64_t id) { return IntegrationJson(state.integrations.at(id)); });
}

Reply Core::CreateIntegration(Ctx& ctx) {
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to create integration", errors));
  }
  Integration integration;
  ParseIntegration(ctx.body, errors, integration, true);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to create integration", errors));
  integration.id = NextFreeId(integration_seq, [&](std::uint64_t id) { return state.integrations.contains(id); });
  integration.created = integration.updated = ctx.now.wall;
  const std::uint64_t id = integration.id;
  state.integrations.emplace(id, std::move(integration));
  AddEvent(ctx, "integration-created", "Integration", id);
  return JsonResponse(201, IntegrationJson(state.integrations.at(id)));
}

Reply Core::GetIntegration(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.integrations.find(*id) : state.integrations.end();
  if (it == state.integrations.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, IntegrationJson(it->second));
}

Reply Core::UpdateIntegration(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.integrations.find(*id) : state.integrations.end();
  if (it == state.integrations.end()) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update integration", errors));
  }
  if (it->second.type != "http") {
    errors.Add({"type"}, "Only integrations of type http can be created or changed.");
    return sim::MakeUnexpected(ValidationError("Failed to update integration", errors));
  }
  Integration updated = it->second;
  ParseIntegration(ctx.body, errors, updated, false);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update integration", errors));
  updated.updated = ctx.now.wall;
  it->second = std::move(updated);
  AddEvent(ctx, "integration-updated", "Integration", *id);
  return JsonResponse(200, IntegrationJson(it->second));
}

Reply Core::DeleteIntegration(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.integrations.find(*id) : state.integrations.end();
  if (it == state.integrations.end()) return sim::MakeUnexpected(NotFound());
  if (it->second.type != "http") {
    FieldErrors errors;
    errors.Add({"type"}, "Only integrations of type http can be created or changed.");
    return sim::MakeUnexpected(ValidationError("Failed to delete integration", errors));
  }
  state.integrations.erase(it);
  AddEvent(ctx, "integration-deleted", "Integration", *id);
  return EmptyResponse(204);
}

}  // namespace rh::mocks::gorgias::detail
