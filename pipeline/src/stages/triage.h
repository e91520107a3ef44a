// Triage (DESIGN.md step 1), for one customer message: read the ticket (Gorgias), find the
// customer and their orders by e-mail (Shopify), choose the order the message is about, classify
// the intent (rules first, the LLM for the rest), and tag the ticket "intent:<label>".
// Its hand-off, Triage, is everything the draft and confirm stages read of the case.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "context.h"
#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/shopify_client.h"
#include "pipeline/policy.h"
#include "pipeline/vocabulary/intent.h"
#include "sim/task.h"

namespace rh::pipeline::stages {

struct Triage {
  std::uint64_t ticket_id = 0;
  std::string message_id;  // the customer message triaged ("" when the event named none)
  clients::GorgiasTicket ticket;
  std::string customer_text;
  std::string email;
  bool has_evidence = false;  // the message carries attachments (photos of a damaged item)
  // Who and which order: `lookup_failed` when Shopify could not be asked.
  clients::ShopifyCustomerOrders orders;
  bool lookup_failed = false;
  std::optional<clients::ShopifyOrder> order;
  std::optional<OrderFacts> order_facts;
  std::string facts_text;  // the order's facts as the LLM's prompt reads them
  std::string window_last_day;  // the return window's last local day ("2026-12-23"), when known
  // What they want.
  Intent intent = Intent::kOther;
  double confidence = 0;
  bool llm_failed = false;  // the classifier failed: no draft will be asked for
  std::string how;          // "rules: \"where is my order\"", "llm <model>", "llm failed (...)"
  std::string tried;        // what went wrong so far, for a person's handover summary
  // The customer is in triage while the hand-off lives: the workflow keeps it until the case's
  // issue is opened.
  std::shared_ptr<const TriagingCustomer> triaging;
};

// Triages the customer message `message` of ticket `ticket_id`. Nothing when the ticket cannot be
// read (the failure is logged and traced; the message is lost to automation, as before).
sim::Task<std::optional<Triage>> TriageMessage(const Context& ctx, std::uint64_t ticket_id, nlohmann::json message);

}  // namespace rh::pipeline::stages
