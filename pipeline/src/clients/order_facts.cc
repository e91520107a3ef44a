#include "pipeline/clients/order_facts.h"

#include <set>

namespace rh::pipeline::clients {
namespace {

// "in_transit" -> "in transit".
std::string Words(std::string s) {
  for (char& c : s) c = c == '_' ? ' ' : c;
  return s;
}

// The fulfillment a customer asks about: the newest one that was not cancelled.
const ShopifyFulfillment* LatestFulfillment(const ShopifyOrder& order) {
  const ShopifyFulfillment* best = nullptr;
  for (const ShopifyFulfillment& f : order.fulfillments) {
    if (f.status == "cancelled" || f.status == "failure" || f.status == "error") continue;
    if (best == nullptr || (f.created_at.at && best->created_at.at && *f.created_at.at >= *best->created_at.at)) best = &f;
  }
  return best;
}

}  // namespace

std::string MoneyText(std::int64_t minor, const std::string& currency) {
  const std::string amount = FormatMoney(minor, CurrencyExponent(currency));
  if (currency == "USD" || currency.empty()) return "$" + amount;
  return amount + " " + currency;
}

PromptFacts FactsFromOrder(const ShopifyOrder& order, const std::string& customer_name) {
  PromptFacts f;
  f.order = order.name;
  f.customer_name = customer_name;
  for (const ShopifyLineItem& item : order.line_items) {
    if (!f.items.empty()) f.items += ", ";
    f.items += std::to_string(item.quantity) + "x " + item.title;
    if (!item.sku.empty()) f.items += " (" + item.sku + ")";
  }
  if (order.cancelled()) {
    f.status = "cancelled on " + std::string(order.cancelled_at.Date());
  } else if (const ShopifyFulfillment* ful = LatestFulfillment(order)) {
    f.carrier = ful->tracking_company;
    if (!ful->tracking_numbers.empty()) f.tracking_number = ful->tracking_numbers.front();
    if (!ful->tracking_urls.empty()) f.tracking_url = ful->tracking_urls.front();
    f.status = ful->shipment_status.empty() ? "shipped" : Words(ful->shipment_status);
    f.shipped_date = std::string(ful->created_at.Date());
    if (ful->shipment_status == "delivered") f.delivered_date = std::string(ful->updated_at.Date());
  } else {
    f.status = "not shipped yet";
  }
  std::string refunds;
  for (const ShopifyRefund& r : order.refunds) {
    if (r.amount == 0) continue;
    if (!refunds.empty()) refunds += "; ";
    refunds += MoneyText(r.amount, order.currency) + " refunded on " + std::string(r.created_at.Date());
  }
  f.refund = refunds;
  return f;
}

DraftFacts DraftFactsFromOrder(const ShopifyOrder& order) {
  std::set<std::string> seen;  // ordered: the list prints the same every run
  const int exp = CurrencyExponent(order.currency);
  auto add = [&](std::string id) {
    if (!id.empty()) seen.insert(std::move(id));
  };
  add(order.name);
  for (const ShopifyFulfillment& f : order.fulfillments) {
    for (const std::string& t : f.tracking_numbers) add(t);
  }
  for (std::int64_t amount : {order.total_price, order.subtotal_price, order.total_tax, order.current_total_price}) {
    if (amount != 0) add(FormatMoney(amount, exp));
  }
  for (const ShopifyLineItem& item : order.line_items) {
    if (item.price != 0) add(FormatMoney(item.price, exp));
    if (item.price != 0 && item.quantity > 1) add(FormatMoney(item.price * item.quantity, exp));
  }
  for (const ShopifyRefund& r : order.refunds) {
    if (r.amount != 0) add(FormatMoney(r.amount, exp));
  }
  DraftFacts out{std::vector<std::string>(seen.begin(), seen.end())};
  std::set<std::string> carriers, dates;
  auto date = [&](const Timestamp& t) {
    if (!t.Date().empty()) dates.insert(std::string(t.Date()));
  };
  date(order.created_at);
  date(order.cancelled_at);
  for (const ShopifyFulfillment& f : order.fulfillments) {
    if (!f.tracking_company.empty()) carriers.insert(f.tracking_company);
    date(f.created_at);
    date(f.updated_at);
  }
  for (const ShopifyRefund& r : order.refunds) date(r.created_at);
  out.carriers.assign(carriers.begin(), carriers.end());
  out.dates.assign(dates.begin(), dates.end());
  return out;
}

}  // namespace rh::pipeline::clients
