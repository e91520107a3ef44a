// The facts of a Shopify order as prompt lines for the LLM (llm_client.h's PromptFacts), and the
// identifiers a draft may mention (vocabulary/draft_facts.h, for the draft's fact check). Only
// what the order says: the policy adds what it decides (the return window). Pure and
// deterministic.
#pragma once

#include <string>
#include <vector>

#include "pipeline/clients/llm_client.h"
#include "pipeline/clients/shopify_client.h"
#include "pipeline/vocabulary/draft_facts.h"

namespace rh::pipeline::clients {

// Order name, customer, items ("1x Hoodie (HD-M-BLK)"), and from the latest fulfillment that is
// not cancelled: carrier, tracking number and URL, shipment status ("in transit"), the shipped
// date, and the delivered date when delivered; refunds ("$42.00 refunded on 2026-11-22").
// Dates are the shop's local dates, as Shopify wrote them.
PromptFacts FactsFromOrder(const ShopifyOrder& order, const std::string& customer_name);

// What a draft about this order may mention: its name, every tracking number, and every amount
// in it (totals, line prices, refunds) as "54.99".
DraftFacts DraftFactsFromOrder(const ShopifyOrder& order);

// "54.99 USD" -> "$54.99"; other currencies "54.99 EUR".
std::string MoneyText(std::int64_t minor, const std::string& currency);

}  // namespace rh::pipeline::clients
