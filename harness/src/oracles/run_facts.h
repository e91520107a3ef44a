// What the oracles know of a finished run, read once and shared: the mocks' state (the ground
// truth), the trace with indexes, the decision log, and views of each ticket and person built
// from them. Internal to the oracles; it reads the world and never changes it. Deterministic:
// ordered containers only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "harness/oracles.h"
#include "policy_model.h"
#include "pipeline/decision_log.h"
#include "pipeline/draft_check.h"
#include "pipeline/policy.h"

namespace rh::harness::oracles {

// One broken promise: what, for a person, and the trace records (indexes) that show it.
struct Violation {
  std::string message;
  std::vector<std::size_t> evidence;
};

// A Gorgias ticket as the oracles read it.
struct TicketView {
  const mocks::gorgias::Ticket* ticket = nullptr;
  std::string email;  // the customer's, lower case; "" when unknown
  std::vector<const mocks::gorgias::Message*> customer_messages;  // public, from the customer
  std::vector<const mocks::gorgias::Message*> pipeline_replies;   // public, by the pipeline's user
  std::vector<const mocks::gorgias::Message*> pipeline_notes;     // internal notes, pipeline's user
  std::vector<const mocks::gorgias::Message*> agent_replies;      // public, by any other user
  std::vector<const mocks::gorgias::Message*> agent_notes;
  // Open periods from a customer message until the ticket was closed (nullopt: still open).
  struct Period {
    sim::WallTime from{};
    std::optional<sim::WallTime> to;
  };
  std::vector<Period> periods;
  // Intent of the first customer message: ground truth when the cue classifier is sure, else the
  // pipeline's triage, else other.
  pipeline::Intent intent = pipeline::Intent::kOther;
  // The live issues (policy-enabled) of the case at the first customer message.
  std::vector<pipeline::Issue> issues;
  bool closed_at_end() const { return ticket != nullptr && ticket->status == "closed"; }
};

// A delivery exception on one order: from the first exception scan until the "delivered" scan
// that follows the last exception (nullopt: still live).
struct DeliveryIssue {
  const mocks::shopify::Order* order = nullptr;
  std::string email;
  sim::WallTime from{};
  std::optional<sim::WallTime> to;
  // Live windows: each from an exception scan until the next "delivered" scan.
  std::vector<std::pair<sim::WallTime, std::optional<sim::WallTime>>> windows;
};

// One HTTP exchange on the in-memory network, from its trace records.
struct Exchange {
  std::int64_t id = 0;
  std::string caller, host, method, target;
  std::size_t request_index = 0;
  sim::Instant sent{};
  std::optional<std::size_t> handled_index, response_index, fault_index;
  int handled_status = 0;   // what the service answered; 0 when it never ran
  int response_status = 0;  // what the caller got; 0 on a transport error or none yet
  sim::Instant responded{};
  std::string Path() const { return target.substr(0, target.find('?')); }
};

class RunFacts {
 public:
  explicit RunFacts(const OracleContext& context);

  const OracleContext& context;
  const pipeline::Policy& policy;
  const std::vector<sim::TraceRecord>& trace;

  // The world's state at the end of the run.
  mocks::gorgias::State gorgias;
  std::vector<mocks::gorgias::CustomerDelivery> deliveries;
  std::vector<mocks::gorgias::IntegrationCall> integration_calls;
  mocks::klaviyo::State klaviyo;
  mocks::shopify::State shopify;
  std::vector<pipeline::DecisionRow> rows;  // the whole decision log, in order
  std::string log_error;                    // "" when the log was read
  std::uint64_t pipeline_user_id = 0;       // the pipeline's Gorgias user

  sim::Instant now{};
  sim::WallTime now_wall{};

  std::map<std::uint64_t, TicketView> tickets;  // by ticket id
  std::vector<DeliveryIssue> delivery_issues;
  std::map<std::int64_t, Exchange> exchanges;  // by exchange id

  // Trace indexes: records of a kind, in order; pipeline records naming a ticket.
  const std::vector<std::size_t>& OfKind(std::string_view kind) const;
  const std::vector<std::size_t>& ForTicket(std::uint64_t ticket_id) const;

  // Virtual time on both clocks (the world's calendar runs with the monotonic clock).
  sim::Instant ToInstant(sim::WallTime t) const { return sim::Instant(t - wall_epoch_); }
  sim::WallTime ToWall(sim::Instant t) const { return wall_epoch_ + t.time_since_epoch(); }
  // "+1d02h03m04s" since the start of the run.
  std::string When(sim::WallTime t) const;
  std::string When(sim::Instant t) const { return When(ToWall(t)); }

  // People and orders.
  std::string EmailOfGorgiasCustomer(std::uint64_t customer_id) const;
  std::string EmailOfKlaviyoProfile(const std::string& profile_id) const;
  // Klaviyo's events of the policy's recovery metric, in the order Klaviyo stored them.
  std::vector<const mocks::klaviyo::Event*> RecoveryEvents() const;
  // The customer's Shopify orders (by customer id or order email), oldest first.
  std::vector<const mocks::shopify::Order*> OrdersOf(const std::string& email) const;
  const mocks::shopify::Customer* ShopifyCustomer(const std::string& email) const;
  const mocks::gorgias::Message* MessageById(std::uint64_t id) const;
  bool ByPipeline(const mocks::gorgias::Message& message) const;

  // The policy's case for a ticket as the world stood at `at`, from ground truth: the order the
  // customer names (else their newest), its fulfilment and scans, returns and refunds, the
  // customer's value, the photos attached, the SKU an exchange asks for. `intent` and
  // `confidence` are given (the classifier's business).
  struct Case {
    pipeline::CaseFacts facts;
    const mocks::shopify::Order* order = nullptr;
  };
  Case CaseAt(const TicketView& view, const mocks::gorgias::Message& customer_message, sim::WallTime at,
              pipeline::Intent intent, double confidence) const;
  // The same case as the written policy sees it (policy_model.h), with the customer's live issues
  // on their other orders and other open tickets at `at`: ground truth the pipeline may miss.
  PolicyCase PolicyCaseAt(const TicketView& view, const mocks::gorgias::Message& customer_message, sim::WallTime at,
                          pipeline::Intent intent, double confidence) const;
  // What the customer truly asked in a message: the intent the scenario or the traffic generator
  // stated, else the LLM mock's cue classifier when it names one intent only.
  std::optional<pipeline::Intent> TruthOf(const mocks::gorgias::Message& customer_message) const;
  // What a reply may mention about the customer's orders (names, tracking numbers, amounts).
  pipeline::DraftFacts DraftFactsOf(const std::string& email) const;

  // The pipeline's last triage record of a ticket at or before trace index `before`.
  std::optional<std::size_t> TriageBefore(std::uint64_t ticket_id, std::size_t before) const;
  // The pipeline's last route record of a ticket at or before trace index `before`.
  std::optional<std::size_t> RouteBefore(std::uint64_t ticket_id, std::size_t before) const;
  // The exchange that created a Gorgias message (its POST, handled when the message was made).
  std::optional<std::size_t> CreatingRequest(const mocks::gorgias::Message& message) const;
  // The exchange `host` handled at `t` on `path` (or `other_path`), if any.
  const Exchange* HandledAt(std::string_view host, sim::Instant t, std::string_view path,
                            std::string_view other_path = {}) const;
  // The trace index at virtual time `t` (the first record at or after it).
  std::size_t IndexAt(sim::Instant t) const;

  // Trace record fields.
  static std::string Str(const sim::TraceRecord& record, std::string_view key);
  static std::optional<std::int64_t> Int(const sim::TraceRecord& record, std::string_view key);
  static std::optional<double> Num(const sim::TraceRecord& record, std::string_view key);

 private:
  void ReadLog(pipeline::DecisionLog& log);
  void IndexTrace();
  void BuildTickets();
  void BuildDeliveryIssues();
  void IndexShopify();

  sim::WallTime wall_epoch_{};
  // Shopify's customers and orders by lower-case e-mail and customer id, each list in id order, so
  // OrdersOf and ShopifyCustomer read what a scan of the whole store would (issue 11).
  std::unordered_map<std::string, const mocks::shopify::Customer*> customer_by_email_;
  std::unordered_map<std::string, std::vector<const mocks::shopify::Order*>> orders_by_email_;
  std::unordered_map<std::uint64_t, std::vector<const mocks::shopify::Order*>> orders_by_customer_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> by_kind_;
  std::map<std::uint64_t, std::vector<std::size_t>> by_ticket_;
  std::map<std::pair<std::string, std::int64_t>, std::vector<std::size_t>> handled_at_;  // (host, t_ns)
};

// Shared wording. "1d02h03m04s" (milliseconds when there are any).
std::string Span(sim::Duration d);
std::string Clip(std::string_view text, std::size_t max = 60);
std::string Lower(std::string_view text);
// Intent of a customer's text by the LLM mock's cue classifier, when it names one intent only.
std::optional<pipeline::Intent> TrueIntent(std::string_view customer_text);

// The twelve oracles (one function each), in oracles/*.cc.
std::vector<Violation> CheckI1(const RunFacts& facts);
std::vector<Violation> CheckI2(const RunFacts& facts);
std::vector<Violation> CheckI3(const RunFacts& facts);
std::vector<Violation> CheckI4(const RunFacts& facts);
std::vector<Violation> CheckI5(const RunFacts& facts);
std::vector<Violation> CheckI6(const RunFacts& facts);
std::vector<Violation> CheckI7(const RunFacts& facts);
std::vector<Violation> CheckI8(const RunFacts& facts);
std::vector<Violation> CheckI9(const RunFacts& facts);
std::vector<Violation> CheckI10(const RunFacts& facts);
std::vector<Violation> CheckI11(const RunFacts& facts);
std::vector<Violation> CheckI12(const RunFacts& facts);

}  // namespace rh::harness::oracles
