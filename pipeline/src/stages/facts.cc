#include "facts.h"

#include <cstdio>

#include "../core/text.h"

namespace rh::pipeline::stages {
namespace {

std::optional<sim::WallTime> At(const clients::Timestamp& t) { return t.at; }

}  // namespace

std::string Str(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  return it->is_string() ? it->get<std::string>() : it->dump();
}

bool Flag(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return false;
  auto it = object.find(key);
  if (it == object.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return it->is_string() && (*it == "true" || *it == "True" || *it == "1");
}

std::uint64_t Id(const nlohmann::json& object, const char* key) {
  const std::string s = Str(object, key);
  std::uint64_t out = 0;
  for (char c : s) {
    if (!text::IsDigit(c)) return 0;
    out = out * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return out;
}

std::string SenderEmail(const nlohmann::json& message) {
  if (!message.is_object() || !message.contains("sender")) return {};
  return text::Lower(Str(message["sender"], "email"));
}

OrderFacts ToOrderFacts(const clients::ShopifyOrder& order) {
  OrderFacts f;
  f.created_at = order.created_at.at.value_or(sim::WallTime{});
  f.financial_status = order.financial_status;
  f.cancelled = order.cancelled();
  for (const auto& line : order.line_items) f.lines.push_back({line.sku, ""});
  // The latest fulfillment that still stands.
  const clients::ShopifyFulfillment* latest = nullptr;
  for (const auto& ful : order.fulfillments) {
    if (ful.status == "cancelled" || ful.status == "error" || ful.status == "failure") continue;
    latest = &ful;
  }
  if (latest != nullptr) {
    f.fulfilled_at = At(latest->created_at);
    if (!latest->shipment_status.empty()) {
      f.shipment_status = latest->shipment_status;
      // A carrier event moves the fulfillment's updated_at: it is the last scan.
      f.last_scan_at = At(latest->updated_at);
      if (latest->shipment_status == "delivered") f.delivered_at = At(latest->updated_at);
    }
  }
  for (const auto& r : order.returns) f.open_return = f.open_return || r.open();
  return f;
}

CustomerFacts ToCustomerFacts(const clients::ShopifyCustomerOrders& lookup) {
  CustomerFacts c;
  if (lookup.customer) {
    c.lifetime_value = lookup.customer->total_spent;
    c.orders_count = lookup.customer->orders_count;
  }
  for (const auto& order : lookup.orders) {
    for (const auto& refund : order.refunds) {
      if (refund.created_at.at) c.refunds.push_back(*refund.created_at.at);
    }
  }
  return c;
}

const clients::ShopifyOrder* ChooseOrder(const std::vector<clients::ShopifyOrder>& orders, std::string_view message) {
  for (const auto& order : orders) {
    if (!order.name.empty() && message.find(order.name) != std::string_view::npos) return &order;
  }
  return orders.empty() ? nullptr : &orders.front();
}

std::string LocalDateText(const Policy& policy, sim::WallTime t) {
  const auto ymd = policy.store.timezone.LocalDate(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()));
  return buf;
}

const clients::GorgiasMessage* PostedAlready(const clients::GorgiasTicket& ticket, std::string_view external_id) {
  if (external_id.empty()) return nullptr;
  for (const clients::GorgiasMessage& m : ticket.messages) {
    if (m.external_id == external_id) return &m;
  }
  return nullptr;
}

}  // namespace rh::pipeline::stages
