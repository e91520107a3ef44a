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
};

struct Store {
  std::string name = "Rehearsal Store";
  std::string vertical = "apparel";  // a DESIGN.md vertical (tickets per 100 orders)
  std::string timezone = "UTC";
  std::string shopify_plan = "standard";  // standard | advanced | plus | enterprise
};

struct Customer {
  std::string handle;  // the scenario's name for them ("ana")
  std::string email;
  std::string first_name, last_name;
  std::string phone;  // "" : one is made up from the handle
  std::vector<std::string> tags;
  bool marketing_consent = true;
  std::vector<std::string> lists;  // Klaviyo list handles
};

struct LineItem {
  std::string title = "Hoodie";
  std::string sku = "HD-M-BLK";
  int quantity = 1;
  std::string price = "54.99";
};

struct Fulfillment {
  std::string carrier = "UPS";
  std::string tracking_number;  // "" : made up
  std::string status = "in_transit";
  sim::Duration age{0};  // how long before the run began it was created
};

struct Order {
  std::string handle;  // "o1"
  std::string customer;  // a customer handle
  std::vector<LineItem> items;
  std::string financial_status = "paid";
  sim::Duration age = sim::Days(2);
  std::optional<Fulfillment> fulfillment;
  int refunds = 0;  // refunds already made on it (one unit each)
};

struct KlaviyoList {
  std::string handle;
  std::string name;
};

struct Campaign {
  std::string name;
  std::string kind = "promotional";  // promotional | review_request | transactional | recovery
  sim::Duration at{0};               // when it sends, from the start of the run
  std::vector<std::string> lists;    // list handles
};

struct FlowAction {
  sim::Duration delay{0};  // a delay step when non-zero and `message` is empty
  std::string message;     // an e-mail step's name
  std::string kind = "promotional";
};

struct Flow {
  std::string name;
  std::string trigger_metric;  // e.g. "Fulfilled Order", "Support Issue Resolved"
  std::string trigger_list;    // a list handle (instead of a metric)
  std::vector<FlowAction> actions;
};

struct World {
  std::vector<Customer> customers;
  std::vector<Order> orders;
  std::vector<KlaviyoList> lists;
  std::vector<Campaign> campaigns;
  std::vector<Flow> flows;
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
};
struct CarrierScan {
  std::string order;
  std::string status;  // a Shopify shipment_status
  std::string message;
};
struct AgentReplies {
  std::string ticket;
  int agent = 0;
  // "draft": send the pipeline's draft unchanged; "edit": the draft plus a line; else the text.
  std::string text = "draft";
};
struct AgentNote {
  std::string ticket;
  int agent = 0;
  std::string text;
};
struct CloseTicket {
  std::string ticket;
  int agent = 0;
};
struct Refund {
  std::string order;
  std::string note = "refund";
};
struct Wait {};  // time passes (the step's `at` is all it says)
// An attacker posts a Gorgias message webhook for `customer` to the pipeline, signed with a wrong
// secret (I6: it must change nothing).
struct ForgedWebhook {
  std::string customer;
  std::string text = "Where is my order?";
};

using Action = std::variant<CustomerWrites, CarrierScan, AgentReplies, AgentNote, CloseTicket, Refund, Wait, ForgedWebhook>;

struct Step {
  sim::Duration at{0};  // from the start of the run; never negative
  Action action;
  Source source;
};

// ---- Faults ----

struct LlmFaults {
  double overload = 0, refusal = 0, hallucinated_tracking = 0, refund_promise = 0, invalid_json = 0, truncated = 0,
         slow_stream = 0;
  double accuracy = 1.0;  // the classifier's, on unambiguous text
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
};

struct WebhookFaults {
  double duplicate_rate = 0;
  double delay_rate = 0;
  sim::Duration max_delay = sim::Minutes(5);
};

struct Faults {
  LlmFaults llm;
  std::vector<LlmScript> llm_scripts;
  WebhookFaults webhooks;
  std::optional<std::int64_t> shopify_rest_bucket;        // calls the bucket holds
  std::optional<sim::Duration> shopify_rest_leak_every;   // one call drained per this
  std::optional<double> llm_requests_per_minute;
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
};

// ---- Expectations ----

struct TicketExpectation {
  std::string ticket;  // handle
  std::vector<std::string> tags_include, tags_exclude;
  std::optional<int> replies_delivered;
  std::optional<std::string> route;     // auto_send | human
  std::optional<std::string> rule;
  std::optional<std::string> intent;
  std::optional<std::string> priority;
  std::optional<bool> assigned;
  Source source;
};

struct KlaviyoExpectation {
  std::vector<std::string> suppressed, not_suppressed;  // customer handles, at the end of the run
  // Sends of a kind to a customer: {customer, kind, sent, skipped}.
  struct Sends {
    std::string customer;
    std::string kind;
    std::optional<int> sent, skipped;
    Source source;
  };
  std::vector<Sends> sends;
  std::map<std::string, int> events;  // metric name -> count, e.g. "Support Issue Resolved": 1
};

struct DecisionExpectation {
  std::string ticket;
  std::string kind;
  std::optional<std::string> route, outcome, override_reason;
  std::optional<int> count;  // rows of that kind for the ticket (default: at least one)
  Source source;
};

struct Expectations {
  std::vector<TicketExpectation> tickets;
  KlaviyoExpectation klaviyo;
  std::vector<DecisionExpectation> decisions;
  std::vector<std::string> oracles_fire;  // ids a negative scenario expects to fire; others must hold
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;  // the path it was loaded from
  std::string content_hash;  // hex of the file's bytes (the trace header names it)
  std::optional<std::uint64_t> seed;
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
};

}  // namespace rh::harness::scenario
