#include "pipeline/clients/shopify_client.h"

#include <algorithm>

#include "json_read.h"

namespace rh::pipeline::clients {
namespace {

using detail::Json;

constexpr std::string_view kCallLimitHeader = "X-Shopify-Shop-Api-Call-Limit";

std::vector<std::string> SplitTags(const std::string& tags) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= tags.size()) {
    std::size_t end = tags.find(',', start);
    if (end == std::string::npos) end = tags.size();
    std::string tag = tags.substr(start, end - start);
    const auto first = tag.find_first_not_of(' ');
    const auto last = tag.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(tag.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) { return sim::EqualsIgnoreCase(a, b); }

std::vector<std::string> Strings(const Json& j, std::string_view key) {
  std::vector<std::string> out;
  if (const Json* a = detail::Array(j, key)) {
    for (const Json& v : *a) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

ShopifyAddress ParseAddress(const Json& a) {
  ShopifyAddress out;
  out.first_name = detail::Str(a, "first_name");
  out.last_name = detail::Str(a, "last_name");
  out.company = detail::Str(a, "company");
  out.address1 = detail::Str(a, "address1");
  out.address2 = detail::Str(a, "address2");
  out.city = detail::Str(a, "city");
  out.province = detail::Str(a, "province");
  out.province_code = detail::Str(a, "province_code");
  out.zip = detail::Str(a, "zip");
  out.country = detail::Str(a, "country");
  out.country_code = detail::Str(a, "country_code");
  out.phone = detail::Str(a, "phone");
  return out;
}

ShopifyOrder ParseOrder(const Json& o) {
  ShopifyOrder order;
  order.id = detail::U64(o, "id");
  order.name = detail::Str(o, "name");
  order.email = detail::Str(o, "email");
  order.created_at = detail::Time(o, "created_at");
  order.updated_at = detail::Time(o, "updated_at");
  order.processed_at = detail::Time(o, "processed_at");
  order.cancelled_at = detail::Time(o, "cancelled_at");
  order.cancel_reason = detail::Str(o, "cancel_reason");
  order.closed_at = detail::Time(o, "closed_at");
  order.financial_status = detail::Str(o, "financial_status");
  order.fulfillment_status = detail::Str(o, "fulfillment_status");
  order.currency = detail::Str(o, "currency");
  const int exp = CurrencyExponent(order.currency);
  order.total_price = detail::Money(o, "total_price", exp);
  order.subtotal_price = detail::Money(o, "subtotal_price", exp);
  order.total_tax = detail::Money(o, "total_tax", exp);
  order.current_total_price = detail::Money(o, "current_total_price", exp);
  order.tags = SplitTags(detail::Str(o, "tags"));
  order.note = detail::Str(o, "note");
  if (const Json* lines = detail::Array(o, "line_items")) {
    for (const Json& l : *lines) {
      ShopifyLineItem item;
      item.id = detail::U64(l, "id");
      item.sku = detail::Str(l, "sku");
      item.title = detail::Str(l, "title");
      item.variant_title = detail::Str(l, "variant_title");
      item.quantity = detail::Int(l, "quantity");
      item.current_quantity = detail::Int(l, "current_quantity", item.quantity);
      item.fulfillable_quantity = detail::Int(l, "fulfillable_quantity");
      item.fulfillment_status = detail::Str(l, "fulfillment_status");
      item.price = detail::Money(l, "price", exp);
      order.line_items.push_back(std::move(item));
    }
  }
  if (const Json* fs = detail::Array(o, "fulfillments")) {
    for (const Json& f : *fs) {
      ShopifyFulfillment out;
      out.id = detail::U64(f, "id");
      out.name = detail::Str(f, "name");
      out.status = detail::Str(f, "status");
      out.shipment_status = detail::Str(f, "shipment_status");
      out.tracking_company = detail::Str(f, "tracking_company");
      out.tracking_numbers = Strings(f, "tracking_numbers");
      if (out.tracking_numbers.empty() && !detail::Str(f, "tracking_number").empty()) {
        out.tracking_numbers.push_back(detail::Str(f, "tracking_number"));
      }
      out.tracking_urls = Strings(f, "tracking_urls");
      if (out.tracking_urls.empty() && !detail::Str(f, "tracking_url").empty()) {
        out.tracking_urls.push_back(detail::Str(f, "tracking_url"));
      }
      out.created_at = detail::Time(f, "created_at");
      out.updated_at = detail::Time(f, "updated_at");
      if (const Json* lines = detail::Array(f, "line_items")) {
        for (const Json& l : *lines) out.line_items.push_back({detail::U64(l, "id"), detail::Int(l, "quantity")});
      }
      order.fulfillments.push_back(std::move(out));
    }
  }
  if (const Json* rs = detail::Array(o, "refunds")) {
    for (const Json& r : *rs) {
      ShopifyRefund out;
      out.id = detail::U64(r, "id");
      out.created_at = detail::Time(r, "created_at");
      out.note = detail::Str(r, "note");
      if (const Json* txs = detail::Array(r, "transactions")) {
        for (const Json& t : *txs) {
          if (detail::Str(t, "kind") == "refund" && detail::Str(t, "status") == "success") {
            out.amount += detail::Money(t, "amount", exp);
          }
        }
      }
      if (const Json* lines = detail::Array(r, "refund_line_items")) {
        for (const Json& l : *lines) {
          out.line_items.push_back({detail::U64(l, "line_item_id"), detail::Int(l, "quantity"), detail::Str(l, "restock_type")});
        }
      }
      order.refunds.push_back(std::move(out));
    }
  }
  if (const Json* a = detail::Object(o, "shipping_address")) order.shipping_address = ParseAddress(*a);
  if (const Json* c = detail::Object(o, "customer")) order.customer_id = detail::OptU64(*c, "id");
  return order;
}

ShopifyCustomer ParseCustomer(const Json& c) {
  ShopifyCustomer out;
  out.id = detail::U64(c, "id");
  out.email = detail::Str(c, "email");
  out.first_name = detail::Str(c, "first_name");
  out.last_name = detail::Str(c, "last_name");
  out.phone = detail::Str(c, "phone");
  out.state = detail::Str(c, "state");
  out.tags = SplitTags(detail::Str(c, "tags"));
  out.orders_count = detail::I64(c, "orders_count");
  out.currency = detail::Str(c, "currency");
  out.total_spent = detail::Money(c, "total_spent", CurrencyExponent(out.currency));
  out.last_order_id = detail::OptU64(c, "last_order_id");
  out.last_order_name = detail::Str(c, "last_order_name");
  return out;
}

// The resource under `root` of a 2xx body, or kMalformed.
CallResult<Json> Root(const sim::Response& response, std::string_view root) {
  std::optional<Json> doc = detail::ParseJson(response.body);
  if (!doc || !doc->is_object()) return sim::MakeUnexpected(detail::Malformed("the body is not a JSON object"));
  const Json* v = detail::Member(*doc, root);
  if (v == nullptr) return sim::MakeUnexpected(detail::Malformed("the body has no \"" + std::string(root) + "\""));
  return Json(*v);
}

Json AddressJson(const ShopifyAddress& a) {
  Json out = Json::object();
  const std::pair<const char*, const std::string*> fields[] = {
      {"first_name", &a.first_name}, {"last_name", &a.last_name}, {"company", &a.company},
      {"address1", &a.address1},     {"address2", &a.address2},   {"city", &a.city},
      {"province", &a.province},     {"province_code", &a.province_code}, {"zip", &a.zip},
      {"country", &a.country},       {"country_code", &a.country_code},   {"phone", &a.phone}};
  for (const auto& [key, value] : fields) {
    if (!value->empty()) out[key] = *value;
  }
  return out;
}

}  // namespace

std::int64_t ShopifyOrder::RefundedTotal() const {
  std::int64_t total = 0;
  for (const ShopifyRefund& r : refunds) total += r.amount;
  return total;
}

bool IsNotFound(const CallError& error) {
  return error.kind == CallErrorKind::kClientError && error.status == 404;
}

ShopifyClient::ShopifyClient(ShopifyConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                             sim::Trace* trace)
    : config_(std::move(config)),
      caller_(http, executor, rng, trace, "shopify", config_.retry,
              [keep_free = config_.keep_free, window = config_.bucket_drain_window](const sim::Response& response,
                                                                            std::int64_t in_flight) {
                if (response.headers.Has(kCallLimitHeader)) {
                  return LeakyBucketPause(response.headers, kCallLimitHeader, window, keep_free, in_flight);
                }
                // GraphQL carries its cost in the body instead.
                if (response.body.find("\"throttleStatus\"") != std::string::npos) {
                  return ShopifyGraphqlPause(response.body);
                }
                return RateSignal{};
              }) {}

sim::Request ShopifyClient::Make(sim::Method method, std::string path_and_query, std::string body) const {
  sim::Request r;
  r.method = method;
  r.target = "/admin/api/" + config_.api_version + path_and_query;
  r.headers.Set("Host", config_.host);
  r.headers.Set("X-Shopify-Access-Token", config_.access_token);
  r.headers.Set("Accept", "application/json");
  if (!body.empty()) {
    r.headers.Set("Content-Type", "application/json");
    r.body = std::move(body);
  }
  return r;
}

CallOptions ShopifyClient::Options(std::string operation, bool idempotent, std::string rate_key) const {
  // Every token of the app on this store shares the buckets: the store is the account.
  return CallOptions{std::move(operation), config_.host, std::move(rate_key), idempotent};
}

sim::Task<CallResult<std::optional<ShopifyCustomer>>> ShopifyClient::FindCustomerByEmail(std::string email) {
  sim::Request request = Make(sim::Method::kGet, "/customers/search.json?query=" + sim::PercentEncode("email:" + email) +
                                                     "&limit=10");
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.search_customers"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  CallResult<Json> list = Root(*response, "customers");
  if (!list) co_return sim::MakeUnexpected(list.error());
  if (!list->is_array()) co_return sim::MakeUnexpected(detail::Malformed("\"customers\" is not a list"));
  // Search matches loosely; only an exact address is this customer.
  for (const Json& c : *list) {
    if (EqualsIgnoreCase(detail::Str(c, "email"), email)) co_return std::optional<ShopifyCustomer>(ParseCustomer(c));
  }
  co_return std::optional<ShopifyCustomer>();
}

sim::Task<CallResult<std::vector<ShopifyOrder>>> ShopifyClient::CustomerOrders(std::uint64_t customer_id, int limit) {
  limit = std::clamp(limit, 1, 250);
  // status=any: the default (open) would hide cancelled and closed orders.
  sim::Request request = Make(sim::Method::kGet, "/customers/" + std::to_string(customer_id) +
                                                     "/orders.json?status=any&limit=" + std::to_string(limit));
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.customer_orders"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  CallResult<Json> list = Root(*response, "orders");
  if (!list) co_return sim::MakeUnexpected(list.error());
  if (!list->is_array()) co_return sim::MakeUnexpected(detail::Malformed("\"orders\" is not a list"));
  std::vector<ShopifyOrder> orders;
  for (const Json& o : *list) orders.push_back(ParseOrder(o));
  // Newest first, whatever order the service listed them in (ties: the higher id).
  std::stable_sort(orders.begin(), orders.end(), [](const ShopifyOrder& a, const ShopifyOrder& b) {
    if (a.created_at.at && b.created_at.at && *a.created_at.at != *b.created_at.at) return *a.created_at.at > *b.created_at.at;
    return a.id > b.id;
  });
  co_return orders;
}

sim::Task<CallResult<ShopifyCustomerOrders>> ShopifyClient::LookupByEmail(std::string email) {
  ShopifyCustomerOrders out;
  sim::Task<CallResult<std::optional<ShopifyCustomer>>> finding = FindCustomerByEmail(email);
  CallResult<std::optional<ShopifyCustomer>> customer = co_await std::move(finding);
  if (!customer) co_return sim::MakeUnexpected(customer.error());
  if (!customer->has_value()) co_return out;
  out.customer = **customer;
  sim::Task<CallResult<std::vector<ShopifyOrder>>> listing = CustomerOrders(out.customer->id, config_.latest_orders);
  CallResult<std::vector<ShopifyOrder>> orders = co_await std::move(listing);
  if (!orders) co_return sim::MakeUnexpected(orders.error());
  out.orders = std::move(*orders);
  co_return out;
}

sim::Task<CallResult<std::optional<ShopifyOrder>>> ShopifyClient::FindOrderByName(std::string name) {
  sim::Request request = Make(sim::Method::kGet, "/orders.json?status=any&name=" + sim::PercentEncode(name));
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.order_by_name"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  CallResult<Json> list = Root(*response, "orders");
  if (!list) co_return sim::MakeUnexpected(list.error());
  if (!list->is_array()) co_return sim::MakeUnexpected(detail::Malformed("\"orders\" is not a list"));
  for (const Json& o : *list) {
    ShopifyOrder order = ParseOrder(o);
    if (order.name == name) co_return std::optional<ShopifyOrder>(std::move(order));
  }
  co_return std::optional<ShopifyOrder>();
}

sim::Task<CallResult<ShopifyOrder>> ShopifyClient::GetOrder(std::uint64_t order_id, bool with_returns) {
  sim::Request request = Make(sim::Method::kGet, "/orders/" + std::to_string(order_id) + ".json");
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.get_order"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  CallResult<Json> root = Root(*response, "order");
  if (!root) co_return sim::MakeUnexpected(root.error());
  if (!root->is_object()) co_return sim::MakeUnexpected(detail::Malformed("\"order\" is not an object"));
  ShopifyOrder order = ParseOrder(*root);
  if (with_returns) {
    sim::Task<CallResult<std::vector<ShopifyReturn>>> reading = OrderReturns(order_id);
    CallResult<std::vector<ShopifyReturn>> returns = co_await std::move(reading);
    if (!returns) co_return sim::MakeUnexpected(returns.error());
    order.returns = std::move(*returns);
    order.returns_known = true;
  }
  co_return order;
}

sim::Task<CallResult<std::vector<ShopifyReturn>>> ShopifyClient::OrderReturns(std::uint64_t order_id) {
  // Returns exist only in GraphQL. 20 is far more returns than one order has; the cost stays small.
  const Json body = {
      {"query", "query OrderReturns($id: ID!) { order(id: $id) { returns(first: 20) { nodes { id name status } } } }"},
      {"variables", {{"id", "gid://shopify/Order/" + std::to_string(order_id)}}}};
  sim::Request request = Make(sim::Method::kPost, "/graphql.json", body.dump());
  // A query is a read even though it is a POST.
  sim::Task<CallResult<sim::Response>> calling =
      caller_.Call(std::move(request), Options("shopify.order_returns", true, "graphql"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  std::optional<Json> doc = detail::ParseJson(response->body);
  if (!doc || !doc->is_object()) co_return sim::MakeUnexpected(detail::Malformed("the GraphQL body is not JSON"));
  const Json* data = detail::Object(*doc, "data");
  if (data == nullptr) {
    // Errors without data (ACCESS_DENIED, a query the schema refuses): a final answer.
    CallError e;
    e.kind = CallErrorKind::kClientError;
    e.status = response->status;
    e.body = response->body.substr(0, 4096);
    e.detail = "GraphQL errors without data";
    co_return sim::MakeUnexpected(e);
  }
  const Json* order = detail::Object(*data, "order");
  if (order == nullptr) {
    CallError e;
    e.kind = CallErrorKind::kClientError;
    e.status = 404;
    e.detail = "no order " + std::to_string(order_id);
    co_return sim::MakeUnexpected(e);
  }
  std::vector<ShopifyReturn> out;
  const Json* returns = detail::Object(*order, "returns");
  const Json* nodes = returns != nullptr ? detail::Array(*returns, "nodes") : nullptr;
  if (nodes == nullptr) co_return sim::MakeUnexpected(detail::Malformed("order.returns.nodes is missing"));
  for (const Json& r : *nodes) {
    out.push_back({detail::Str(r, "id"), detail::Str(r, "name"), detail::Str(r, "status")});
  }
  co_return out;
}

sim::Task<CallResult<ShopifyOrder>> ShopifyClient::CancelOrder(std::uint64_t order_id, ShopifyCancel cancel) {
  const Json body = {{"reason", cancel.reason}, {"email", cancel.notify_customer}};
  sim::Request request = Make(sim::Method::kPost, "/orders/" + std::to_string(order_id) + "/cancel.json", body.dump());
  // Safe to repeat: a second cancel changes nothing (Shopify answers 422), reconciled below.
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.cancel_order"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) {
    const CallError error = response.error();
    // An earlier attempt may have cancelled it and lost the answer: the 422 of a later one then
    // means success. Read the order to know.
    if (error.kind == CallErrorKind::kClientError && error.status == 422 && error.attempts > 1) {
      sim::Task<CallResult<ShopifyOrder>> reading = GetOrder(order_id, false);
      CallResult<ShopifyOrder> order = co_await std::move(reading);
      caller_.Note("client.reconciled", {{"service", caller_.service()},
                                         {"op", "shopify.cancel_order"},
                                         {"order_id", std::to_string(order_id)},
                                         {"found", order.has_value() && order->cancelled()}});
      if (order && order->cancelled()) co_return std::move(*order);
    }
    co_return sim::MakeUnexpected(error);
  }
  CallResult<Json> root = Root(*response, "order");
  if (!root) co_return sim::MakeUnexpected(root.error());
  if (!root->is_object()) co_return sim::MakeUnexpected(detail::Malformed("\"order\" is not an object"));
  co_return ParseOrder(*root);
}

sim::Task<CallResult<ShopifyOrder>> ShopifyClient::UpdateShippingAddress(std::uint64_t order_id, ShopifyAddress address) {
  const Json body = {{"order", {{"id", order_id}, {"shipping_address", AddressJson(address)}}}};
  sim::Request request = Make(sim::Method::kPut, "/orders/" + std::to_string(order_id) + ".json", body.dump());
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("shopify.update_address"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  CallResult<Json> root = Root(*response, "order");
  if (!root) co_return sim::MakeUnexpected(root.error());
  if (!root->is_object()) co_return sim::MakeUnexpected(detail::Malformed("\"order\" is not an object"));
  co_return ParseOrder(*root);
}

}  // namespace rh::pipeline::clients
