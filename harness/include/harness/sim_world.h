// The simulated world a scenario runs in: one virtual clock and scheduler, the in-memory network,
// the four mocks wired as the real services are (Shopify and Gorgias deliver signed webhooks to
// the system under test at host "pipeline"), the trace, and helpers that seed consistent people
// and orders across the services (a customer exists in Shopify, in Gorgias with the Shopify data
// Gorgias's integration keeps, and in Klaviyo).
//
// Deterministic: every random stream forks from the seed; nothing reads the machine's clock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "mocks/common/webhook_emitter.h"
#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "mocks/llm/llm_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "sim/in_memory_network.h"
#include "sim/rng.h"
#include "sim/scheduler.h"
#include "sim/trace.h"

namespace rh::harness {

// Host names on the in-memory network.
inline constexpr std::string_view kShopifyHost = "shopify";
inline constexpr std::string_view kGorgiasHost = "gorgias";
inline constexpr std::string_view kKlaviyoHost = "klaviyo";
inline constexpr std::string_view kLlmHost = "llm";
inline constexpr std::string_view kPipelineHost = "pipeline";

struct SimWorldConfig {
  std::uint64_t seed = 1;
  sim::WallTime epoch = sim::DefaultSimEpoch();
  // For the trace header: which scenario, its bytes' hash, the build, and the command that replays it.
  std::string scenario = "ad hoc";
  std::string scenario_hash;
  std::string build;
  std::string replay;
  sim::LinkProfile link{sim::Ms(2), 0.3};
  mocks::shopify::Config shopify;
  mocks::gorgias::Config gorgias;
  mocks::klaviyo::Config klaviyo;
  mocks::llm::Config llm;
  int agents = 2;  // Gorgias agents who take handed-over tickets
};

// What a pipeline needs to talk to this world (the same facts `rehearse serve` prints).
struct WorldCredentials {
  std::string shopify_access_token;
  std::string shopify_api_version;
  std::string shopify_api_secret;  // webhook signing key
  std::string gorgias_email;
  std::string gorgias_api_key;
  std::string gorgias_webhook_secret;
  std::string klaviyo_api_key;
  std::string klaviyo_revision;
  std::string llm_api_key;
  std::vector<std::uint64_t> agent_user_ids;
};

struct CustomerSpec {
  std::string first_name = "Ana";
  std::string last_name = "Diaz";
  std::string email = "ana@example.com";
  std::string phone = "+15551230001";
  std::vector<std::string> tags;           // "VIP", ...
  bool marketing_consent = true;           // Klaviyo email consent
  std::vector<std::string> klaviyo_lists;  // list ids to join
};

struct CustomerRef {
  std::string email;
  std::string phone;  // where their SMS and WhatsApp messages come from
  std::uint64_t shopify_id = 0;
  std::uint64_t gorgias_id = 0;
  std::string klaviyo_id;
};

struct LineItemSpec {
  std::string title = "Hoodie";
  std::string sku = "HD-M-BLK";
  int quantity = 1;
  std::string price = "54.99";
};

struct FulfillmentSpec {
  std::string company = "UPS";
  std::string tracking_number = "1Z999AA10123456784";
  std::string shipment_status = "in_transit";  // Shopify's shipment_status values
  sim::Duration age{0};                        // how long ago it was created
};

struct OrderSpec {
  std::vector<LineItemSpec> items = {LineItemSpec{}};
  std::string financial_status = "paid";
  sim::Duration age = sim::Days(3);  // how long ago the order was placed
  std::optional<FulfillmentSpec> fulfillment;
};

struct OrderRef {
  std::uint64_t id = 0;
  std::string name;  // "#1001"
  std::optional<std::uint64_t> fulfillment_id;
};

class SimWorld {
 public:
  explicit SimWorld(SimWorldConfig config);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  sim::Scheduler& scheduler() { return scheduler_; }
  sim::Trace& trace() { return trace_; }
  sim::InMemoryNetwork& network() { return *network_; }
  sim::Moment Now() const { return scheduler_.clock().MomentNow(); }
  const sim::Rng& rng() const { return rng_; }
  mocks::shopify::ShopifyMock& shopify() { return *shopify_; }
  mocks::gorgias::GorgiasMock& gorgias() { return *gorgias_; }
  mocks::klaviyo::KlaviyoMock& klaviyo() { return *klaviyo_; }
  mocks::llm::LlmMock& llm() { return *llm_; }
  const WorldCredentials& credentials() const { return credentials_; }
  // The webhook senders, for delivery faults (duplicates, delays that reorder).
  mocks::WebhookEmitter& shopify_webhooks() { return *shopify_emitter_; }
  mocks::WebhookEmitter& gorgias_webhooks() { return *gorgias_emitter_; }

  // Hosts the system under test at kPipelineHost; the mocks' webhooks go there. The service must
  // outlive the world.
  void AttachPipeline(sim::Service& intake);
  // A client for the pipeline's own calls, traced as `caller`.
  std::unique_ptr<sim::HttpClient> MakeClient(std::string caller) { return network_->MakeClient(std::move(caller)); }

  // Seeding (the world before or during the run). Errors abort: they are bugs in the scenario
  // data, which the scenario loader validates first.
  CustomerRef AddCustomer(const CustomerSpec& spec);
  OrderRef AddOrder(const CustomerRef& customer, const OrderSpec& spec);
  // A carrier scan on the order's fulfillment (Shopify fires fulfillments/update).
  void CarrierEvent(const OrderRef& order, const std::string& status, const std::string& message = "");
  // The customer writes on `channel`; a new ticket unless `ticket_id` is given.
  mocks::gorgias::CustomerMessageResult CustomerWrites(const CustomerRef& customer, const std::string& text,
                                                       const std::string& channel = "email",
                                                       std::optional<std::uint64_t> ticket_id = std::nullopt,
                                                       const std::string& subject = "Question about my order");

  // People at the helpdesk (`agent` indexes credentials().agent_user_ids), acting through
  // Gorgias's API as the web app does: their messages and status changes fire the integrations.
  void AgentReplies(std::uint64_t ticket_id, int agent, const std::string& text);
  void AgentNote(std::uint64_t ticket_id, int agent, const std::string& text);
  void CloseTicket(std::uint64_t ticket_id, int agent);
  // Adds the tag `name` to the ticket (POST /api/tickets/{id}/tags), as agent `agent`.
  void TagTicket(std::uint64_t ticket_id, int agent, const std::string& name);
  // A refund of one unit of the order's first line with one left (staff in Shopify's admin).
  void AddRefund(const OrderRef& order, const std::string& note);
  // The store ships an unfulfilled order now: Shopify records the fulfillment and sends
  // fulfillments/create. Sets `order.fulfillment_id`, so carrier events can follow.
  void CreateFulfillment(OrderRef& order, const FulfillmentSpec& spec);
  // A marketer adds the customer's profile to a Klaviyo list through Klaviyo's API, so the
  // list-triggered flows start as they would for a real subscription.
  void AddToKlaviyoList(const CustomerRef& customer, const std::string& list_id);

  // Ground truth that the harness knows and the pipeline can only guess: what a customer's
  // message really asks for (an intent label), as the scenario or the traffic generator wrote it.
  // The oracles judge by it whatever the pipeline's classifier read.
  void RecordTrueIntent(std::uint64_t message_id, std::string intent) { true_intents_[message_id] = std::move(intent); }
  // The stated intent of a Gorgias message, "" when nobody stated one.
  std::string TrueIntentOf(std::uint64_t message_id) const {
    auto it = true_intents_.find(message_id);
    return it == true_intents_.end() ? std::string() : it->second;
  }

  // A stamp that moves whenever the ticket's Gorgias state may have changed (a write through
  // Gorgias's API or the world's helpers naming it, or a write that may touch every ticket). The
  // simulated people re-read a ticket only when its stamp moved (issue 11): the answer is the same.
  std::uint64_t GorgiasTicketStamp(std::uint64_t ticket_id) const;

  void RunFor(sim::Duration d) { scheduler_.RunFor(d); }
  // Runs until nothing is pending or `limit` of virtual time has passed.
  void RunUntilIdle(sim::Duration limit = sim::Days(30));

 private:
  void RefreshGorgiasShopifyData(const CustomerRef& customer);
  // Moves the stamps of what `request` may write (see GorgiasTicketStamp).
  void NoteGorgiasRequest(const sim::Request& request);
  void NoteGorgiasTicketChange(std::uint64_t ticket_id);
  const std::vector<std::size_t>& CustomerSlots(const std::string& email) const;
  // Calls a mock's API directly (a person's action, not the pipeline's); aborts on a refusal.
  mocks::OrderedJson CallGorgiasAs(int agent, sim::Method method, const std::string& target, const mocks::OrderedJson& body);

  SimWorldConfig config_;
  sim::Rng rng_;
  sim::Scheduler scheduler_;
  sim::Trace trace_;
  std::unique_ptr<sim::InMemoryNetwork> network_;
  std::unique_ptr<sim::HttpClient> shopify_webhook_client_;
  std::unique_ptr<sim::HttpClient> gorgias_webhook_client_;
  std::unique_ptr<mocks::WebhookEmitter> shopify_emitter_;
  std::unique_ptr<mocks::WebhookEmitter> gorgias_emitter_;
  std::unique_ptr<mocks::shopify::ShopifyMock> shopify_;
  std::unique_ptr<mocks::gorgias::GorgiasMock> gorgias_;
  std::unique_ptr<sim::Service> gorgias_host_;  // gorgias_ as the network reaches it, writes noted
  std::unique_ptr<mocks::klaviyo::KlaviyoMock> klaviyo_;
  std::unique_ptr<mocks::llm::LlmMock> llm_;
  WorldCredentials credentials_;
  std::uint64_t shopify_integration_id_ = 0;
  std::vector<std::pair<CustomerRef, std::vector<std::uint64_t>>> orders_by_customer_;
  // Indexes into orders_by_customer_ by e-mail, in the order added (no scan per order; issue 11).
  std::unordered_map<std::string, std::vector<std::size_t>> customer_slots_by_email_;
  std::map<std::uint64_t, std::string> true_intents_;  // Gorgias message id -> intent label
  std::uint64_t gorgias_writes_ = 0;                 // writes noted so far
  std::uint64_t gorgias_all_changed_at_ = 0;         // the last write that may touch any ticket
  std::unordered_map<std::uint64_t, std::uint64_t> gorgias_ticket_changed_at_;
};

}  // namespace rh::harness
