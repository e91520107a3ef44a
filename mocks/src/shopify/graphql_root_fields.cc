// The GraphQL root fields: the lookups of QueryRoot (by global id, and the orders and customers
// connections) and the return mutations, which change the state through the core's return
// functions and answer a payload with userErrors.
#include "graphql_resolvers.h"

#include <algorithm>

namespace rh::mocks::shopify::detail::gql {

namespace {

std::optional<Obj> ByGid(Exec& ex, const Selection& field, std::string_view type, const Json& args) {
  const std::string gid = args.contains("id") && args["id"].is_string() ? args["id"].get<std::string>() : "";
  if (gid.rfind("gid://shopify/", 0) != 0) {
    ex.errors.push_back({"Invalid global id '" + gid + "'", field.location,
                         OrderedJson::array({std::string(field.ResponseKey())}),
                         OrderedJson{{"code", "argumentLiteralsIncompatible"}}});
    return std::nullopt;
  }
  const std::optional<Id> id = ParseGid(type, gid);
  if (!id) return std::nullopt;
  if (type == "Order") {
    if (const Order* o = ex.core.FindOrder(*id)) return OrderV{o};
  } else if (type == "Customer") {
    if (const Customer* c = ex.core.FindCustomer(*id)) return CustomerV{c};
  } else if (type == "Return") {
    auto [o, r] = ex.core.FindReturn(*id);
    if (r) return ReturnV{o, r};
  } else if (type == "Fulfillment") {
    auto [o, f] = ex.core.FindFulfillment(*id);
    if (f) return FulfillmentV{o, f};
  } else if (type == "FulfillmentOrder") {
    auto [o, fo] = ex.core.FindFulfillmentOrder(*id);
    if (fo) return FoV{o, fo};
  }
  return std::nullopt;
}

}  // namespace

Resolved ResolveQueryRoot(Exec& ex, const Selection& field, const Json& args) {
  const std::string_view f = field.name;
  if (f == "order") return Object(ByGid(ex, field, "Order", args));
  if (f == "customer") return Object(ByGid(ex, field, "Customer", args));
  if (f == "return") return Object(ByGid(ex, field, "Return", args));
  if (f == "fulfillment") return Object(ByGid(ex, field, "Fulfillment", args));
  if (f == "fulfillmentOrder") return Object(ByGid(ex, field, "FulfillmentOrder", args));
  if (f == "shop") return Object(ShopV{});
  if (f == "orders") {
    std::vector<const Order*> all;
    for (const auto& [id, o] : ex.core.state.orders) all.push_back(&o);
    return OrderConnection(ex, std::move(all), args);
  }
  if (f == "customers") {
    std::vector<const Customer*> all;
    const std::string query = args.contains("query") && args["query"].is_string() ? args["query"].get<std::string>() : "";
    for (const auto& [id, c] : ex.core.state.customers) {
      if (query.empty() || CustomerMatches(ex.core, c, query)) all.push_back(&c);
    }
    const std::string sort = args.contains("sortKey") && args["sortKey"].is_string() ? args["sortKey"].get<std::string>() : "ID";
    std::stable_sort(all.begin(), all.end(), [&](const Customer* a, const Customer* b) {
      if (sort == "NAME") {
        const std::string na = ToLower(a->first_name + " " + a->last_name);
        const std::string nb = ToLower(b->first_name + " " + b->last_name);
        if (na != nb) return na < nb;
      } else if (sort == "CREATED_AT" && a->created_at != b->created_at) {
        return a->created_at < b->created_at;
      } else if (sort == "UPDATED_AT" && a->updated_at != b->updated_at) {
        return a->updated_at < b->updated_at;
      }
      return a->id < b->id;
    });
    if ((args.contains("reverse") && args["reverse"].is_boolean() && args["reverse"].get<bool>())) std::reverse(all.begin(), all.end());
    Resolved r;
    for (const Customer* c : all) {
      r.items.push_back(CustomerV{c});
      r.keys.push_back(CursorOf(c->id));
    }
    return r;
  }
  return Scalar(nullptr);
}

namespace {

std::optional<Id> GidArg(const Json& obj, const char* key, std::string_view type) {
  if (!obj.is_object() || !obj.contains(key) || !obj[key].is_string()) return std::nullopt;
  return ParseGid(type, obj[key].get<std::string>());
}

PayloadV NotFoundPayload(std::vector<std::string> field, std::string message) {
  PayloadV p{nullptr, nullptr, {}};
  p.errors.push_back({std::move(field), std::move(message), "NOT_FOUND"});
  return p;
}

}  // namespace

Resolved ResolveMutation(Exec& ex, const Selection& field, const Json& args) {
  const std::string_view f = field.name;
  Core& core = ex.core;
  if (f == "returnRequest" || f == "returnCreate") {
    const bool open = f == "returnCreate";
    const char* root = open ? "returnInput" : "input";
    const Json& in = args.contains(root) ? args[root] : Json::object();
    const std::optional<Id> order_id = GidArg(in, "orderId", "Order");
    Order* order = order_id ? core.FindOrder(*order_id) : nullptr;
    if (!order) return Object(NotFoundPayload({root, "orderId"}, "Order does not exist."));
    std::vector<ReturnLineInput> lines;
    if (in.contains("returnLineItems") && in["returnLineItems"].is_array()) {
      for (const auto& l : in["returnLineItems"]) {
        ReturnLineInput li;
        li.fulfillment_line_id = GidArg(l, "fulfillmentLineItemId", "FulfillmentLineItem").value_or(0);
        li.quantity = l.contains("quantity") && l["quantity"].is_number_integer() ? l["quantity"].get<int>() : 0;
        li.reason = l.contains("returnReason") && l["returnReason"].is_string() ? l["returnReason"].get<std::string>() : "UNKNOWN";
        if (l.contains("returnReasonNote") && l["returnReasonNote"].is_string()) li.reason_note = l["returnReasonNote"].get<std::string>();
        if (l.contains("customerNote") && l["customerNote"].is_string()) li.customer_note = l["customerNote"].get<std::string>();
        lines.push_back(std::move(li));
      }
    }
    auto made = CreateReturn(core, ex.action, *order, lines, open);
    if (!made) {
      PayloadV p{nullptr, nullptr, {made.error()}};
      p.errors.front().field.insert(p.errors.front().field.begin(), root);
      return Object(p);
    }
    return Object(PayloadV{order, *made, {}});
  }
  std::string verb;
  const Json* id_holder = &args;
  std::vector<std::string> id_field = {"id"};
  if (f == "returnApproveRequest") verb = "approve";
  if (f == "returnDeclineRequest") verb = "decline";
  if (f == "returnClose") verb = "close";
  if (f == "returnReopen") verb = "reopen";
  if (f == "returnCancel") verb = "cancel";
  if (f == "returnApproveRequest" || f == "returnDeclineRequest") {
    id_holder = args.contains("input") ? &args["input"] : &args;
    id_field = {"input", "id"};
  }
  const std::optional<Id> return_id = GidArg(*id_holder, "id", "Return");
  auto [order, ret] = core.FindReturn(return_id.value_or(0));
  if (!ret) return Object(NotFoundPayload(id_field, "Return does not exist."));
  std::optional<std::string> decline_reason;
  if (verb == "decline" && id_holder->contains("declineReason") && (*id_holder)["declineReason"].is_string()) {
    decline_reason = (*id_holder)["declineReason"].get<std::string>();
  }
  if (auto error = TransitionReturn(core, ex.action, *order, *ret, verb, decline_reason)) {
    error->field = id_field;
    return Object(PayloadV{nullptr, nullptr, {*error}});
  }
  if (verb == "decline" && id_holder->contains("declineNote") && (*id_holder)["declineNote"].is_string()) {
    ret->decline_note = (*id_holder)["declineNote"].get<std::string>();
  }
  return Object(PayloadV{order, ret, {}});
}

}  // namespace rh::mocks::shopify::detail::gql
