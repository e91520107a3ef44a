#include "harness/sim_world.h"

#include <array>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <string_view>

#include "mocks/gorgias/channels.h"
#include "sim/check.h"
#include "sim/crypto.h"
#include "sim/time.h"

namespace rh::harness {
namespace {

std::string Fmt(sim::WallTime t) { return sim::FormatRfc3339(t, std::chrono::minutes(0), 0); }

sim::TraceHeader HeaderFor(const SimWorldConfig& config) {
  sim::TraceHeader h;
  h.seed = config.seed;
  h.scenario = config.scenario;
  h.scenario_hash = config.scenario_hash;
  h.build = config.build;
  h.replay = config.replay;
  return h;
}

// Gorgias has no trigger header, so the world subscribes one HTTP integration per trigger, each
// naming its trigger in the URL, as a store wiring Gorgias to a pipeline would. The pipeline needs
// status changes and the tags a person adds (an offer's approval), so it takes ticket-updated:
// every update, a status change included (ticket-status-updated would add nothing).
constexpr std::array<std::string_view, 3> kGorgiasTriggers = {"ticket-created", "ticket-message-created",
                                                              "ticket-updated"};

constexpr std::array<std::string_view, 9> kShopifyTopics = {
    "orders/create",      "orders/updated",      "orders/cancelled", "fulfillments/create", "fulfillments/update",
    "refunds/create",     "returns/request",     "returns/approve",  "returns/close"};

// Gorgias as the in-memory network reaches it: every request is shown to `note` as it is handled
// (HandleAsync is the base's, which calls Handle, so the note and the change are one moment).
class NotedService final : public sim::Service {
 public:
  NotedService(sim::Service& inner, std::function<void(const sim::Request&)> note)
      : inner_(inner), note_(std::move(note)) {}
  sim::Response Handle(const sim::Request& request, sim::Moment now) override {
    note_(request);
    return inner_.Handle(request, now);
  }

 private:
  sim::Service& inner_;
  std::function<void(const sim::Request&)> note_;
};

// The ticket id a request's target names (/api/tickets/{id}...), if any.
std::optional<std::uint64_t> TicketIdOf(std::string_view target) {
  constexpr std::string_view kPrefix = "/api/tickets/";
  const auto at = target.find(kPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  std::uint64_t id = 0;
  std::size_t digits = 0;
  for (std::size_t i = at + kPrefix.size(); i < target.size() && target[i] >= '0' && target[i] <= '9'; ++i, ++digits) {
    id = id * 10 + static_cast<std::uint64_t>(target[i] - '0');
  }
  if (digits == 0 || digits > 18) return std::nullopt;
  return id;
}

}  // namespace

SimWorld::SimWorld(SimWorldConfig config)
    : config_(std::move(config)),
      rng_(config_.seed),
      scheduler_(config_.epoch),
      trace_(HeaderFor(config_)) {
  network_ = std::make_unique<sim::InMemoryNetwork>(scheduler_, rng_.Fork("network"), &trace_);
  shopify_webhook_client_ = network_->MakeClient(std::string(kShopifyHost));
  gorgias_webhook_client_ = network_->MakeClient(std::string(kGorgiasHost));
  shopify_emitter_ = std::make_unique<mocks::WebhookEmitter>(scheduler_, *shopify_webhook_client_,
                                                             rng_.Fork("webhooks.shopify"),
                                                             mocks::ShopifyRetrySchedule(), &trace_);
  gorgias_emitter_ = std::make_unique<mocks::WebhookEmitter>(scheduler_, *gorgias_webhook_client_,
                                                             rng_.Fork("webhooks.gorgias"),
                                                             mocks::gorgias::GorgiasRetrySchedule(), &trace_);

  config_.shopify.emitter = shopify_emitter_.get();
  shopify_ = std::make_unique<mocks::shopify::ShopifyMock>(config_.shopify, rng_.Fork("mocks.shopify"));
  if (config_.gorgias.account.domain.empty()) config_.gorgias.account.domain = "rehearsal-store";
  if (config_.gorgias.account.support_email.empty()) {
    config_.gorgias.account.support_email = "support@rehearsal-store.example";
  }
  gorgias_ = std::make_unique<mocks::gorgias::GorgiasMock>(config_.gorgias, rng_.Fork("mocks.gorgias"), &scheduler_,
                                                           gorgias_emitter_.get());
  credentials_.klaviyo_api_key = "pk_rehearsal0000000000000000000000001";
  if (config_.klaviyo.api_keys.empty()) config_.klaviyo.api_keys = {credentials_.klaviyo_api_key};
  credentials_.klaviyo_api_key = config_.klaviyo.api_keys.front();
  // Klaviyo's Shopify integration is connected to the store: it verifies Shopify's webhooks with
  // the app's secret (the world's Shopify app is Klaviyo's as well as the pipeline's).
  if (config_.klaviyo.shopify.webhook_secret.empty()) {
    config_.klaviyo.shopify.webhook_secret = config_.shopify.api_client_secret;
  }
  klaviyo_ = std::make_unique<mocks::klaviyo::KlaviyoMock>(config_.klaviyo, scheduler_, rng_.Fork("mocks.klaviyo"),
                                                           &trace_);
  credentials_.llm_api_key = "sk-rehearsal-0001";
  if (config_.llm.api_keys.empty()) config_.llm.api_keys = {credentials_.llm_api_key};
  credentials_.llm_api_key = config_.llm.api_keys.front();
  if (config_.llm.trace == nullptr) config_.llm.trace = &trace_;
  llm_ = std::make_unique<mocks::llm::LlmMock>(config_.llm, rng_.Fork("mocks.llm"));

  const sim::HostOptions host{config_.link};
  network_->AddHost(std::string(kShopifyHost), *shopify_, host);
  gorgias_host_ = std::make_unique<NotedService>(*gorgias_, [this](const sim::Request& r) { NoteGorgiasRequest(r); });
  network_->AddHost(std::string(kGorgiasHost), *gorgias_host_, host);
  network_->AddHost(std::string(kKlaviyoHost), *klaviyo_, host);
  network_->AddHost(std::string(kLlmHost), *llm_, host);

  credentials_.shopify_access_token = config_.shopify.access_tokens.front();
  credentials_.shopify_api_version = config_.shopify.api_versions.back();
  credentials_.shopify_api_secret = config_.shopify.api_client_secret;
  credentials_.klaviyo_revision = config_.klaviyo.latest_revision;
  credentials_.gorgias_webhook_secret = "rehearsal-gorgias-hmac-secret";

  const sim::Moment now = Now();
  // Klaviyo hears of Shopify as the real integration does: through Shopify's webhooks.
  for (std::string_view topic : mocks::klaviyo::kShopifyIntegrationTopics) {
    shopify_->AddWebhookSubscription(
        {std::string(topic), std::string(kKlaviyoHost), std::string(mocks::klaviyo::kShopifyIntakePath), false}, now);
  }
  mocks::gorgias::User api_user;
  api_user.email = "pipeline@rehearsal-store.example";
  api_user.firstname = "Support";
  api_user.lastname = "Pipeline";
  api_user.role = "admin";
  const std::uint64_t api_user_id = gorgias_->AddUser(api_user, now);
  credentials_.gorgias_email = api_user.email;
  credentials_.gorgias_api_key = "gorgias_rehearsal_key_0001";
  gorgias_->AddApiKey(api_user_id, credentials_.gorgias_api_key);
  for (int i = 0; i < config_.agents; ++i) {
    mocks::gorgias::User agent;
    agent.email = "agent" + std::to_string(i + 1) + "@rehearsal-store.example";
    agent.firstname = "Agent";
    agent.lastname = std::to_string(i + 1);
    agent.role = "agent";
    credentials_.agent_user_ids.push_back(gorgias_->AddUser(agent, now));
    gorgias_->AddApiKey(credentials_.agent_user_ids.back(), "agent_key_" + std::to_string(i + 1));
  }
  auto integration = gorgias_->SeedIntegration(
      mocks::OrderedJson{{"type", "shopify"}, {"name", "rehearsal-store"}, {"meta", {{"shop_name", "rehearsal-store"}}}},
      now);
  RH_CHECK(integration.has_value(), "seeding the Gorgias Shopify integration failed");
  shopify_integration_id_ = *integration;
}

SimWorld::~SimWorld() {
  // Let deliveries and sends already under way finish, so no coroutine is left suspended on the
  // scheduler when the mocks go away.
  scheduler_.RunUntilIdle();
}

void SimWorld::AttachPipeline(sim::Service& intake) {
  network_->AddHost(std::string(kPipelineHost), intake, sim::HostOptions{config_.link});
  const sim::Moment now = Now();
  for (std::string_view topic : kShopifyTopics) {
    shopify_->AddWebhookSubscription({std::string(topic), std::string(kPipelineHost), "/webhooks/shopify", true}, now);
  }
  for (std::string_view trigger : kGorgiasTriggers) {
    mocks::OrderedJson triggers = mocks::OrderedJson::object();
    triggers[std::string(trigger)] = true;
    mocks::OrderedJson integration = {
        {"type", "http"},
        {"name", "pipeline " + std::string(trigger)},
        {"http",
         {{"url", "http://" + std::string(kPipelineHost) + "/webhooks/gorgias?event=" + std::string(trigger)},
          {"method", "POST"},
          {"request_content_type", "application/json"},
          {"response_content_type", "application/json"},
          {"form", "{{context}}"},
          {"hmac_secret", credentials_.gorgias_webhook_secret},
          {"triggers", triggers}}}};
    auto id = gorgias_->SeedIntegration(integration, now);
    RH_CHECK(id.has_value(), "seeding a Gorgias HTTP integration failed");
  }
}

CustomerRef SimWorld::AddCustomer(const CustomerSpec& spec) {
  const sim::Moment now = Now();
  CustomerRef ref;
  ref.email = spec.email;
  ref.phone = spec.phone;
  std::string tags;
  for (const auto& t : spec.tags) tags += (tags.empty() ? "" : ", ") + t;
  auto shopify_id = shopify_->SeedCustomer(mocks::Json{{"first_name", spec.first_name},
                                                       {"last_name", spec.last_name},
                                                       {"email", spec.email},
                                                       {"phone", spec.phone},
                                                       {"tags", tags},
                                                       {"verified_email", true}},
                                           now);
  RH_CHECK(shopify_id.has_value(), "seeding a Shopify customer failed");
  ref.shopify_id = *shopify_id;

  mocks::OrderedJson customer = {
      {"email", spec.email},
      {"firstname", spec.first_name},
      {"lastname", spec.last_name},
      {"name", spec.first_name + " " + spec.last_name},
      {"channels", mocks::OrderedJson::array({mocks::OrderedJson{{"type", "email"}, {"address", spec.email}, {"preferred", true}},
                                              mocks::OrderedJson{{"type", "phone"}, {"address", spec.phone}}})}};
  auto gorgias_id = gorgias_->SeedCustomer(customer, now);
  RH_CHECK(gorgias_id.has_value(), "seeding a Gorgias customer failed");
  ref.gorgias_id = *gorgias_id;

  mocks::klaviyo::ProfileSeed profile;
  profile.email = spec.email;
  profile.phone_number = spec.phone;
  profile.first_name = spec.first_name;
  profile.last_name = spec.last_name;
  profile.email_consent = spec.marketing_consent ? "SUBSCRIBED" : "NEVER_SUBSCRIBED";
  profile.lists = spec.klaviyo_lists;
  auto klaviyo_id = klaviyo_->SeedProfile(profile, now);
  RH_CHECK(klaviyo_id.has_value(), "seeding a Klaviyo profile failed");
  ref.klaviyo_id = *klaviyo_id;
  customer_slots_by_email_[ref.email].push_back(orders_by_customer_.size());
  orders_by_customer_.push_back({ref, {}});
  RefreshGorgiasShopifyData(ref);
  return ref;
}

namespace {

// The Shopify fulfillment a spec describes, created `spec.age` before `now`.
mocks::Json FulfillmentJson(const FulfillmentSpec& spec, const sim::Moment& now) {
  return {{"tracking_company", spec.company},
          {"tracking_number", spec.tracking_number},
          {"shipment_status", spec.shipment_status},
          {"created_at", Fmt(now.wall - spec.age)}};
}

}  // namespace

OrderRef SimWorld::AddOrder(const CustomerRef& customer, const OrderSpec& spec) {
  const sim::Moment now = Now();
  mocks::Json items = mocks::Json::array();
  for (const auto& item : spec.items) {
    items.push_back({{"title", item.title}, {"sku", item.sku}, {"quantity", item.quantity}, {"price", item.price},
                     {"requires_shipping", true}});
  }
  const std::string created = Fmt(now.wall - spec.age);
  mocks::Json order = {{"email", customer.email},
                       {"customer", {{"id", customer.shopify_id}}},
                       {"financial_status", spec.financial_status},
                       {"created_at", created},
                       {"processed_at", created},
                       {"line_items", items}};
  auto id = shopify_->SeedOrder(order, now);
  RH_CHECK(id.has_value(), "seeding a Shopify order failed");
  OrderRef ref;
  ref.id = *id;
  auto rendered = shopify_->OrderJson(ref.id);
  if (rendered) ref.name = (*rendered)["name"].get<std::string>();
  if (spec.fulfillment) {
    auto fid = shopify_->SeedFulfillment(ref.id, FulfillmentJson(*spec.fulfillment, now), now, /*notify=*/false);
    RH_CHECK(fid.has_value(), "seeding a Shopify fulfillment failed");
    ref.fulfillment_id = *fid;
    rendered = shopify_->OrderJson(ref.id);  // with its fulfillment
  }
  for (const std::size_t slot : CustomerSlots(customer.email)) orders_by_customer_[slot].second.push_back(ref.id);
  // An order that exists before the run reaches Klaviyo through the integration's sync, which
  // reads it from Shopify's API: its history becomes metrics at their own times, and the flows
  // those metrics trigger start now.
  if (rendered) klaviyo_->SyncShopifyOrder(mocks::Json::parse(rendered->dump()), now);
  RefreshGorgiasShopifyData(customer);
  return ref;
}

void SimWorld::CreateFulfillment(OrderRef& order, const FulfillmentSpec& spec) {
  RH_CHECK(!order.fulfillment_id.has_value(), "create_fulfillment on an order that is fulfilled already");
  const sim::Moment now = Now();
  auto fid = shopify_->SeedFulfillment(order.id, FulfillmentJson(spec, now), now, /*notify=*/true);
  RH_CHECK(fid.has_value(), "creating a Shopify fulfillment failed");
  order.fulfillment_id = *fid;
}

void SimWorld::AddToKlaviyoList(const CustomerRef& customer, const std::string& list_id) {
  const mocks::Json body = {{"data", mocks::Json::array({mocks::Json{{"type", "profile"}, {"id", customer.klaviyo_id}}})}};
  sim::Request request;
  request.method = sim::Method::kPost;
  request.target = "/api/lists/" + list_id + "/relationships/profiles";
  request.headers.Set("Host", std::string(kKlaviyoHost));
  request.headers.Set("Authorization", "Klaviyo-API-Key " + credentials_.klaviyo_api_key);
  request.headers.Set("revision", credentials_.klaviyo_revision);
  request.headers.Set("Content-Type", "application/vnd.api+json");
  request.body = body.dump();
  const sim::Response response = klaviyo_->Handle(request, Now());
  if (response.status >= 300) std::fprintf(stderr, "klaviyo add to list -> %d %s\n", response.status, response.body.c_str());
  RH_CHECK(response.status < 300, "adding a profile to a Klaviyo list was refused by the Klaviyo mock");
}

void SimWorld::CarrierEvent(const OrderRef& order, const std::string& status, const std::string& message) {
  RH_CHECK(order.fulfillment_id.has_value(), "a carrier event needs a fulfilled order");
  auto result = shopify_->AddCarrierEvent(*order.fulfillment_id, status, Now(),
                                          message.empty() ? std::nullopt : std::optional<std::string>(message));
  RH_CHECK(result.has_value(), "a carrier event was refused");
}

mocks::gorgias::CustomerMessageResult SimWorld::CustomerWrites(const CustomerRef& customer, const std::string& text,
                                                               const std::string& channel,
                                                               std::optional<std::uint64_t> ticket_id,
                                                               const std::string& subject) {
  mocks::gorgias::CustomerMessage message;
  message.channel = channel;
  message.customer_id = customer.gorgias_id;
  message.email = customer.email;
  // On a phone-like channel (SMS, WhatsApp) the message comes from the customer's number.
  const mocks::gorgias::ChannelRule* rule = mocks::gorgias::FindChannelRule(channel);
  if (rule != nullptr && rule->address_kind == "phone") message.address = customer.phone;
  message.subject = subject;
  message.body_text = text;
  message.ticket_id = ticket_id;
  auto result = gorgias_->CustomerWrites(message, Now());
  RH_CHECK(result.has_value(), "a customer message was refused");
  NoteGorgiasTicketChange(result->ticket_id);
  return *result;
}

mocks::OrderedJson SimWorld::CallGorgiasAs(int agent, sim::Method method, const std::string& target,
                                           const mocks::OrderedJson& body) {
  RH_CHECK(agent >= 0 && agent < static_cast<int>(credentials_.agent_user_ids.size()), "no such agent");
  const std::string user = "agent" + std::to_string(agent + 1) + "@rehearsal-store.example";
  sim::Request request;
  request.method = method;
  request.target = target;
  request.headers.Set("Host", std::string(kGorgiasHost));
  request.headers.Set("Authorization", "Basic " + sim::Base64Encode(user + ":agent_key_" + std::to_string(agent + 1)));
  request.headers.Set("Content-Type", "application/json");
  if (!body.is_null()) request.body = body.dump();
  NoteGorgiasRequest(request);
  const sim::Response response = gorgias_->Handle(request, Now());
  if (response.status >= 300) {
    std::fprintf(stderr, "gorgias %s %s -> %d %s\n", std::string(sim::MethodName(method)).c_str(), target.c_str(),
                 response.status, response.body.c_str());
  }
  RH_CHECK(response.status < 300, "an agent's action was refused by the Gorgias mock");
  return mocks::OrderedJson::parse(response.body.empty() ? "null" : response.body);
}

void SimWorld::AgentReplies(std::uint64_t ticket_id, int agent, const std::string& text) {
  const auto ticket = gorgias_->TicketJson(ticket_id);
  RH_CHECK(ticket.has_value(), "an agent replied to an unknown ticket");
  // As a person in Gorgias's UI answers: on the ticket's channel, to the address the customer last
  // wrote from there; by e-mail when that channel carries no answer (a contact form, a call).
  std::string channel = (*ticket)["channel"].get<std::string>();
  const mocks::gorgias::ChannelRule* rule = mocks::gorgias::FindChannelRule(channel);
  if (rule == nullptr || rule->route == mocks::gorgias::ChannelRoute::kNone) channel = "email";
  const mocks::OrderedJson& customer = (*ticket)["customer"];
  std::string to;
  std::string source_type = channel;
  for (const auto& m : (*ticket)["messages"]) {
    if (m.value("from_agent", false) || m.value("channel", "") != channel || !m.contains("source")) continue;
    const auto& source = m["source"];
    if (source.contains("from") && source["from"].is_object()) to = source["from"].value("address", to);
    source_type = source.value("type", source_type);
  }
  if (to.empty() && channel == "email") to = customer.value("email", "");
  mocks::OrderedJson source = {{"type", source_type}, {"from", {{"address", config_.gorgias.account.support_email}}}};
  if (!to.empty()) source["to"] = mocks::OrderedJson::array({mocks::OrderedJson{{"address", to}}});
  mocks::OrderedJson message = {
      {"channel", channel},
      {"via", "helpdesk"},
      {"from_agent", true},
      {"sender", {{"id", credentials_.agent_user_ids[static_cast<std::size_t>(agent)]}}},
      {"receiver", {{"id", customer["id"]}}},
      {"source", source},
      {"body_text", text}};
  CallGorgiasAs(agent, sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/messages", message);
}

void SimWorld::AgentNote(std::uint64_t ticket_id, int agent, const std::string& text) {
  mocks::OrderedJson note = {{"channel", "internal-note"},
                             {"via", "helpdesk"},
                             {"from_agent", true},
                             {"public", false},
                             {"sender", {{"id", credentials_.agent_user_ids[static_cast<std::size_t>(agent)]}}},
                             {"body_text", text}};
  CallGorgiasAs(agent, sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/messages", note);
}

void SimWorld::CloseTicket(std::uint64_t ticket_id, int agent) {
  CallGorgiasAs(agent, sim::Method::kPut, "/api/tickets/" + std::to_string(ticket_id), {{"status", "closed"}});
}

void SimWorld::TagTicket(std::uint64_t ticket_id, int agent, const std::string& name) {
  CallGorgiasAs(agent, sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/tags",
                {{"names", mocks::OrderedJson::array({name})}});
}

void SimWorld::AddRefund(const OrderRef& order, const std::string& note) {
  const auto json = shopify_->OrderJson(order.id);
  RH_CHECK(json.has_value() && !(*json)["line_items"].empty(), "a refund needs an order with a line");
  // One unit of the first line that still has one.
  mocks::Json line_id;
  for (const auto& line : (*json)["line_items"]) {
    if (line.value("current_quantity", line.value("quantity", 0)) > 0) {
      line_id = line["id"];
      break;
    }
  }
  RH_CHECK(!line_id.is_null(), "every unit of the order was refunded already");
  const mocks::Json body = {{"refund",
                             {{"notify", false},
                              {"note", note},
                              {"refund_line_items",
                               mocks::Json::array({mocks::Json{{"line_item_id", line_id},
                                                               {"quantity", 1},
                                                               {"restock_type", "no_restock"}}})}}}};
  sim::Request request;
  request.method = sim::Method::kPost;
  request.target = "/admin/api/" + credentials_.shopify_api_version + "/orders/" + std::to_string(order.id) + "/refunds.json";
  request.headers.Set("Host", std::string(kShopifyHost));
  request.headers.Set("X-Shopify-Access-Token", credentials_.shopify_access_token);
  request.headers.Set("Content-Type", "application/json");
  request.body = body.dump();
  const sim::Response response = shopify_->Handle(request, Now());
  if (response.status >= 300) std::fprintf(stderr, "shopify refund -> %d %s\n", response.status, response.body.c_str());
  RH_CHECK(response.status < 300, "a refund was refused by the Shopify mock");
}

void SimWorld::RunUntilIdle(sim::Duration limit) {
  const sim::Instant deadline = scheduler_.Now() + limit;
  sim::Instant next;
  while (scheduler_.NextEventTime(next) && next <= deadline) scheduler_.Step();
}

void SimWorld::RefreshGorgiasShopifyData(const CustomerRef& customer) {
  mocks::OrderedJson data = {{"__integration_type__", "shopify"}};
  if (auto c = shopify_->CustomerJson(customer.shopify_id)) data["customer"] = *c;
  data["orders"] = mocks::OrderedJson::array();
  for (const std::size_t slot : CustomerSlots(customer.email)) {
    for (const std::uint64_t id : orders_by_customer_[slot].second) {
      if (auto o = shopify_->OrderJson(id)) data["orders"].push_back(*o);
    }
  }
  auto done = gorgias_->SetCustomerIntegrationData(customer.gorgias_id, shopify_integration_id_, data, Now());
  RH_CHECK(done.has_value(), "updating the Gorgias customer's Shopify data failed");
}

const std::vector<std::size_t>& SimWorld::CustomerSlots(const std::string& email) const {
  static const std::vector<std::size_t> kNone;
  const auto it = customer_slots_by_email_.find(email);
  return it == customer_slots_by_email_.end() ? kNone : it->second;
}

void SimWorld::NoteGorgiasRequest(const sim::Request& request) {
  if (request.method == sim::Method::kGet || request.method == sim::Method::kHead) return;
  const auto ticket = TicketIdOf(request.target);
  if (ticket) {
    NoteGorgiasTicketChange(*ticket);
  } else {
    gorgias_all_changed_at_ = ++gorgias_writes_;  // a tag renamed, a customer merged: any ticket
  }
}

void SimWorld::NoteGorgiasTicketChange(std::uint64_t ticket_id) {
  gorgias_ticket_changed_at_[ticket_id] = ++gorgias_writes_;
}

std::uint64_t SimWorld::GorgiasTicketStamp(std::uint64_t ticket_id) const {
  const auto it = gorgias_ticket_changed_at_.find(ticket_id);
  return std::max(gorgias_all_changed_at_, it == gorgias_ticket_changed_at_.end() ? 0 : it->second);
}

}  // namespace rh::harness
