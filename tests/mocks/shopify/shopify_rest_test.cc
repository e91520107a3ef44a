// Goal: every REST endpoint of the Shopify mock answers as the reference says, through the same
// handler in memory and over loopback: the orders listing and its filters, get/count/update/
// close/open/cancel, customers, fulfillment orders and fulfillments, carrier events, refunds,
// webhook subscriptions; and every bad input gets the real status and body and changes nothing.
#include "mocks/shopify/shopify_mock.h"

#include <gtest/gtest.h>

#include "shopify_test_support.h"

namespace rh::mocks::shopify::testing {
namespace {

template <class W>
class ShopifyRest : public ShopifyWorldTest<W> {};
TYPED_TEST_SUITE(ShopifyRest, Worlds, WorldNames);

constexpr Id kTwoTo53 = 9'007'199'254'740'992ULL;

std::vector<std::string> Names(const Json& orders) {
  std::vector<std::string> out;
  for (const auto& o : orders) out.push_back(o["name"].template get<std::string>());
  return out;
}

std::string Ids(std::initializer_list<Id> ids) {
  std::string out;
  for (Id id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

// ---- Orders ----

TYPED_TEST(ShopifyRest, OrdersListShowsOnlyOpenOrdersNewestFirstByDefault) {
  this->StartSeeded();
  ASSERT_EQ(this->Send(Post("/orders/" + std::to_string(this->seeded_.alice_order) + "/close.json", "")).status, 200);
  const sim::Response r = this->Send(Get("/orders.json"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Names(Body(r)["orders"]), (std::vector<std::string>{"#1002", "#1001"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?status=any")))["orders"]),
            (std::vector<std::string>{"#1003", "#1002", "#1001"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?status=closed")))["orders"]), (std::vector<std::string>{"#1003"}));
  // An unknown status value is ignored, as Shopify ignores values it does not know.
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?status=all")))["orders"]),
            (std::vector<std::string>{"#1002", "#1001"}));
}

TYPED_TEST(ShopifyRest, OrdersListFiltersByFinancialAndFulfillmentStatus) {
  this->StartSeeded();
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?financial_status=paid")))["orders"]),
            (std::vector<std::string>{"#1002", "#1001"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?financial_status=unpaid")))["orders"]),
            (std::vector<std::string>{"#1003"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?fulfillment_status=shipped")))["orders"]),
            (std::vector<std::string>{"#1002"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?fulfillment_status=unfulfilled")))["orders"]),
            (std::vector<std::string>{"#1003", "#1001"}));
}

TYPED_TEST(ShopifyRest, OrdersListFiltersByIdsSinceIdDatesAndName) {
  this->StartSeeded();
  const Seeded& s = this->seeded_;
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?ids=" + Ids({s.open_order, s.alice_order}))))["orders"]),
            (std::vector<std::string>{"#1003", "#1001"}));
  // since_id lists ascending ids after it.
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?since_id=" + std::to_string(s.open_order))))["orders"]),
            (std::vector<std::string>{"#1002", "#1003"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?created_at_min=2026-03-04T00:00:00-05:00&created_at_max=2026-03-05T23:00:00-05:00")))["orders"]),
            (std::vector<std::string>{"#1002"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?created_at_min=2026-03-06")))["orders"]), (std::vector<std::string>{"#1003"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?name=%231002")))["orders"]), (std::vector<std::string>{"#1002"}));
  const sim::Response bad = this->Send(Get("/orders.json?created_at_min=yesterday"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"created_at_min":"Invalid value."}})"));
}

TYPED_TEST(ShopifyRest, OrdersListIgnoresTheEmailFilterUnlessAScenarioHonoursIt) {
  this->StartSeeded();
  EXPECT_EQ(Body(this->Send(Get("/orders.json?email=alice@example.com")))["orders"].size(), 3u);
  this->mock().SetOrdersEmailFilter(OrdersEmailFilter::kHonored);
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?email=alice@example.com")))["orders"]),
            (std::vector<std::string>{"#1003"}));
}

TYPED_TEST(ShopifyRest, OrdersListRefusesALimitAbove250) {
  this->StartSeeded();
  const sim::Response r = this->Send(Get("/orders.json?limit=251"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r), Json::parse(R"({"errors":{"limit":"Invalid value."}})"));
  EXPECT_EQ(this->Send(Get("/orders.json?limit=250")).status, 200);
}

TYPED_TEST(ShopifyRest, GetOrderHasTheReferenceShape) {
  this->StartSeeded();
  const Json o = this->Order(this->seeded_.open_order);
  ASSERT_TRUE(o["id"].is_number_unsigned());
  EXPECT_GT(o["id"].template get<Id>(), kTwoTo53);
  EXPECT_EQ(o["admin_graphql_api_id"], "gid://shopify/Order/" + std::to_string(this->seeded_.open_order));
  EXPECT_EQ(o["name"], "#1001");
  EXPECT_EQ(o["order_number"], 1001);
  EXPECT_EQ(o["email"], "bob@example.com");
  EXPECT_EQ(o["created_at"], "2026-03-02T10:00:00-05:00");
  EXPECT_EQ(o["financial_status"], "paid");
  EXPECT_TRUE(o["fulfillment_status"].is_null());
  EXPECT_EQ(o["total_price"], "59.97");
  EXPECT_EQ(o["subtotal_price"], "54.99");
  EXPECT_EQ(o["total_tax"], "4.98");
  EXPECT_EQ(o["total_price_set"]["shop_money"], Json::parse(R"({"amount":"59.97","currency_code":"USD"})"));
  EXPECT_EQ(o["total_outstanding"], "0.00");
  EXPECT_EQ(o["tags"], "vip, gift");
  EXPECT_EQ(o["note_attributes"][0]["name"], "gift_message");
  const Json& line = o["line_items"][0];
  EXPECT_GT(line["id"].template get<Id>(), kTwoTo53);
  EXPECT_EQ(line["price"], "54.99");
  EXPECT_EQ(line["sku"], "HD-M-BLK");
  EXPECT_EQ(line["fulfillable_quantity"], 1);
  const Json& customer = o["customer"];
  EXPECT_EQ(customer["id"], this->seeded_.bob);
  EXPECT_EQ(customer["email"], "bob@example.com");
  // The order-embedded customer lacks the statistics (removed in 2022-04).
  EXPECT_FALSE(customer.contains("orders_count"));
  EXPECT_FALSE(customer.contains("total_spent"));
  EXPECT_FALSE(customer.contains("last_order_id"));
  EXPECT_FALSE(customer.contains("last_order_name"));
  // The ids are emitted as integer literals, never quoted or in exponent form.
  const std::string raw = this->Send(Get("/orders/" + std::to_string(this->seeded_.open_order) + ".json")).body;
  EXPECT_NE(raw.find("\"id\":" + std::to_string(this->seeded_.open_order) + ","), std::string::npos);
}

TYPED_TEST(ShopifyRest, GetOrderHonoursFieldsAndAnswers404ForUnknownIds) {
  this->StartSeeded();
  const sim::Response r = this->Send(Get("/orders/" + std::to_string(this->seeded_.open_order) + ".json?fields=id,name,tags"));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Body(r)["order"],
            Json({{"id", this->seeded_.open_order}, {"name", "#1001"}, {"tags", "vip, gift"}}));
  const sim::Response missing = this->Send(Get("/orders/9007199254740993.json"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Body(missing), Json::parse(R"({"errors":"Not Found"})"));
  EXPECT_EQ(this->Send(Get("/orders/not-a-number.json")).status, 404);
}

TYPED_TEST(ShopifyRest, OrdersCountUsesTheListingFilters) {
  this->StartSeeded();
  EXPECT_EQ(Body(this->Send(Get("/orders/count.json"))), Json::parse(R"({"count":3})"));
  EXPECT_EQ(Body(this->Send(Get("/orders/count.json?financial_status=authorized"))), Json::parse(R"({"count":1})"));
}

TYPED_TEST(ShopifyRest, UpdateOrderReplacesTagsNoteAttributesAndAddress) {
  this->StartSeeded();
  const std::string path = "/orders/" + std::to_string(this->seeded_.open_order) + ".json";
  const sim::Response r = this->Send(Put(path, R"({"order":{"id":1,"tags":"escalated, refund-pending","note":"called twice",
      "note_attributes":[{"name":"colour","value":"red"}],"email":"bob.norman@example.com","shipping_address":{"address1":"1 New St"}}})"));
  ASSERT_EQ(r.status, 200);
  const Json o = Body(r)["order"];
  EXPECT_EQ(o["tags"], "escalated, refund-pending");
  EXPECT_EQ(o["note"], "called twice");
  EXPECT_EQ(o["note_attributes"], Json::parse(R"([{"name":"colour","value":"red"}])"));
  EXPECT_EQ(o["email"], "bob.norman@example.com");
  EXPECT_EQ(o["shipping_address"]["address1"], "1 New St");
  EXPECT_EQ(o["shipping_address"]["city"], "Louisville");
  EXPECT_EQ(o["updated_at"], sim::FormatRfc3339(this->world().Now().wall, std::chrono::minutes(-300), 0));
  const sim::Response bad = this->Send(Put(path, R"({"order":{"email":"not-an-address"}})"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"email":["is invalid"]}})"));
  EXPECT_EQ(this->Order(this->seeded_.open_order)["email"], "bob.norman@example.com");
}

TYPED_TEST(ShopifyRest, UpdateOrderRefusesAnAddressFieldOfTheWrongTypeAndKeepsANumberAsText) {
  this->StartSeeded();
  const std::string path = "/orders/" + std::to_string(this->seeded_.open_order) + ".json";
  const Json before = this->Order(this->seeded_.open_order)["shipping_address"];
  for (const char* field : {R"("address1":{"line":"1 New St"})", R"("city":["Louisville"])", R"("zip":true)",
                            R"("latitude":"north")"}) {
    const sim::Response bad =
        this->Send(Put(path, std::string(R"({"order":{"shipping_address":{)") + field + "}}}"));
    EXPECT_EQ(bad.status, 422) << field;
    EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"shipping_address":["is invalid"]}})")) << field;
  }
  EXPECT_EQ(this->Order(this->seeded_.open_order)["shipping_address"], before);
  const sim::Response ok = this->Send(Put(path, R"({"order":{"shipping_address":{"zip":40202,"latitude":38.25}}})"));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Body(ok)["order"]["shipping_address"]["zip"], "40202");
  EXPECT_EQ(Body(ok)["order"]["shipping_address"]["latitude"], 38.25);
}

TYPED_TEST(ShopifyRest, CloseAndOpenSetAndClearClosedAt) {
  this->StartSeeded();
  const std::string base = "/orders/" + std::to_string(this->seeded_.open_order);
  const Json closed = Body(this->Send(Post(base + "/close.json", "")))["order"];
  EXPECT_FALSE(closed["closed_at"].is_null());
  const Json opened = Body(this->Send(Post(base + "/open.json", "{}")))["order"];
  EXPECT_TRUE(opened["closed_at"].is_null());
}

TYPED_TEST(ShopifyRest, CancelBeforeFulfillmentRefundsThePaymentAndSetsCancelledAt) {
  this->StartSeeded();
  const sim::Response r = this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json",
                                          R"({"reason":"customer","email":true})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json body = Body(r);
  EXPECT_EQ(body["notice"], "Order has been canceled");
  const Json& o = body["order"];
  EXPECT_FALSE(o["cancelled_at"].is_null());
  EXPECT_EQ(o["cancel_reason"], "customer");
  EXPECT_TRUE(o["closed_at"].is_null());
  EXPECT_EQ(o["financial_status"], "refunded");
  ASSERT_EQ(o["refunds"].size(), 1u);
  EXPECT_EQ(o["refunds"][0]["transactions"][0]["amount"], "59.97");
  EXPECT_EQ(o["refunds"][0]["transactions"][0]["kind"], "refund");
  EXPECT_EQ(o["line_items"][0]["fulfillable_quantity"], 0);
  // Cancelled orders leave the default listing.
  EXPECT_EQ(Names(Body(this->Send(Get("/orders.json?status=cancelled")))["orders"]), (std::vector<std::string>{"#1001"}));
  const sim::Response again = this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json", ""));
  EXPECT_EQ(again.status, 422);
}

TYPED_TEST(ShopifyRest, CancelIsRefusedForAPaidFulfilledOrderAndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response r = this->Send(Post("/orders/" + std::to_string(this->seeded_.fulfilled_order) + "/cancel.json", "{}"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r), Json::parse(R"({"errors":{"base":["Orders that are paid and have fulfillments can't be canceled"]}})"));
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, CancelOfAnAuthorizedOrderVoidsIt) {
  this->StartSeeded();
  const Json o = Body(this->Send(Post("/orders/" + std::to_string(this->seeded_.alice_order) + "/cancel.json", "")))["order"];
  EXPECT_EQ(o["financial_status"], "voided");
  EXPECT_EQ(o["cancel_reason"], "other");
  EXPECT_TRUE(o["refunds"].empty());
}

TYPED_TEST(ShopifyRest, CancelWithAnAmountRefundsPartOfThePayment) {
  this->StartSeeded();
  const Json o = Body(this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json",
                                      R"({"amount":"10.00","currency":"USD"})")))["order"];
  EXPECT_EQ(o["financial_status"], "partially_refunded");
  const sim::Response bad = this->Send(Post("/orders/" + std::to_string(this->seeded_.alice_order) + "/cancel.json",
                                            R"({"reason":"bored"})"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"reason":["is not included in the list"]}})"));
}

// ---- Customers ----

TYPED_TEST(ShopifyRest, CustomerSearchByEmailThenTheirOrdersWithStatusAny) {
  this->StartSeeded();
  ASSERT_EQ(this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/close.json", "")).status, 200);
  const Json found = Body(this->Send(Get("/customers/search.json?query=email:bob@example.com")))["customers"];
  ASSERT_EQ(found.size(), 1u);
  const Id bob = found[0]["id"].template get<Id>();
  EXPECT_EQ(bob, this->seeded_.bob);
  // Default status is open: the closed order is hidden until status=any.
  EXPECT_EQ(Names(Body(this->Send(Get("/customers/" + std::to_string(bob) + "/orders.json")))["orders"]),
            (std::vector<std::string>{"#1002"}));
  EXPECT_EQ(Names(Body(this->Send(Get("/customers/" + std::to_string(bob) + "/orders.json?status=any")))["orders"]),
            (std::vector<std::string>{"#1002", "#1001"}));
  EXPECT_EQ(Body(this->Send(Get("/customers/search.json?query=email:nobody@example.com"))), Json::parse(R"({"customers":[]})"));
}

TYPED_TEST(ShopifyRest, CustomerSearchByTagLastNameAndWildcard) {
  this->StartSeeded();
  auto emails = [&](const std::string& q) {
    std::vector<std::string> out;
    const Json body = Body(this->Send(Get("/customers/search.json?query=" + sim::PercentEncode(q))));
    for (const auto& c : body["customers"]) {
      out.push_back(c["email"].template get<std::string>());
    }
    return out;
  };
  EXPECT_EQ(emails("customer_tag:VIP"), (std::vector<std::string>{"bob@example.com"}));
  EXPECT_EQ(emails("last_name:Liddell"), (std::vector<std::string>{"alice@example.com"}));
  EXPECT_EQ(emails("email:*@example.com"), (std::vector<std::string>{"alice@example.com", "bob@example.com"}));
}

TYPED_TEST(ShopifyRest, CustomerResourceCarriesOrderStatistics) {
  this->StartSeeded();
  const sim::Response r = this->Send(Get("/customers/" + std::to_string(this->seeded_.bob) + ".json"));
  ASSERT_EQ(r.status, 200);
  const Json c = Body(r)["customer"];
  EXPECT_EQ(c["orders_count"], 2);
  EXPECT_EQ(c["total_spent"], "108.97");
  EXPECT_EQ(c["last_order_id"], this->seeded_.fulfilled_order);
  EXPECT_EQ(c["last_order_name"], "#1002");
  EXPECT_EQ(c["tags"], "vip, wholesale");
  EXPECT_EQ(c["default_address"]["city"], "Louisville");
  EXPECT_EQ(this->Send(Get("/customers/12.json")).status, 404);
}

// ---- Fulfillment orders and fulfillments ----

TYPED_TEST(ShopifyRest, FulfillmentOrderHoldAndReleaseAndRefusalWhenNotOpen) {
  this->StartSeeded();
  const Json fos = Body(this->Send(Get("/orders/" + std::to_string(this->seeded_.alice_order) + "/fulfillment_orders.json")))["fulfillment_orders"];
  ASSERT_EQ(fos.size(), 1u);
  EXPECT_EQ(fos[0]["status"], "open");
  EXPECT_EQ(fos[0]["line_items"][0]["fulfillable_quantity"], 1);
  const std::string fo = "/fulfillment_orders/" + std::to_string(fos[0]["id"].template get<Id>());
  const Json held = Body(this->Send(Post(fo + "/hold.json", R"({"fulfillment_hold":{"reason":"awaiting_payment","reason_notes":"card declined"}})")));
  EXPECT_EQ(held["fulfillment_order"]["status"], "on_hold");
  EXPECT_EQ(held["fulfillment_order"]["fulfillment_holds"][0]["reason"], "awaiting_payment");
  const sim::Response again = this->Send(Post(fo + "/hold.json", R"({"fulfillment_hold":{"reason":"other"}})"));
  EXPECT_EQ(again.status, 422);
  EXPECT_EQ(Body(again), Json::parse(R"({"errors":["The fulfillment order is not in an open state."]})"));
  const sim::Response ship = this->Send(Post("/fulfillments.json",
      R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" + std::to_string(fos[0]["id"].template get<Id>()) + "}]}}"));
  EXPECT_EQ(ship.status, 422);
  EXPECT_EQ(Body(this->Send(Post(fo + "/release_hold.json", "")))["fulfillment_order"]["status"], "open");
  EXPECT_EQ(Body(this->Send(Post(fo + "/move.json", R"({"fulfillment_order":{"new_location_id":77}})")))["moved_fulfillment_order"]["assigned_location_id"], 77);
  EXPECT_EQ(Body(this->Send(Post(fo + "/close.json", "")))["fulfillment_order"]["status"], "closed");
  EXPECT_EQ(this->Send(Post(fo + "/cancel.json", "")).status, 422);
  EXPECT_EQ(this->Send(Post(fo + "/teleport.json", "")).status, 404);
  const sim::Response not_scheduled = this->Send(Post(fo + "/open.json", ""));
  EXPECT_EQ(not_scheduled.status, 422);
  EXPECT_EQ(Body(not_scheduled), Json::parse(R"({"errors":["The fulfillment order is not in a scheduled state."]})"));
  EXPECT_EQ(this->Send(Post(fo + "/reschedule.json", R"({"fulfillment_order":{"new_fulfill_at":"2026-04-01T10:00:00-05:00"}})")).status, 422);
}

TYPED_TEST(ShopifyRest, CreatingAFulfillmentWithTrackingFulfilsTheOrder) {
  this->StartSeeded();
  const Id order = this->seeded_.open_order;
  const Json fo = Body(this->Send(Get("/orders/" + std::to_string(order) + "/fulfillment_orders.json")))["fulfillment_orders"][0];
  const sim::Response r = this->Send(Post("/fulfillments.json",
      R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" + std::to_string(fo["id"].template get<Id>()) +
      R"(}],"tracking_info":{"number":"1Z1234512345123456","company":"UPS"},"notify_customer":false}})"));
  ASSERT_EQ(r.status, 201) << r.body;
  const Json f = Body(r)["fulfillment"];
  EXPECT_EQ(f["status"], "success");
  EXPECT_EQ(f["name"], "#1001.1");
  EXPECT_TRUE(f["shipment_status"].is_null());
  EXPECT_EQ(f["tracking_numbers"], Json::array({"1Z1234512345123456"}));
  EXPECT_EQ(f["tracking_url"], "https://www.ups.com/WebTracking?loc=en_US&requester=ST&trackNums=1Z1234512345123456");
  const Json o = this->Order(order);
  EXPECT_EQ(o["fulfillment_status"], "fulfilled");
  EXPECT_EQ(o["line_items"][0]["fulfillable_quantity"], 0);
  EXPECT_EQ(Body(this->Send(Get("/fulfillment_orders/" + std::to_string(fo["id"].template get<Id>()) + ".json")))["fulfillment_order"]["status"], "closed");
  const Json listed = Body(this->Send(Get("/orders/" + std::to_string(order) + "/fulfillments.json")))["fulfillments"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(Body(this->Send(Get("/orders/" + std::to_string(order) + "/fulfillments/" + std::to_string(f["id"].template get<Id>()) + ".json")))["fulfillment"]["id"], f["id"]);
  // Nothing is left to send.
  EXPECT_EQ(this->Send(Post("/fulfillments.json",
      R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" + std::to_string(fo["id"].template get<Id>()) + "}]}}")).status, 422);
}

TYPED_TEST(ShopifyRest, PartialFulfillmentByFulfillmentOrderLineItems) {
  this->StartSeeded();
  // A fresh order with two units.
  const Id order = *this->mock().SeedOrder(Json::parse(R"({"email":"carol@example.com","line_items":[{"title":"Sock","price":"5.00","quantity":2}]})"),
                                           this->world().Now());
  const Json fo = Body(this->Send(Get("/orders/" + std::to_string(order) + "/fulfillment_orders.json")))["fulfillment_orders"][0];
  const std::string body = R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" + std::to_string(fo["id"].template get<Id>()) +
                           R"(,"fulfillment_order_line_items":[{"id":)" + std::to_string(fo["line_items"][0]["id"].template get<Id>()) + R"(,"quantity":1}]}]}})";
  ASSERT_EQ(this->Send(Post("/fulfillments.json", body)).status, 201);
  EXPECT_EQ(this->Order(order)["fulfillment_status"], "partial");
  EXPECT_EQ(Body(this->Send(Get("/fulfillment_orders/" + std::to_string(fo["id"].template get<Id>()) + ".json")))["fulfillment_order"]["status"], "in_progress");
  const std::string too_many = R"({"fulfillment":{"line_items_by_fulfillment_order":[{"fulfillment_order_id":)" + std::to_string(fo["id"].template get<Id>()) +
                               R"(,"fulfillment_order_line_items":[{"id":)" + std::to_string(fo["line_items"][0]["id"].template get<Id>()) + R"(,"quantity":2}]}]}})";
  EXPECT_EQ(this->Send(Post("/fulfillments.json", too_many)).status, 422);
}

TYPED_TEST(ShopifyRest, UpdateTrackingAndCancelAFulfillment) {
  this->StartSeeded();
  const Json f = this->Order(this->seeded_.fulfilled_order)["fulfillments"][0];
  const std::string base = "/fulfillments/" + std::to_string(f["id"].template get<Id>());
  const Json updated = Body(this->Send(Post(base + "/update_tracking.json",
      R"({"fulfillment":{"tracking_info":{"number":"9400100000000000000000","company":"USPS"},"notify_customer":true}})")))["fulfillment"];
  EXPECT_EQ(updated["tracking_company"], "USPS");
  EXPECT_EQ(updated["tracking_number"], "9400100000000000000000");
  EXPECT_EQ(updated["tracking_url"], "https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000000");
  EXPECT_EQ(this->Send(Post(base + "/update_tracking.json", R"({"fulfillment":{}})")).status, 422);
  const Json cancelled = Body(this->Send(Post(base + "/cancel.json", "")))["fulfillment"];
  EXPECT_EQ(cancelled["status"], "cancelled");
  const Json o = this->Order(this->seeded_.fulfilled_order);
  EXPECT_TRUE(o["fulfillment_status"].is_null());
  EXPECT_EQ(o["line_items"][0]["fulfillable_quantity"], 2);
  EXPECT_EQ(this->Send(Post(base + "/cancel.json", "")).status, 422);
  // Now unfulfilled, the paid order can be cancelled.
  EXPECT_EQ(this->Send(Post("/orders/" + std::to_string(this->seeded_.fulfilled_order) + "/cancel.json", "")).status, 200);
}

TYPED_TEST(ShopifyRest, CarrierEventsAdvanceShipmentStatusThroughTheRealValues) {
  this->StartSeeded();
  const Id order = this->seeded_.fulfilled_order;
  const Id fid = this->Order(order)["fulfillments"][0]["id"].template get<Id>();
  const std::string events = "/orders/" + std::to_string(order) + "/fulfillments/" + std::to_string(fid) + "/events.json";
  for (const char* status : {"label_printed", "label_purchased", "confirmed", "carrier_picked_up", "in_transit", "delayed",
                             "out_for_delivery", "attempted_delivery", "ready_for_pickup", "picked_up", "failure", "delivered"}) {
    const sim::Response r = this->Send(Post(events, std::string(R"({"event":{"status":")") + status + R"(","city":"Louisville"}})"));
    ASSERT_EQ(r.status, 201) << status << ": " << r.body;
    EXPECT_EQ(Body(r)["fulfillment_event"]["status"], status);
    EXPECT_EQ(this->Order(order)["fulfillments"][0]["shipment_status"], status);
  }
  const Json listed = Body(this->Send(Get(events)))["fulfillment_events"];
  EXPECT_EQ(listed.size(), 13u);  // the seeded in_transit plus twelve
  const sim::Response bad = this->Send(Post(events, R"({"event":{"status":"teleported"}})"));
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(Body(bad), Json::parse(R"({"errors":{"status":["is not included in the list"]}})"));
}

// ---- Refunds ----

TYPED_TEST(ShopifyRest, RefundCalculateSuggestsTransactionsAndCreatesNothing) {
  this->StartSeeded();
  const Id order = this->seeded_.open_order;
  const Id line = this->FirstLineItem(order);
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response r = this->Send(Post("/orders/" + std::to_string(order) + "/refunds/calculate.json",
      R"({"refund":{"shipping":{"full_refund":true},"refund_line_items":[{"line_item_id":)" + std::to_string(line) +
      R"(,"quantity":1,"restock_type":"no_restock"}]}})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json refund = Body(r)["refund"];
  ASSERT_EQ(refund["transactions"].size(), 1u);
  EXPECT_EQ(refund["transactions"][0]["kind"], "suggested_refund");
  EXPECT_EQ(refund["transactions"][0]["amount"], "59.97");
  EXPECT_EQ(refund["transactions"][0]["maximum_refundable"], "59.97");
  EXPECT_EQ(refund["refund_line_items"][0]["subtotal"], "54.99");
  EXPECT_EQ(refund["refund_line_items"][0]["total_tax"], "4.98");
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, RefundCreateMovesQuantitiesAndFinancialStatus) {
  this->StartSeeded();
  const Id order = this->seeded_.fulfilled_order;
  const Json o = this->Order(order);
  const Id mug = o["line_items"][0]["id"].template get<Id>();
  const Json calc = Body(this->Send(Post("/orders/" + std::to_string(order) + "/refunds/calculate.json",
      R"({"refund":{"refund_line_items":[{"line_item_id":)" + std::to_string(mug) + R"(,"quantity":1,"restock_type":"return"}]}})")))["refund"];
  Json tx = calc["transactions"][0];
  tx["kind"] = "refund";
  // Resubmitting a suggested_refund as is is refused.
  Json as_suggested = calc["transactions"][0];
  const sim::Response refused = this->Send(Post("/orders/" + std::to_string(order) + "/refunds.json",
      Json{{"refund", {{"transactions", Json::array({as_suggested})}}}}.dump()));
  EXPECT_EQ(refused.status, 422);
  const sim::Response r = this->Send(Post("/orders/" + std::to_string(order) + "/refunds.json",
      Json{{"refund", {{"note", "damaged mug"}, {"refund_line_items", Json::array({{{"line_item_id", mug}, {"quantity", 1}, {"restock_type", "return"}}})},
                       {"transactions", Json::array({tx})}}}}.dump()));
  ASSERT_EQ(r.status, 201) << r.body;
  const Json refund = Body(r)["refund"];
  EXPECT_EQ(refund["note"], "damaged mug");
  EXPECT_EQ(refund["transactions"][0]["amount"], "12.00");
  EXPECT_EQ(refund["refund_line_items"][0]["quantity"], 1);
  const Json after = this->Order(order);
  EXPECT_EQ(after["financial_status"], "partially_refunded");
  EXPECT_EQ(after["line_items"][0]["current_quantity"], 1);
  EXPECT_EQ(after["refunds"].size(), 1u);
  EXPECT_EQ(Body(this->Send(Get("/orders/" + std::to_string(order) + "/refunds.json")))["refunds"].size(), 1u);
  const std::string one = "/orders/" + std::to_string(order) + "/refunds/" + std::to_string(refund["id"].template get<Id>()) + ".json";
  EXPECT_EQ(Body(this->Send(Get(one)))["refund"]["id"], refund["id"]);
  EXPECT_EQ(this->Send(Get("/orders/" + std::to_string(order) + "/refunds/12.json")).status, 404);
  // More than is left is refused.
  const sim::Response too_much = this->Send(Post("/orders/" + std::to_string(order) + "/refunds.json",
      Json{{"refund", {{"transactions", Json::array({{{"parent_id", tx["parent_id"]}, {"amount", "100.00"}, {"kind", "refund"}}})}}}}.dump()));
  EXPECT_EQ(too_much.status, 422);
  const sim::Response rest = this->Send(Post("/orders/" + std::to_string(order) + "/refunds.json",
      Json{{"refund", {{"transactions", Json::array({{{"parent_id", tx["parent_id"]}, {"amount", "37.00"}, {"kind", "refund"}}})}}}}.dump()));
  ASSERT_EQ(rest.status, 201);
  EXPECT_EQ(this->Order(order)["financial_status"], "refunded");
}

// ---- Webhook subscriptions and the shop ----

TYPED_TEST(ShopifyRest, WebhookSubscriptionsCanBeCreatedListedAndDeleted) {
  this->StartSeeded();
  const sim::Response created = this->Send(Post("/webhooks.json",
      R"({"webhook":{"topic":"orders/create","address":"https://pipeline.example/hooks","format":"json"}})"));
  ASSERT_EQ(created.status, 201) << created.body;
  const Json w = Body(created)["webhook"];
  EXPECT_EQ(w["topic"], "orders/create");
  EXPECT_EQ(w["address"], "https://pipeline.example/hooks");
  EXPECT_EQ(this->Send(Post("/webhooks.json", R"({"webhook":{"topic":"orders/create","address":"https://pipeline.example/hooks"}})")).status, 422);
  EXPECT_EQ(this->Send(Post("/webhooks.json", R"({"webhook":{"topic":"orders/teleported","address":"https://x.example/"}})")).status, 422);
  EXPECT_EQ(Body(this->Send(Get("/webhooks.json")))["webhooks"].size(), 1u);
  EXPECT_EQ(Body(this->Send(Get("/webhooks/" + std::to_string(w["id"].template get<Id>()) + ".json")))["webhook"]["topic"], "orders/create");
  EXPECT_EQ(this->Send(Api(sim::Method::kDelete, "/webhooks/" + std::to_string(w["id"].template get<Id>()) + ".json")).status, 200);
  EXPECT_TRUE(Body(this->Send(Get("/webhooks.json")))["webhooks"].empty());
  EXPECT_EQ(Body(this->Send(Get("/shop.json")))["shop"]["myshopify_domain"], "rehearsal-demo.myshopify.com");
}

// ---- Bad input ----

TYPED_TEST(ShopifyRest, MissingOrWrongTokenIs401WithTheReferenceBody) {
  this->StartSeeded();
  const Json expected = Json::parse(R"json({"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"})json");
  const sim::Response missing = this->Send(Api(sim::Method::kGet, "/orders.json", "", nullptr));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(Body(missing), expected);
  const sim::Response wrong = this->Send(Api(sim::Method::kGet, "/orders.json", "", "shpat_wrong"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(Body(wrong), expected);
  const OrderedJson before = this->mock().Snapshot();
  EXPECT_EQ(this->Send(Api(sim::Method::kPost, "/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json", "{}", "shpat_wrong")).status, 401);
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, MalformedJsonIs400AndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response r = this->Send(Put("/orders/" + std::to_string(this->seeded_.open_order) + ".json", R"({"order":{"tags":"a",})"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Body(r), Json::parse(R"({"errors":{"order":"Required parameter missing or invalid"}})"));
  const sim::Response cancel = this->Send(Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json", "{reason:"));
  EXPECT_EQ(cancel.status, 400);
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, PostWithoutAJsonContentTypeIs400AndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  sim::Request r = Put("/orders/" + std::to_string(this->seeded_.open_order) + ".json", R"({"order":{"tags":"x"}})");
  r.headers.Set("Content-Type", "text/plain");
  const sim::Response response = this->Send(r);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Body(response), Json::parse(R"({"errors":{"order":"Required parameter missing or invalid"}})"));
  sim::Request cancel = Post("/orders/" + std::to_string(this->seeded_.open_order) + "/cancel.json", R"({"reason":"customer"})");
  cancel.headers.Remove("Content-Type");
  EXPECT_EQ(this->Send(cancel).status, 400);
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, MissingRequiredFieldsIs422AndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response r = this->Send(Post("/fulfillments.json", R"({"fulfillment":{"tracking_info":{"number":"1"}}})"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Body(r), Json::parse(R"({"errors":{"line_items_by_fulfillment_order":["can't be blank"]}})"));
  const sim::Response no_root = this->Send(Post("/fulfillments.json", R"({"tracking_info":{}})"));
  EXPECT_EQ(no_root.status, 400);
  EXPECT_EQ(Body(no_root), Json::parse(R"({"errors":{"fulfillment":"Required parameter missing or invalid"}})"));
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, UnknownRoutesAre404AndWrongMethodsAre406) {
  this->StartSeeded();
  const sim::Response unknown = this->Send(Get("/teleporters.json"));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(Body(unknown), Json::parse(R"({"errors":"Not Found"})"));
  EXPECT_EQ(this->Send(Api(sim::Method::kGet, "/nowhere")).status, 404);
  const OrderedJson before = this->mock().Snapshot();
  const sim::Response wrong = this->Send(Api(sim::Method::kDelete, "/orders/" + std::to_string(this->seeded_.open_order) + ".json"));
  EXPECT_EQ(wrong.status, 406);
  EXPECT_EQ(wrong.headers.GetOr("Allow", ""), "GET, PUT");
  EXPECT_EQ(this->mock().Snapshot(), before);
}

TYPED_TEST(ShopifyRest, OversizeBodyIs413FromTheTransportAndChangesNothing) {
  this->StartSeeded();
  const OrderedJson before = this->mock().Snapshot();
  const std::string note(kBodyLimit + 10, 'x');
  const sim::Response r = this->Send(Put("/orders/" + std::to_string(this->seeded_.open_order) + ".json",
                                         R"({"order":{"note":")" + note + "\"}}"));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(this->mock().Snapshot(), before);
  EXPECT_EQ(this->mock().RequestLogEntries().size(), 0u);  // it never reached the mock
}

TYPED_TEST(ShopifyRest, VersionsFallForwardAndMalformedOnesAre404) {
  this->StartSeeded();
  const sim::Response current = this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken, "2025-10"));
  EXPECT_EQ(current.headers.GetOr("X-Shopify-API-Version", ""), "2025-10");
  const sim::Response old = this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken, "2023-04"));
  EXPECT_EQ(old.status, 200);
  EXPECT_EQ(old.headers.GetOr("X-Shopify-API-Version", ""), "2025-01");
  EXPECT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken, "2025-02")).status, 404);
  EXPECT_EQ(this->Send(Api(sim::Method::kGet, "/shop.json", "", kToken, "latest")).status, 404);
}

TYPED_TEST(ShopifyRest, EveryResponseCarriesARequestIdAndTheCallLimit) {
  this->StartSeeded();
  std::vector<std::string> ids;
  for (const sim::Request& request : {Get("/orders.json"), Get("/teleporters.json"), Put("/orders/1.json", "{")}) {
    const sim::Response r = this->Send(request);
    const std::string id(r.headers.GetOr("X-Request-Id", ""));
    EXPECT_EQ(id.size(), 36u) << r.status;
    ids.push_back(id);
    EXPECT_FALSE(r.headers.GetOr("X-Shopify-Shop-Api-Call-Limit", "").empty()) << r.status;
    EXPECT_EQ(r.headers.GetOr("X-Shopify-API-Version", ""), "2025-07");
    EXPECT_EQ(r.headers.GetOr("Content-Type", ""), "application/json; charset=utf-8");
  }
  EXPECT_NE(ids[0], ids[1]);
}

}  // namespace
}  // namespace rh::mocks::shopify::testing
