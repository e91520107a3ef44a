// A scenario file, loaded: the store, the policy, the world before the run, a timeline of steps
// at virtual times, LLM and delivery faults, and the expectations. Plain data; the loader
// (scenario_loader.h) fills it from YAML and refuses bad files with file, line and field; the
// runner plays it on a SimWorld. Format reference: docs/SCENARIOS.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "pipeline/policy.h"
#include "sim/time.h"

namespace rh::harness::scenario {

// Where a value came from, for messages about it ("wismo.yaml:14:7").
struct Source {
  std::string file;
  int line = 0;
  int column = 0;
  // Always equal: a position says where a value was written, not what the scenario is, and it
  // legitimately changes when a scenario is written out and read back (scenario_writer.h). So
  // the scenario structs below can default their == and still compare a round trip as equal.
  bool operator==(const Source&) const { return true; }
};

struct Store {
  std::string name = "Rehearsal Store";
  std::string vertical = "apparel";  // a DESIGN.md vertical (tickets per 100 orders)
  std::string timezone = "UTC";
  std::string shopify_plan = "standard";  // standard | advanced | plus | enterprise
  // Klaviyo's Smart Sending for the store's campaigns and flow messages (a message may say
  // otherwise): a profile sent a message recently is skipped. On by default, as in Klaviyo.
  bool smart_sending = true;
  bool operator==(const Store&) const = default;
};

struct Customer {
  std::string handle;  // the scenario's name for them ("ana")
  std::string email;
  std::string first_name, last_name;
  std::string phone;  // "" : one is made up from the handle
  std::vector<std::string> tags;
  bool marketing_consent = true;
  std::vector<std::string> lists;  // Klaviyo list handles
  bool operator==(const Customer&) const = default;
};

struct LineItem {
  std::string title = "Hoodie";
  std::string sku = "HD-M-BLK";
  int quantity = 1;
  std::string price = "54.99";
  bool operator==(const LineItem&) const = default;
};

struct Fulfillment {
  std::string carrier = "UPS";
  std::string tracking_number;  // "" : made up
  std::string status = "in_transit";
  sim::Duration age{0};  // how long before the run began it was created
  bool operator==(const Fulfillment&) const = default;
};

struct Order {
  std::string handle;  // "o1"
  std::string customer;  // a customer handle
  std::vector<LineItem> items;
  std::string financial_status = "paid";
  sim::Duration age = sim::Days(2);
  std::optional<Fulfillment> fulfillment;
  int refunds = 0;  // refunds already made on it (one unit each)
  bool operator==(const Order&) const = default;
};

struct KlaviyoList {
  std::string handle;
  std::string name;
  bool operator==(const KlaviyoList&) const = default;
};

struct Campaign {
  std::string name;
  std::string kind = "promotional";  // promotional | review_request | transactional | recovery
  sim::Duration at{0};               // when it sends, from the start of the run
  std::vector<std::string> lists;    // list handles
  std::optional<bool> smart_sending;  // absent: the store's
  bool operator==(const Campaign&) const = default;
};

struct FlowAction {
  sim::Duration delay{0};  // a delay step when non-zero and `message` is empty
  std::string message;     // an e-mail step's name
  std::string kind = "promotional";
  std::optional<bool> smart_sending;  // a message's own setting; absent: the store's
  bool operator==(const FlowAction&) const = default;
};

struct Flow {
  std::string name;
  std::string trigger_metric;  // e.g. "Fulfilled Order", "Support Issue Resolved"
  std::string trigger_list;    // a list handle (instead of a metric)
  std::vector<FlowAction> actions;
  bool operator==(const Flow&) const = default;
};

struct World {
  std::vector<Customer> customers;
  std::vector<Order> orders;
  std::vector<KlaviyoList> lists;
  std::vector<Campaign> campaigns;
  std::vector<Flow> flows;
  bool operator==(const World&) const = default;
};

// Generated traffic instead of (or besides) a hand-written world: a store profile's day.
struct Generate {
  std::string vertical;         // "" : the store's
  int orders_per_day = 200;
  double average_order_value = 60;
  double repeat_share = 0.3;
  double delay_rate = 0.1;      // shipments that hit an exception
  int days = 1;
  std::map<std::string, double> intent_mix;  // intent label -> share; empty: the built-in mix
  std::map<std::string, double> channel_mix;  // channel -> share; empty: the built-in mix
  double write_on_delay = 0.6;  // a customer whose parcel is delayed writes about it (a WISMO)
  double reopen_on_wrong_answer = 0.7;  // writes again when an automatic answer missed the point
  int agents = 3;               // people confirming handed-over tickets
  sim::Duration agent_handle_time = sim::Minutes(6);
  // The agents' shift, as times of day in the store's time zone; 0h to 24h: always on.
  sim::Duration shift_start = sim::Hours(0);
  sim::Duration shift_end = sim::Hours(24);
  bool operator==(const Generate&) const = default;
};

// ---- Timeline steps ----

struct CustomerWrites {
  std::string customer;
  std::string channel = "email";
  std::string text;
  std::string ticket;  // handle for the new ticket, or an existing handle to write on it again
  bool with_photo = false;
  // What the customer truly wants (an intent label, e.g. "discount_request"): ground truth the
  // oracles judge by, whatever the pipeline's classifier reads. "" : not stated.
  std::string intent;
  bool operator==(const CustomerWrites&) const = default;
};
struct CarrierScan {
  std::string order;
  std::string status;  // a Shopify shipment_status
  std::string message;
  bool operator==(const CarrierScan&) const = default;
};
struct AgentReplies {
  std::string ticket;
  int agent = 0;
  // "draft": send the pipeline's draft unchanged; "edit": the draft plus a line; else the text.
  std::string text = "draft";
  bool operator==(const AgentReplies&) const = default;
};
struct AgentNote {
  std::string ticket;
  int agent = 0;
  std::string text;
  bool operator==(const AgentNote&) const = default;
};
struct CloseTicket {
  std::string ticket;
  int agent = 0;
  bool operator==(const CloseTicket&) const = default;
};
// A person answers a recovery offer waiting for approval on the ticket (`approve_offer`: adds the
// tag offer-approved; `decline_offer`: offer-declined), as agent `agent`.
struct DecideOffer {
  std::string ticket;
  int agent = 0;
  bool approve = true;
  bool operator==(const DecideOffer&) const = default;
};
struct Refund {
  std::string order;
  std::string note = "refund";
  bool operator==(const Refund&) const = default;
};
// Time passes (the step's `at` is all it says).
struct Wait {
  bool operator==(const Wait&) const = default;
};
// An attacker posts a Gorgias message webhook for `customer` to the pipeline, signed with a wrong
// secret (I6: it must change nothing).
struct ForgedWebhook {
  std::string customer;
  std::string text = "Where is my order?";
  bool operator==(const ForgedWebhook&) const = default;
};

// The store ships an order mid-run: Shopify records the fulfillment and sends fulfillments/create
// (the order must have none yet; carrier_scan steps may follow).
struct CreateFulfillment {
  std::string order;
  std::string carrier = "UPS";
  std::string tracking_number;  // "" : made up
  std::string status = "in_transit";
  bool operator==(const CreateFulfillment&) const = default;
};
// A marketer adds the customer's profile to a Klaviyo list (list-triggered flows start).
struct AddToList {
  std::string customer;
  std::string list;
  bool operator==(const AddToList&) const = default;
};

using Action = std::variant<CustomerWrites, CarrierScan, AgentReplies, AgentNote, CloseTicket, DecideOffer, Refund, Wait, ForgedWebhook,
                            CreateFulfillment, AddToList>;

struct Step {
  sim::Duration at{0};  // from the start of the run; never negative
  Action action;
  Source source;
  bool operator==(const Step&) const = default;
};

// ---- Faults ----

struct LlmFaults {
  double overload = 0, refusal = 0, hallucinated_tracking = 0, refund_promise = 0, invalid_json = 0, truncated = 0,
         slow_stream = 0;
  double accuracy = 1.0;  // the classifier's, on unambiguous text
  bool operator==(const LlmFaults&) const = default;
};

// A scripted LLM answer (the LLM mock's Script): when a call's prompt matches, this answer
// replaces the model's. First match in file order.
struct LlmScript {
  std::string contains;        // substring of the prompt ("" : any)
  std::string regex;           // ECMAScript regex searched in the prompt ("" : any)
  std::uint64_t nth_call = 0;  // 1-based among admitted calls (0 : any)
  std::uint64_t times = 0;     // uses; 0 : unlimited
  std::string text;            // the answer's content
  std::string json;            // a structured answer (JSON text); wins over text
  int status = 0;              // non-zero: an error with this status instead
  std::string error_type, error_message;
  Source where;
  bool operator==(const LlmScript&) const = default;
};

struct WebhookFaults {
  double duplicate_rate = 0;
  double delay_rate = 0;
  sim::Duration max_delay = sim::Minutes(5);
  bool operator==(const WebhookFaults&) const = default;
};

struct Faults {
  LlmFaults llm;
  std::vector<LlmScript> llm_scripts;
  WebhookFaults webhooks;
  std::optional<std::int64_t> shopify_rest_bucket;        // calls the bucket holds
  std::optional<sim::Duration> shopify_rest_leak_every;   // one call drained per this
  std::optional<double> llm_requests_per_minute;
  bool operator==(const Faults&) const = default;
};

// A deliberately faulty pipeline, for negative tests: each oracle must be shown to fire.
enum class PipelineVariant {
  kReference,
  kSkipsSignatureCheck,   // I6
  kAutoSendsEverything,   // I2, I3: ignores the policy's route
  kIgnoresSuppression,    // I1: never suppresses
  kNoDecisionLog,         // I4
  kSkipsFactCheck,        // I9: sends drafts with invented facts
  kSkipsRecovery,         // I5: never fires the recovery event
  kRepliesTwice,          // I7: posts every automatic reply twice
  kRepliesOnEmail,        // I10: answers on email whatever the ticket's channel
  kIgnoresRateLimits,     // I8: no pacing, and a 429 retried before the server's Retry-After
  kSendsOffersUnapproved, // I2: a recovery offer's discount reaches the customer with no person's approval
};

// ---- Expectations ----

// A piece of text a reply must (or must not) contain: written text, or a fact of an order
// (`{order: o1, fact: tracking_number}`) looked up in the world when the run ends.
struct ReplyText {
  std::string text;   // when `fact` is empty
  std::string order;  // an order handle
  std::string fact;   // tracking_number | carrier | order_name
  bool operator==(const ReplyText&) const = default;
};

struct TicketExpectation {
  std::string ticket;  // handle
  // Checked against the text of every reply delivered to the customer, ignoring case.
  std::vector<ReplyText> mentions, excludes;
  std::vector<std::string> tags_include, tags_exclude;
  std::optional<int> replies_delivered;
  std::optional<std::string> route;     // auto_send | human
  std::optional<std::string> rule;
  std::optional<std::string> intent;
  std::optional<std::string> priority;
  std::optional<bool> assigned;
  Source source;
  bool operator==(const TicketExpectation&) const = default;
};

struct KlaviyoExpectation {
  std::vector<std::string> suppressed, not_suppressed;  // customer handles, at the end of the run
  // Sends of a kind to a customer: {customer, kind, sent, skipped}.
  struct Sends {
    std::string customer;
    std::string kind;
    std::optional<int> sent, skipped;
    Source source;
    bool operator==(const Sends&) const = default;
  };
  std::vector<Sends> sends;
  std::map<std::string, int> events;  // metric name -> count, e.g. "Support Issue Resolved": 1
  bool operator==(const KlaviyoExpectation&) const = default;
};

struct DecisionExpectation {
  std::string ticket;
  std::string kind;
  std::optional<std::string> route, outcome, override_reason;
  std::optional<int> count;  // rows of that kind for the ticket (default: at least one)
  std::optional<std::string> rationale_mentions;  // text in the last row's rationale, ignoring case
  std::optional<std::string> value_bucket;        // the last row's customer value bucket
  Source source;
  bool operator==(const DecisionExpectation&) const = default;
};

// Shopify's state of an order at the end of the run.
struct OrderExpectation {
  std::string order;  // handle
  std::optional<bool> cancelled;
  std::optional<bool> address_changed;  // the shipping address differs from the one at the start
  std::optional<int> refunds;           // refund records on the order
  std::optional<std::string> financial_status;
  std::vector<std::string> tags_include, tags_exclude;
  Source source;
  bool operator==(const OrderExpectation&) const = default;
};

// "automation_rate: \">= 0.6\"": a measured value compared with a bound. Durations are kept
// in seconds.
struct Comparison {
  std::string op;  // >= | <= | > | < | ==
  double value = 0;
  bool operator==(const Comparison&) const = default;
};

// Aggregate expectations on the run's KPIs (generated traffic, mostly).
struct KpiExpectation {
  std::optional<Comparison> tickets;
  std::optional<Comparison> automation_rate;
  std::optional<Comparison> reopen_rate;
  std::optional<Comparison> first_response_p90;  // seconds
  // intent -> route (auto_send | human) -> the share of that intent's routed tickets.
  std::map<std::string, std::map<std::string, Comparison>> routes;
  bool operator==(const KpiExpectation&) const = default;
};

struct Expectations {
  std::vector<TicketExpectation> tickets;
  KlaviyoExpectation klaviyo;
  std::vector<DecisionExpectation> decisions;
  std::vector<OrderExpectation> orders;
  std::optional<KpiExpectation> kpis;
  std::vector<std::string> oracles_fire;  // ids a negative scenario expects to fire; others must hold
  bool operator==(const Expectations&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // the path it was loaded from
  std::string content_hash;  // hex of the file's bytes (the trace header names it)
  std::optional<std::uint64_t> seed;
  // The calendar start as written ("2026-11-27T00:00:00", the store's local time); "" : the
  // default start (sim::DefaultSimEpoch()). `start_at` is that instant in UTC, as the loader
  // resolved it in the store's time zone.
  std::string start;
  std::optional<sim::WallTime> start_at;
  Store store;
  std::string policy_file;  // resolved path; "" : the default policy
  // The policy as the loader read and validated it: from policy_file, or embedded in the scenario
  // under `policy:` (then policy_file is the scenario file itself, not a policy file). Absent:
  // the default policy. Run this rather than loading policy_file again.
  std::optional<pipeline::Policy> policy;
  World world;
  std::optional<Generate> generate;
  std::vector<Step> timeline;  // ordered by `at`, stable
  Faults faults;
  PipelineVariant variant = PipelineVariant::kReference;
  sim::Duration run_for = sim::Days(1);  // virtual time after the last step
  sim::Duration first_response_sla = sim::Hours(24);  // I11
  Expectations expect;
  // Every field, `file` and `content_hash` included; SameScenario leaves those two out.
  bool operator==(const Scenario&) const = default;
};

// The same scenario wherever it was read from: equal but for the file it came from, its bytes'
// hash, and (for a policy embedded in the scenario) the policy_file that names that file. This
// is what a round trip through the writer (scenario_writer.h) must preserve.
inline bool SameScenario(const Scenario& a, const Scenario& b) {
  const auto origin_free = [](Scenario s) {
    if (!s.policy_file.empty() && s.policy_file == s.file) s.policy_file = "(embedded)";
    s.file.clear();
    s.content_hash.clear();
    return s;
  };
  return origin_free(a) == origin_free(b);
}

}  // namespace rh::harness::scenario
