// Shopify's calculated query cost and the cost bucket's answers (graphql_cost.cc): the walk that
// validates a document and adds up its requested cost, the `extensions.cost` block with the
// throttle status, and the MAX_COST_EXCEEDED and THROTTLED responses. Internal to
// mocks/src/shopify; runs with the mock's mutex held; deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "graphql_context.h"

namespace rh::mocks::shopify::detail::gql {

inline constexpr int kMaxQueryCost = 1000;
inline constexpr int kMaxPageSize = 250;
inline constexpr int kMutationCost = 10;

// Validates selections against the schema (graphql-ruby's messages) while adding up their
// requested cost; every problem found is in `errors`, in document order.
struct Validator {
  Exec& ex;
  std::vector<GqlError> errors;
  std::string operation_label;  // "query" / "mutation" or the operation's name

  OrderedJson PathWith(const OrderedJson& path, std::string_view key);
  // Requested cost of `selections` on `type`.
  std::int64_t Cost(std::string_view type, const std::vector<Selection>& selections, const OrderedJson& path,
                    bool root_mutation = false);
  // The cost of one node of a connection: edges.node and nodes each count as an object.
  std::int64_t NodeCost(std::string_view node_type, const std::vector<Selection>& selections, const OrderedJson& path);
};

// {"cost": {requestedQueryCost, actualQueryCost, throttleStatus}} as of the action's time.
OrderedJson CostExtension(Core& core, const Action& action, std::int64_t requested, OrderedJson actual);
// A query over the single-query cost limit: refused before the bucket is touched (200 with errors).
sim::Response MaxCostExceeded(Core& core, Action& action, std::int64_t requested);
// A query the bucket cannot pay for now: HTTP 200 with THROTTLED, nothing taken.
sim::Response Throttled(Core& core, Action& action, std::int64_t requested, const TokenBucket::Decision& decision);

}  // namespace rh::mocks::shopify::detail::gql
