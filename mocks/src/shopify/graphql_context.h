// What the GraphQL endpoint's parts share (graphql_exec.cc, graphql_cost.cc, the resolvers): one
// request's execution context (the core, the action, the bound variables, the field errors met so
// far), the error shape, and argument values read against the variables. Internal to
// mocks/src/shopify; runs with the mock's mutex held.
#pragma once

#include <string>
#include <vector>

#include "core.h"
#include "mocks/shopify/graphql.h"

namespace rh::mocks::shopify::detail::gql {

using graphql::Selection;
using graphql::Value;

inline OrderedJson Locations(graphql::Location at) {
  return OrderedJson::array({OrderedJson{{"line", at.line}, {"column", at.column}}});
}

// One entry of the response's "errors", as graphql-ruby writes it.
struct GqlError {
  std::string message;
  graphql::Location location;
  OrderedJson path = OrderedJson::array();
  OrderedJson extensions;  // null: none

  OrderedJson ToJson() const {
    OrderedJson e;
    e["message"] = message;
    e["locations"] = Locations(location);
    if (!path.empty()) e["path"] = path;
    if (!extensions.is_null()) e["extensions"] = extensions;
    return e;
  }
};

// One request's execution: resolvers read the state through `core`, mutations produce webhooks
// through `action`, and a field that fails adds to `errors` (the response still has data).
struct Exec {
  Core& core;
  Action& action;
  Json variables;
  std::vector<GqlError> errors;
};

// A literal or variable as JSON; a variable not in `variables` is null and, when `undefined` is
// given, named there.
Json ToJson(const Value& v, const Json& variables, std::vector<std::string>* undefined);
// False when @include(if: false) or @skip(if: true) leaves the selection out.
bool Included(const Selection& s, const Json& variables);
// The field's arguments as a JSON object.
Json ArgsOf(Exec& ex, const Selection& s, std::vector<std::string>* undefined);

}  // namespace rh::mocks::shopify::detail::gql
