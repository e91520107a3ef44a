// Goal: the GraphQL endpoint answers the lookups a support pipeline makes (customers by e-mail
// with their orders, orders by e-mail, an order by id with line items, fulfillments and
// customer), with Shopify's cost extension on every response, graphql-ruby's parse and
// validation errors as HTTP 200, a real 401 for a bad token, and the return mutations (which
// also block a REST cancel while a return is open); on both transports.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include "shopify_test_support.h"

namespace rh::mocks::shopify::testing {
namespace {

template <class W>
class ShopifyGraphql : public ShopifyWorldTest<W> {
 protected:
  Json Query(const std::string& query, const Json& variables = Json::object()) {
    const sim::Response r = this->Send(Graphql(query, variables));
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
};
TYPED_TEST_SUITE(ShopifyGraphql, Worlds, WorldNames);

TYPED_TEST(ShopifyGraphql, CustomersByEmailWithTheirOrders) {
  this->StartSeeded();
  const Json body = this->Query(R"(
    query FindCustomer($q: String!) {
      customers(first: 5, query: $q) {
        edges { node {
          id email firstName lastName numberOfOrders
          amountSpent { amount currencyCode }
          tags
          orders(first: 5, sortKey: CREATED_AT, reverse: true) { edges { node { name displayFinancialStatus } } }
        } }
      }
    })", {{"q", "email:bob@example.com"}});
  ASSERT_FALSE(body.contains("errors")) << body.dump();
  const Json& edges = body["data"]["customers"]["edges"];
  ASSERT_EQ(edges.size(), 1u);
  const Json& bob = edges[0]["node"];
  EXPECT_EQ(bob["id"], "gid://shopify/Customer/" + std::to_string(this->seeded_.bob));
  EXPECT_EQ(bob["firstName"], "Bob");
  EXPECT_EQ(bob["numberOfOrders"], "2");
  EXPECT_EQ(bob["amountSpent"], Json::parse(R"({"amount":"108.97","currencyCode":"USD"})"));
  EXPECT_EQ(bob["tags"], Json::parse(R"(["vip","wholesale"])"));
  EXPECT_EQ(bob["orders"]["edges"][0]["node"]["name"], "#1002");
  EXPECT_EQ(bob["orders"]["edges"][1]["node"]["name"], "#1001");
  EXPECT_EQ(bob["orders"]["edges"][1]["node"]["displayFinancialStatus"], "PAID");
  const Json& cost = body["extensions"]["cost"];
  // 2 + 5 x (customer 1 + amountSpent 1 + orders (2 + 5 x 1)).
  EXPECT_EQ(cost["requestedQueryCost"], 47);
  // 2 + 1 x (1 + 1 + (2 + 2 x 1)).
  EXPECT_EQ(cost["actualQueryCost"], 8);
  EXPECT_EQ(cost["throttleStatus"]["currentlyAvailable"], 1992);
  EXPECT_EQ(cost["throttleStatus"]["maximumAvailable"], 2000.0);
  EXPECT_EQ(cost["throttleStatus"]["restoreRate"], 100.0);
}

TYPED_TEST(ShopifyGraphql, OrdersByEmailQuery) {
  this->StartSeeded();
  const Json body = this->Query(R"({ orders(first: 10, query: "email:alice@example.com") { nodes { name email displayFinancialStatus } } })");
  EXPECT_EQ(body["data"]["orders"]["nodes"],
            Json::parse(R"([{"name":"#1003","email":"alice@example.com","displayFinancialStatus":"AUTHORIZED"}])"));
}

TYPED_TEST(ShopifyGraphql, OrderByIdWithLineItemsFulfillmentsAndCustomer) {
  this->StartSeeded();
  const Json body = this->Query(R"(query($id: ID!) {
    order(id: $id) {
      name createdAt displayFinancialStatus displayFulfillmentStatus cancelledAt
      totalPriceSet { shopMoney { amount currencyCode } }
      lineItems(first: 10) { edges { node { id title quantity sku } } }
      fulfillments { trackingInfo { number company url } displayStatus status createdAt }
      customer { email firstName }
      tags email
    } })", {{"id", "gid://shopify/Order/" + std::to_string(this->seeded_.fulfilled_order)}});
  ASSERT_FALSE(body.contains("errors")) << body.dump();
  const Json& o = body["data"]["order"];
  EXPECT_EQ(o["name"], "#1002");
  EXPECT_EQ(o["createdAt"], "2026-03-05T14:00:00Z");
  EXPECT_EQ(o["displayFinancialStatus"], "PAID");
  EXPECT_EQ(o["displayFulfillmentStatus"], "FULFILLED");
  EXPECT_TRUE(o["cancelledAt"].is_null());
  // Shopify's Decimal drops trailing zeros but keeps one.
  EXPECT_EQ(o["totalPriceSet"]["shopMoney"]["amount"], "49.0");
  ASSERT_EQ(o["lineItems"]["edges"].size(), 2u);
  EXPECT_EQ(o["lineItems"]["edges"][0]["node"]["sku"], "MUG-1");
  EXPECT_EQ(o["lineItems"]["edges"][0]["node"]["quantity"], 2);
  EXPECT_EQ(o["lineItems"]["edges"][0]["node"]["id"].template get<std::string>().rfind("gid://shopify/LineItem/", 0), 0u);
  const Json& f = o["fulfillments"][0];
  EXPECT_EQ(f["trackingInfo"][0]["company"], "UPS");
  EXPECT_EQ(f["trackingInfo"][0]["number"], "1Z999AA10123456784");
  EXPECT_EQ(f["displayStatus"], "IN_TRANSIT");
  EXPECT_EQ(f["status"], "SUCCESS");
  EXPECT_EQ(o["customer"]["email"], "bob@example.com");
  EXPECT_EQ(o["tags"], Json::array());
  const Json missing = this->Query(R"({ order(id: "gid://shopify/Order/1") { name } })");
  EXPECT_TRUE(missing["data"]["order"].is_null());
}

TYPED_TEST(ShopifyGraphql, ConnectionsPageWithCursors) {
  this->StartSeeded();
  const Json first = this->Query("{ orders(first: 2) { edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }");
  const Json& page = first["data"]["orders"];
  EXPECT_EQ(page["edges"][0]["node"]["name"], "#1001");
  EXPECT_TRUE(page["pageInfo"]["hasNextPage"].template get<bool>());
  EXPECT_FALSE(page["pageInfo"]["hasPreviousPage"].template get<bool>());
  const Json second = this->Query("query($after: String) { orders(first: 2, after: $after) { nodes { name } pageInfo { hasNextPage hasPreviousPage } } }",
                                  {{"after", page["pageInfo"]["endCursor"]}});
  EXPECT_EQ(second["data"]["orders"]["nodes"], Json::parse(R"([{"name":"#1003"}])"));
  EXPECT_FALSE(second["data"]["orders"]["pageInfo"]["hasNextPage"].template get<bool>());
  EXPECT_TRUE(second["data"]["orders"]["pageInfo"]["hasPreviousPage"].template get<bool>());
}

TYPED_TEST(ShopifyGraphql, ParseErrorsAreAnErrorsArrayWithLocations) {
  this->StartSeeded();
  const Json body = this->Query("{\n  customers(first: 5 { id }\n}");
  ASSERT_TRUE(body.contains("errors"));
  EXPECT_FALSE(body.contains("data"));
  EXPECT_EQ(body["errors"][0]["message"], "Parse error on \"{\" (LCURLY) at [2, 22]");
  EXPECT_EQ(body["errors"][0]["locations"], Json::parse(R"([{"line":2,"column":22}])"));
  EXPECT_TRUE(body["extensions"].contains("cost"));
}

TYPED_TEST(ShopifyGraphql, ValidationErrorsNameTheFieldAndType) {
  this->StartSeeded();
  const Json unknown = this->Query("{ shop { nmae } }");
  EXPECT_EQ(unknown["errors"][0]["message"], "Field 'nmae' doesn't exist on type 'Shop'");
  EXPECT_EQ(unknown["errors"][0]["extensions"]["code"], "undefinedField");
  EXPECT_EQ(unknown["errors"][0]["path"], Json::parse(R"(["query","shop","nmae"])"));
  const Json no_first = this->Query("{ orders { nodes { id } } }");
  EXPECT_EQ(no_first["errors"][0]["message"], "you must provide one of first or last");
  const Json no_id = this->Query("{ order { name } }");
  EXPECT_EQ(no_id["errors"][0]["message"], "Field 'order' is missing required arguments: id");
  const Json no_var = this->Query("query($id: ID!) { order(id: $id) { name } }");
  EXPECT_EQ(no_var["errors"][0]["message"], "Variable $id of type ID! was provided invalid value");
  const Json no_selection = this->Query("{ shop }");
  EXPECT_EQ(no_selection["errors"][0]["extensions"]["code"], "selectionMismatch");
}

TYPED_TEST(ShopifyGraphql, ABadTokenIs401AndAMissingQueryIs400) {
  this->StartSeeded();
  const sim::Response r = this->Send(Graphql("{ shop { name } }", Json::object(), "shpat_wrong"));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Body(r)["errors"], "[API] Invalid API key or access token (unrecognized login or wrong password)");
  const sim::Response empty = this->Send(Post("/graphql.json", R"({"variables":{}})"));
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(Body(empty), Json::parse(R"({"errors":{"query":"Required parameter missing or invalid"}})"));
}

TYPED_TEST(ShopifyGraphql, ApplicationGraphqlBodiesAndAliasesWork) {
  this->StartSeeded();
  sim::Request r = Api(sim::Method::kPost, "/graphql.json");
  r.headers.Set("Content-Type", "application/graphql");
  r.body = "{ store: shop { domain: myshopifyDomain } __typename }";
  const Json body = Body(this->Send(r));
  EXPECT_EQ(body["data"], Json::parse(R"({"store":{"domain":"rehearsal-demo.myshopify.com"},"__typename":"QueryRoot"})"));
}

TYPED_TEST(ShopifyGraphql, ReturnsAreRequestedApprovedAndClosedAndAnOpenReturnBlocksCancel) {
  this->Start();
  const sim::Moment now = this->world().Now();
  // Authorized, so only the open return stands in the way of a cancel.
  const Id order = *this->mock().SeedOrder(Json::parse(R"({"email":"dana@example.com","financial_status":"authorized",
      "fulfillment_status":"fulfilled","line_items":[{"title":"Boots","sku":"BT-9","price":"80.00","quantity":2}]})"), now);
  const std::string gid = "gid://shopify/Order/" + std::to_string(order);
  const Json lookup = this->Query(R"(query($id: ID!) { order(id: $id) { fulfillments { fulfillmentLineItems(first: 5) { nodes { id quantity } } } } })",
                                  {{"id", gid}});
  const Json fli = lookup["data"]["order"]["fulfillments"][0]["fulfillmentLineItems"]["nodes"][0];
  EXPECT_EQ(fli["quantity"], 2);
  const std::string request = R"(mutation($input: ReturnRequestInput!) {
      returnRequest(input: $input) { return { id status name } userErrors { field message code } } })";
  const Json too_many = this->Query(request, {{"input", {{"orderId", gid}, {"returnLineItems", Json::array({{{"fulfillmentLineItemId", fli["id"]}, {"quantity", 3}, {"returnReason", "SIZE_TOO_SMALL"}}})}}}});
  EXPECT_TRUE(too_many["data"]["returnRequest"]["return"].is_null());
  EXPECT_EQ(too_many["data"]["returnRequest"]["userErrors"][0]["field"], Json::parse(R"(["input","returnLineItems","0","quantity"])"));
  const Json made = this->Query(request, {{"input", {{"orderId", gid}, {"returnLineItems", Json::array({{{"fulfillmentLineItemId", fli["id"]}, {"quantity", 1}, {"returnReason", "SIZE_TOO_SMALL"}, {"customerNote", "too tight"}}})}}}});
  ASSERT_TRUE(made["data"]["returnRequest"]["userErrors"].empty()) << made.dump();
  const Json ret = made["data"]["returnRequest"]["return"];
  EXPECT_EQ(ret["status"], "REQUESTED");
  EXPECT_EQ(ret["name"], "#1001-R1");
  EXPECT_EQ(made["extensions"]["cost"]["requestedQueryCost"], 10);

  const sim::Response refused = this->Send(Post("/orders/" + std::to_string(order) + "/cancel.json", ""));
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(Body(refused), Json::parse(R"({"errors":{"base":["Order has an open return and can't be canceled"]}})"));

  const Json close_early = this->Query(R"(mutation($id: ID!) { returnClose(id: $id) { return { status } userErrors { code message } } })", {{"id", ret["id"]}});
  EXPECT_EQ(close_early["data"]["returnClose"]["userErrors"][0]["code"], "INVALID_STATE");
  const Json approved = this->Query(R"(mutation($id: ID!) { returnApproveRequest(input: {id: $id}) { return { status } userErrors { code } } })", {{"id", ret["id"]}});
  EXPECT_EQ(approved["data"]["returnApproveRequest"]["return"]["status"], "OPEN");
  const Json status = this->Query(R"(query($id: ID!) { order(id: $id) { returnStatus returns(first: 5) { nodes { status returnLineItems(first: 5) { nodes { quantity returnReason customerNote } } } } } })", {{"id", gid}});
  EXPECT_EQ(status["data"]["order"]["returnStatus"], "IN_PROGRESS");
  EXPECT_EQ(status["data"]["order"]["returns"]["nodes"][0]["returnLineItems"]["nodes"][0],
            Json::parse(R"({"quantity":1,"returnReason":"SIZE_TOO_SMALL","customerNote":"too tight"})"));
  const Json closed = this->Query(R"(mutation($id: ID!) { returnClose(id: $id) { return { status closedAt } userErrors { code } } })", {{"id", ret["id"]}});
  EXPECT_EQ(closed["data"]["returnClose"]["return"]["status"], "CLOSED");
  EXPECT_EQ(this->Send(Post("/orders/" + std::to_string(order) + "/cancel.json", "")).status, 200);
}

}  // namespace
}  // namespace rh::mocks::shopify::testing
