// Goal: the Shopify mock's GraphQL parser reads what support pipelines send (operations,
// variables with defaults, aliases, arguments of every literal kind, directives, fragments)
// and fails like graphql-ruby, with the token, line and column, without recursing unboundedly.
#include "mocks/shopify/graphql.h"

#include <gtest/gtest.h>

namespace rh::mocks::shopify::graphql {
namespace {

TEST(GraphqlParser, ReadsAnAnonymousQueryWithArgumentsAndAliases) {
  auto doc = Parse(R"({ recent: orders(first: 5, query: "email:bob@example.com", sortKey: CREATED_AT, reverse: true) { edges { node { id } } } })");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  ASSERT_EQ(doc->operations.size(), 1u);
  const Operation& op = doc->operations[0];
  EXPECT_EQ(op.type, Operation::Type::kQuery);
  const Selection& orders = op.selections.at(0);
  EXPECT_EQ(orders.alias, "recent");
  EXPECT_EQ(orders.name, "orders");
  EXPECT_EQ(orders.ResponseKey(), "recent");
  ASSERT_EQ(orders.arguments.size(), 4u);
  EXPECT_EQ(orders.FindArgument("first")->value.kind, Value::Kind::kInt);
  EXPECT_EQ(orders.FindArgument("query")->value.text, "email:bob@example.com");
  EXPECT_EQ(orders.FindArgument("sortKey")->value.kind, Value::Kind::kEnum);
  EXPECT_EQ(orders.FindArgument("reverse")->value.kind, Value::Kind::kBoolean);
  EXPECT_EQ(orders.selections.at(0).selections.at(0).selections.at(0).name, "id");
}

TEST(GraphqlParser, ReadsNamedOperationsVariablesDefaultsAndDirectives) {
  auto doc = Parse(R"(
    # a comment, and commas are whitespace
    query Lookup($email: String!, $first: Int = 10, $ids: [ID!]) @deprecated {
      customers(first: $first, query: $email) @include(if: true) { nodes { id, email } }
    }
    mutation Close($id: ID!) { returnClose(id: $id) { userErrors { message } } })");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  ASSERT_EQ(doc->operations.size(), 2u);
  const Operation& q = doc->operations[0];
  EXPECT_EQ(q.name, "Lookup");
  ASSERT_EQ(q.variables.size(), 3u);
  EXPECT_EQ(q.variables[0].type, "String!");
  EXPECT_TRUE(q.variables[0].non_null);
  EXPECT_EQ(q.variables[1].default_value->text, "10");
  EXPECT_EQ(q.variables[2].type, "[ID!]");
  EXPECT_FALSE(q.variables[2].non_null);
  EXPECT_EQ(q.selections[0].FindArgument("first")->value.kind, Value::Kind::kVariable);
  EXPECT_EQ(q.selections[0].directives.at(0).name, "include");
  EXPECT_EQ(doc->operations[1].type, Operation::Type::kMutation);
}

TEST(GraphqlParser, ReadsListObjectStringAndNumberLiterals) {
  auto doc = Parse(R"(mutation { returnRequest(input: {orderId: "gid://shopify/Order/1", returnLineItems: [{quantity: 1, returnReason: SIZE_TOO_SMALL, customerNote: "caf\u00e9 \"quoted\"\n"}], ratio: -1.5e2, none: null}) { userErrors { code } } })");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const Value& input = doc->operations[0].selections[0].FindArgument("input")->value;
  ASSERT_EQ(input.kind, Value::Kind::kObject);
  ASSERT_EQ(input.fields.size(), 4u);
  const Value& lines = input.fields[1].value;
  ASSERT_EQ(lines.kind, Value::Kind::kList);
  const Value& line = lines.items.at(0);
  EXPECT_EQ(line.fields[1].value.kind, Value::Kind::kEnum);
  EXPECT_EQ(line.fields[2].value.text, "caf\xC3\xA9 \"quoted\"\n");
  EXPECT_EQ(input.fields[2].value.kind, Value::Kind::kFloat);
  EXPECT_EQ(input.fields[2].value.text, "-1.5e2");
  EXPECT_EQ(input.fields[3].value.kind, Value::Kind::kNull);
}

TEST(GraphqlParser, BlockStringsLoseTheirCommonIndentation) {
  auto doc = Parse("{ customers(first: 1, query: \"\"\"\n    email:a@b.c\n      AND tag:vip\n  \"\"\") { nodes { id } } }");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  EXPECT_EQ(doc->operations[0].selections[0].FindArgument("query")->value.text, "email:a@b.c\n  AND tag:vip");
}

TEST(GraphqlParser, FragmentSpreadsBecomeInlineFragments) {
  auto doc = Parse(R"(
    query { order(id: "gid://shopify/Order/1") { ...Basics ... on Order { email } } }
    fragment Basics on Order { name tags })");
  ASSERT_TRUE(doc.has_value()) << doc.error().message;
  const Selection& order = doc->operations[0].selections[0];
  ASSERT_EQ(order.selections.size(), 2u);
  EXPECT_TRUE(order.selections[0].is_inline_fragment);
  EXPECT_FALSE(order.selections[0].is_spread);
  EXPECT_EQ(order.selections[0].selections.at(1).name, "tags");
  EXPECT_EQ(order.selections[1].type_condition, "Order");
}

TEST(GraphqlParser, UnknownAndCyclicFragmentsAreErrors) {
  EXPECT_EQ(Parse("{ shop { ...Missing } }").error().message, "Fragment Missing was used, but not defined");
  EXPECT_EQ(Parse("{ shop { ...A } } fragment A on Shop { ...B } fragment B on Shop { ...A }").error().message,
            "Fragment A contains an infinite loop");
}

TEST(GraphqlParser, ErrorsNameTheTokenLineAndColumn) {
  auto bad = Parse("query {\n  shop { name\n  ) }");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "Parse error on \")\" (RPAREN) at [3, 3]");
  EXPECT_EQ(bad.error().location.line, 3);
  EXPECT_EQ(bad.error().location.column, 3);
  EXPECT_EQ(Parse("{ shop { name }").error().message, "Unexpected end of document");
  EXPECT_EQ(Parse("").error().message, "Unexpected end of document");
  EXPECT_EQ(Parse("{ shop(name: \"open) { id } }").error().message, "Unterminated string");
  EXPECT_EQ(Parse("{ shop { name } } extra").error().message, "Parse error on \"extra\" (IDENTIFIER) at [1, 19]");
}

TEST(GraphqlParser, DeepNestingIsRefusedRatherThanRecursedInto) {
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "{ a ";
  for (int i = 0; i < 500; ++i) deep += "} ";
  auto doc = Parse(deep);
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message, "Query is too deeply nested");
  EXPECT_FALSE(Parse(std::string(200'000, ' ') + "{ shop { name } }").has_value());
}

}  // namespace
}  // namespace rh::mocks::shopify::graphql
