// The GraphQL Admin API's schema as the mock knows it: for every type, its fields, what each
// returns (a scalar, an object, a list or a connection of a named type) and its required
// arguments. Built once, read by validation, the cost walk and execution. Internal to
// mocks/src/shopify; immutable after the first call, so safe from any thread.
#pragma once

#include <map>
#include <string_view>
#include <vector>

namespace rh::mocks::shopify::detail::gql {

enum class Kind { kScalar, kObject, kList, kConnection };

struct FieldSpec {
  Kind kind = Kind::kScalar;
  std::string_view type;  // object, list element or connection node type; scalars: the scalar
  std::vector<std::string_view> required_args;
};

using TypeSpec = std::map<std::string_view, FieldSpec, std::less<>>;
using SchemaTable = std::map<std::string_view, TypeSpec, std::less<>>;

// Every type by name: QueryRoot, Mutation, the return payloads, Order, Customer... (graphql_schema.cc).
const SchemaTable& Schema();

}  // namespace rh::mocks::shopify::detail::gql
