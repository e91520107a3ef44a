// A small GraphQL parser for the Shopify mock: enough of the October 2021 spec for what a
// support pipeline sends to the Admin API. Operations (query, mutation, the anonymous `{ ... }`
// form), variable definitions with defaults, selection sets, fields with aliases and arguments
// (variables, int, float, string and block-string, boolean, null, enum, list and object
// literals), the @include/@skip directives, named fragments with spreads and inline fragments.
// Errors carry the line and column of the offending token, and the message follows
// graphql-ruby's wording, which is what Shopify answers with.
// It validates syntax only; the schema, costs and execution live with the mock.
// Deterministic, no I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/expected.h"

namespace rh::mocks::shopify::graphql {

struct Location {
  int line = 1;
  int column = 1;
};

struct ObjectField;

struct Value {
  enum class Kind { kNull, kInt, kFloat, kString, kBoolean, kEnum, kList, kObject, kVariable };
  Kind kind = Kind::kNull;
  // kInt and kFloat: the literal text; kString: the decoded string; kEnum: the name;
  // kVariable: the variable name without '$'; kBoolean: "true" or "false".
  std::string text;
  std::vector<Value> items;                           // kList
  std::vector<ObjectField> fields;                    // kObject, in source order
  Location location;
};

// One `name: value` of an object value. A struct rather than std::pair: pair's traits need
// Value complete where Value's own members are declared, which clang refuses.
struct ObjectField {
  std::string name;
  Value value;
};

struct Argument {
  std::string name;
  Value value;
  Location location;
};

struct Directive {
  std::string name;
  std::vector<Argument> arguments;
  Location location;
};

// A field, or an inline fragment (is_inline_fragment, type_condition optional) whose selections
// apply to the same object. Parse replaces every fragment spread by an inline fragment holding
// the fragment's selections, so callers never see is_spread set.
struct Selection {
  std::string alias;  // empty when none
  std::string name;
  std::vector<Argument> arguments;
  std::vector<Directive> directives;
  std::vector<Selection> selections;
  bool is_spread = false;
  bool is_inline_fragment = false;
  std::string type_condition;
  Location location;

  std::string_view ResponseKey() const { return alias.empty() ? name : alias; }
  const Argument* FindArgument(std::string_view arg) const;
};

struct VariableDefinition {
  std::string name;
  std::string type;  // as written, e.g. "String!" or "[ID!]"
  bool non_null = false;
  std::optional<Value> default_value;
  Location location;
};

struct FragmentDefinition {
  std::string name;
  std::string type_condition;
  std::vector<Selection> selections;
  Location location;
};

struct Operation {
  enum class Type { kQuery, kMutation, kSubscription };
  Type type = Type::kQuery;
  std::string name;  // empty for anonymous operations
  std::vector<VariableDefinition> variables;
  std::vector<Directive> directives;
  std::vector<Selection> selections;
  Location location;
};

struct Document {
  std::vector<Operation> operations;
  std::vector<FragmentDefinition> fragments;
};

struct ParseError {
  std::string message;  // "Parse error on \"}\" (RCURLY) at [1, 15]"
  Location location;
};

// Parses a document. Fragment spreads become inline fragments (an unknown fragment or a cycle
// is an error). Directives are kept for the executor (@include/@skip need variables). Limits: 100,000 characters of source and
// a nesting depth of 64, beyond which it answers with an error rather than recursing further.
sim::Expected<Document, ParseError> Parse(std::string_view source);

}  // namespace rh::mocks::shopify::graphql
