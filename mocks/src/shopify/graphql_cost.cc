// Shopify's calculated query cost: the requested cost, computed by the walk that also validates
// the document against the schema (scalar 0, object 1, connection 2 + first x node, mutation 10);
// the cost block with the bucket's throttle status that every response carries; and the two
// refusals, a query above the single-query limit and a bucket that cannot pay now. The actual
// cost is counted by execution (graphql_exec.cc), which refunds the difference.
#include "graphql_cost.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "graphql_schema.h"

namespace rh::mocks::shopify::detail::gql {

OrderedJson Validator::PathWith(const OrderedJson& path, std::string_view key) {
  OrderedJson p = path;
  p.push_back(std::string(key));
  return p;
}

// Requested cost of `selections` on `type`.
std::int64_t Validator::Cost(std::string_view type, const std::vector<Selection>& selections, const OrderedJson& path, bool root_mutation) {
  std::int64_t cost = 0;
  const auto& schema = Schema();
  const TypeSpec& spec = schema.find(type)->second;
  for (const auto& s : selections) {
    if (!Included(s, ex.variables)) continue;
    if (s.is_inline_fragment) {
      cost += Cost(type, s.selections, path, root_mutation);
      continue;
    }
    if (s.name == "__typename") continue;
    const OrderedJson here = PathWith(path, s.ResponseKey());
    const auto it = spec.find(s.name);
    if (it == spec.end()) {
      errors.push_back({"Field '" + s.name + "' doesn't exist on type '" + std::string(type) + "'", s.location, here,
                        OrderedJson{{"code", "undefinedField"}, {"typeName", type}, {"fieldName", s.name}}});
      continue;
    }
    const FieldSpec& field = it->second;
    std::vector<std::string> undefined;
    const Json args = ArgsOf(ex, s, &undefined);
    for (const auto& name : undefined) {
      errors.push_back({"Variable $" + name + " is used by " + operation_label + " but not declared", s.location, here,
                        OrderedJson{{"code", "variableNotDefined"}, {"variableName", name}}});
    }
    std::vector<std::string> missing;
    for (auto req : field.required_args) {
      if (!args.contains(std::string(req)) || args[std::string(req)].is_null()) missing.emplace_back(req);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      errors.push_back({"Field '" + s.name + "' is missing required arguments: " + list, s.location, here,
                        OrderedJson{{"code", "missingRequiredArguments"}, {"className", "Field"}, {"name", s.name}, {"arguments", list}}});
    }
    if (field.kind == Kind::kScalar) {
      if (!s.selections.empty()) {
        errors.push_back({"Selections can't be made on scalars (field '" + s.name + "' returns " + std::string(field.type) + " but has selections [" + s.selections.front().name + "])",
                          s.location, here, OrderedJson{{"code", "selectionMismatch"}, {"nodeName", "field '" + s.name + "'"}, {"typeName", field.type}}});
      }
      continue;
    }
    if (s.selections.empty()) {
      errors.push_back({"Field must have selections (field '" + s.name + "' returns " + std::string(field.type) +
                            " but has no selections. Did you mean '" + s.name + " { ... }'?)",
                        s.location, here, OrderedJson{{"code", "selectionMismatch"}, {"nodeName", "field '" + s.name + "'"}, {"typeName", field.type}}});
      continue;
    }
    if (field.kind == Kind::kConnection) {
      const bool has_first = args.contains("first") && args["first"].is_number_integer();
      const bool has_last = args.contains("last") && args["last"].is_number_integer();
      if (!has_first && !has_last) {
        errors.push_back({"you must provide one of first or last", s.location, here, nullptr});
        continue;
      }
      const std::int64_t n = has_first ? args["first"].get<std::int64_t>() : args["last"].get<std::int64_t>();
      if (n < 0 || n > kMaxPageSize) {
        errors.push_back({std::string("The maximum value of ") + (has_first ? "first" : "last") + " is " + std::to_string(kMaxPageSize) + ".",
                          s.location, here, nullptr});
        continue;
      }
      cost += 2 + n * NodeCost(field.type, s.selections, here);
    } else {
      const std::int64_t inner = 1 + Cost(field.type, s.selections, here);
      cost += root_mutation ? kMutationCost : inner;
    }
  }
  return cost;
}

// The cost of one node of a connection: edges.node and nodes each count as an object.
std::int64_t Validator::NodeCost(std::string_view node_type, const std::vector<Selection>& selections, const OrderedJson& path) {
  std::int64_t cost = 0;
  for (const auto& s : selections) {
    if (!Included(s, ex.variables)) continue;
    if (s.is_inline_fragment) {
      cost += NodeCost(node_type, s.selections, path);
      continue;
    }
    const OrderedJson here = PathWith(path, s.ResponseKey());
    if (s.name == "__typename") continue;
    if (s.name == "nodes") {
      cost += 1 + Cost(node_type, s.selections, here);
    } else if (s.name == "edges") {
      for (const auto& e : s.selections) {
        if (!Included(e, ex.variables) || e.name == "cursor" || e.name == "__typename") continue;
        if (e.name == "node") {
          cost += 1 + Cost(node_type, e.selections, PathWith(here, e.ResponseKey()));
        } else {
          errors.push_back({"Field '" + e.name + "' doesn't exist on type '" + std::string(node_type) + "Edge'", e.location,
                            PathWith(here, e.ResponseKey()),
                            OrderedJson{{"code", "undefinedField"}, {"typeName", std::string(node_type) + "Edge"}, {"fieldName", e.name}}});
        }
      }
    } else if (s.name == "pageInfo") {
      for (const auto& p : s.selections) {
        static constexpr std::array<std::string_view, 5> kPageInfo = {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor", "__typename"};
        if (std::find(kPageInfo.begin(), kPageInfo.end(), p.name) == kPageInfo.end()) {
          errors.push_back({"Field '" + p.name + "' doesn't exist on type 'PageInfo'", p.location, PathWith(here, p.ResponseKey()),
                            OrderedJson{{"code", "undefinedField"}, {"typeName", "PageInfo"}, {"fieldName", p.name}}});
        }
      }
    } else {
      errors.push_back({"Field '" + s.name + "' doesn't exist on type '" + std::string(node_type) + "Connection'", s.location, here,
                        OrderedJson{{"code", "undefinedField"}, {"typeName", std::string(node_type) + "Connection"}, {"fieldName", s.name}}});
    }
  }
  return cost;
}

OrderedJson CostExtension(Core& core, const Action& action, std::int64_t requested, OrderedJson actual) {
  const TokenBucket::Config& cfg = core.graphql_bucket.config();
  OrderedJson throttle;
  throttle["maximumAvailable"] = static_cast<double>(cfg.capacity);
  throttle["currentlyAvailable"] = static_cast<std::int64_t>(std::floor(core.graphql_bucket.Available(action.now.monotonic)));
  throttle["restoreRate"] = static_cast<double>(cfg.refill_per_second);
  OrderedJson cost;
  cost["requestedQueryCost"] = requested;
  cost["actualQueryCost"] = std::move(actual);
  cost["throttleStatus"] = std::move(throttle);
  return OrderedJson{{"cost", std::move(cost)}};
}

// A query over the single-query cost limit: refused before the bucket is touched (200 with errors).
sim::Response MaxCostExceeded(Core& core, Action& action, std::int64_t requested) {
  action.rate_limit_note = "graphql max cost exceeded requested=" + std::to_string(requested);
  OrderedJson error;
  error["message"] = "Query cost is " + std::to_string(requested) +
                     ", which exceeds the single query max cost limit (" + std::to_string(kMaxQueryCost) +
                     ").\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                     "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                     "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n";
  error["extensions"] = {{"code", "MAX_COST_EXCEEDED"},
                         {"cost", requested},
                         {"maxCost", kMaxQueryCost},
                         {"documentation", "https://shopify.dev/api/usage/rate-limits"}};
  OrderedJson body;
  body["errors"] = OrderedJson::array({error});
  body["extensions"] = CostExtension(core, action, requested, nullptr);
  return JsonResponse(200, body);
}

// A query the bucket cannot pay for now: HTTP 200 with THROTTLED, nothing taken.
sim::Response Throttled(Core& core, Action& action, std::int64_t requested, const TokenBucket::Decision& decision) {
  action.rate_limit_note = "graphql throttled requested=" + std::to_string(requested) + " available=" +
                           std::to_string(static_cast<std::int64_t>(decision.available));
  OrderedJson error;
  error["message"] = "Throttled";
  error["extensions"] = {{"code", "THROTTLED"}, {"documentation", "https://shopify.dev/api/usage/rate-limits"}};
  OrderedJson body;
  body["errors"] = OrderedJson::array({error});
  body["extensions"] = CostExtension(core, action, requested, nullptr);
  return JsonResponse(200, body);
}

}  // namespace rh::mocks::shopify::detail::gql
