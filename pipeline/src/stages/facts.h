// Reading what the stages need from the services' data: fields of a webhook's JSON (Gorgias
// renders template values as strings), and the policy's view of a Shopify customer and order.
// Pure and deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/shopify_client.h"
#include "pipeline/policy.h"

namespace rh::pipeline::stages {

// A field as text: a string as is, anything else as JSON; "" when absent or null.
std::string Str(const nlohmann::json& object, const char* key);
// A flag Gorgias may render as "true"/"True"/"1" or send as a real boolean.
bool Flag(const nlohmann::json& object, const char* key);
// A decimal id, as a number or a string of digits; 0 otherwise.
std::uint64_t Id(const nlohmann::json& object, const char* key);
// The lower-cased e-mail of a message's sender.
std::string SenderEmail(const nlohmann::json& message);

// The ticket's message the pipeline posted under `external_id` (a reply or a note), if the ticket
// as read holds one: a message posted before a crash is not posted again when its event resumes.
const clients::GorgiasMessage* PostedAlready(const clients::GorgiasTicket& ticket, std::string_view external_id);

// The policy's view of an order (what Decide reads), from the Shopify client's order.
OrderFacts ToOrderFacts(const clients::ShopifyOrder& order);
CustomerFacts ToCustomerFacts(const clients::ShopifyCustomerOrders& lookup);
// The order the customer means: the one whose name the message quotes, else the newest.
const clients::ShopifyOrder* ChooseOrder(const std::vector<clients::ShopifyOrder>& orders, std::string_view message);
// "2026-11-22": the store's local date of `t`.
std::string LocalDateText(const Policy& policy, sim::WallTime t);

}  // namespace rh::pipeline::stages
