// Goal: each workflow of seed 003's safe and human-review zones, end to end against the mocks in
// sim mode: the customer writes in Gorgias, the signed webhook reaches the pipeline, and the test
// checks what resulted in Gorgias (tags, notes, replies delivered, assignee, priority), Klaviyo
// (suppression) and the decision log (route and rule).
#include <gtest/gtest.h>

#include <future>

#include "workflow_fixture.h"

namespace rh::pipeline::testing {
namespace {

using harness::CustomerSpec;
using harness::FulfillmentSpec;
using harness::OrderSpec;

OrderSpec Shipped(std::string status = "in_transit", sim::Duration age = sim::Days(2)) {
  OrderSpec spec;
  spec.age = age;
  spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA10123456784", std::move(status), age - sim::Hours(20)};
  return spec;
}

OrderSpec Unfulfilled(sim::Duration age) {
  OrderSpec spec;
  spec.age = age;
  return spec;
}

// ---- Safe zone and its boundaries ----------------------------------------------------------------

TEST_F(WorkflowTest, WismoWithHealthyTrackingIsAnsweredAutomaticallyWithTheLiveTracking) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "in_transit", "Departed facility, Memphis TN");
  const std::uint64_t ticket = Writes(ana, "Hi, where is my order " + order.name + "?");

  EXPECT_TRUE(HasTag(ticket, "intent:wismo"));
  ExpectSentAutomatically(ticket);
  const auto delivered = Delivered(ticket);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_NE(delivered[0].body_text.find("1Z999AA10123456784"), std::string::npos) << delivered[0].body_text;
  EXPECT_EQ(delivered[0].to, "ana@example.com");
  EXPECT_GE(InternalNotes(ticket), 1) << "the draft is posted as an internal note";
  ExpectRoute(ticket, "auto_send", "wismo.healthy_tracking");
  EXPECT_FALSE(Suppressed("ana@example.com"));
}

TEST_F(WorkflowTest, WismoWithADelayedShipmentGoesToAPersonAndSuppressesMarketing) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delayed", "Weather delay");
  world.RunFor(sim::Hours(1));
  EXPECT_TRUE(Suppressed("ana@example.com")) << "the delivery exception alone suppresses, before any ticket";
  const std::uint64_t ticket = Writes(ana, "Where is my order? It says delayed.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "wismo.delivery_exception");
  EXPECT_EQ(Priority(ticket), "high");
  EXPECT_TRUE(Suppressed("ana@example.com"));
}

TEST_F(WorkflowTest, WismoWithStaleTrackingGoesToAPersonAndSuppressesMarketing) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Shipped());
  world.RunFor(sim::Days(4));  // no carrier scan for longer than stale_after (72h)
  const std::uint64_t ticket = Writes(ana, "Where is my order? Nothing has moved for days.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "wismo.stale_tracking");
  EXPECT_TRUE(Suppressed("ana@example.com"));
}

TEST_F(WorkflowTest, AReturnInsideTheWindowIsAnsweredAutomatically) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(5));
  const std::uint64_t ticket = Writes(ana, "Hi, I want to return the hoodie from " + order.name + ".");
  ExpectSentAutomatically(ticket);
  ExpectRoute(ticket, "auto_send", "return.inside_window");
  const auto delivered = Delivered(ticket);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_NE(delivered[0].body_text.find("30 days"), std::string::npos) << delivered[0].body_text;
}

TEST_F(WorkflowTest, AReturnOutsideTheWindowGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(40));
  const std::uint64_t ticket = Writes(ana, "Hi, I want to return the hoodie from " + order.name + ".");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "return.outside_window");
}

TEST_F(WorkflowTest, AnAddressChangeBeforePickAndPackIsAnsweredAutomatically) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Unfulfilled(sim::Minutes(30)));
  const std::uint64_t ticket = Writes(ana, "Please change my shipping address to 12 Elm St, Springfield.");
  ExpectSentAutomatically(ticket);
  ExpectRoute(ticket, "auto_send", "address_change.before_cutoff");
}

TEST_F(WorkflowTest, AnAddressChangeAfterPickAndPackGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Unfulfilled(sim::Hours(3)));
  const std::uint64_t ticket = Writes(ana, "Please change my shipping address to 12 Elm St, Springfield.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "address_change.after_cutoff");
}

TEST_F(WorkflowTest, ACancellationBeforeTheFulfillmentLockIsAnsweredAutomatically) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Unfulfilled(sim::Minutes(20)));
  const std::uint64_t ticket = Writes(ana, "I ordered the wrong size, please cancel my order.");
  ExpectSentAutomatically(ticket);
  ExpectRoute(ticket, "auto_send", "cancel.before_lock");
}

TEST_F(WorkflowTest, ACancellationAfterWarehouseHandoffGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Shipped("in_transit", sim::Hours(22)));
  const std::uint64_t ticket = Writes(ana, "Please cancel my order, I changed my mind.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "cancel.after_handoff");
}

// ---- Human-review zone -------------------------------------------------------------------------

TEST_F(WorkflowTest, ADamagedItemWithoutEvidenceGoesToAPersonAndNeverTouchesMoneyAutomatically) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(1));
  const std::uint64_t ticket = Writes(ana, "My hoodie arrived damaged, the seam is torn.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "damaged_item.no_evidence");
  EXPECT_EQ(Priority(ticket), "high");
  EXPECT_TRUE(Suppressed("ana@example.com")) << "a complaint is a live issue";
}

TEST_F(WorkflowTest, RepeatedRefundsSendEvenASafeWismoToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  OrderSpec two_items = Shipped("delivered", sim::Days(20));
  two_items.items = {harness::LineItemSpec{}, harness::LineItemSpec{"Mug", "MUG-01", 2, "18.00"}};
  const auto old_order = world.AddOrder(ana, two_items);
  world.AddRefund(old_order, "arrived late");
  world.AddRefund(old_order, "wrong colour");
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "in_transit");
  const std::uint64_t ticket = Writes(ana, "Where is my order " + order.name + "?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "customer.repeated_refunds");
}

TEST_F(WorkflowTest, DeliveredButNotReceivedGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(1));
  const std::uint64_t ticket = Writes(ana, "The tracking says delivered but I never got it.");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "intent.never_auto");
}

TEST_F(WorkflowTest, AVipWithAnIssueGoesToAPersonWithHighPriority) {
  CustomerSpec bob{"Bob", "Norman", "bob@example.com", "+15551230002", {"VIP"}, true, {}};
  const auto customer = world.AddCustomer(bob);
  OrderSpec big = Shipped("delivered", sim::Days(60));
  big.items = {harness::LineItemSpec{"Espresso machine", "ESP-9", 1, "1250.00"}};
  world.AddOrder(customer, big);
  const auto order = world.AddOrder(customer, Shipped());
  world.CarrierEvent(order, "delayed");
  const std::uint64_t ticket = Writes(customer, "Where is my order " + order.name + "?");
  ExpectHandedOver(ticket);
  const auto row = RouteRow(ticket);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->value_bucket, "vip");
  EXPECT_EQ(Priority(ticket), "high");
  EXPECT_TRUE(Suppressed("bob@example.com"));
}

TEST_F(WorkflowTest, ADiscountRequestGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  world.AddOrder(ana, Shipped());
  const std::uint64_t ticket = Writes(ana, "Hi! Do you have a discount code for my next order?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "intent.never_auto");
  EXPECT_FALSE(Suppressed("ana@example.com")) << "asking for a discount is not an issue";
}

// Exchanges need the store's approved SKUs.
Policy WithApprovedExchange() {
  Policy policy = harness::DefaultPolicy();
  policy.exchanges.approved_sku_prefixes = {"HD-"};  // hoodies, any size
  return policy;
}

struct ExchangeWorkflowTest : WorkflowTest {
  ExchangeWorkflowTest() : WorkflowTest(7, WithApprovedExchange()) {}
};

TEST_F(ExchangeWorkflowTest, AnExchangeForAnApprovedSkuIsAnsweredAutomatically) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(3));
  const std::uint64_t ticket = Writes(ana, "Can I exchange it for a size L? That would be HD-L-BLK.");
  ExpectSentAutomatically(ticket);
  ExpectRoute(ticket, "auto_send", "exchange.approved_sku");
}

TEST_F(ExchangeWorkflowTest, AnExchangeForAnotherSkuGoesToAPerson) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CarrierEvent(order, "delivered");
  world.RunFor(sim::Days(3));
  const std::uint64_t ticket = Writes(ana, "Can I exchange it for a different model, the TR-42 trail runner?");
  ExpectHandedOver(ticket);
  ExpectRoute(ticket, "human", "exchange.sku_not_approved");
}

// The completion signal a live host blocks on before it stops (rehearse pipeline): a thread that
// is not the executor's waits, and is woken when the executor finishes the last event under way.
TEST_F(WorkflowTest, AHostWaitingToStopIsWokenWhenTheLastEventUnderWayIsDone) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  const auto order = world.AddOrder(ana, Shipped());
  world.CustomerWrites(ana, "Hi, where is my order " + order.name + "?");
  Pipeline& pipeline = reference.pipeline();
  while (pipeline.Activity().events == 0 && world.scheduler().Step()) {
  }
  ASSERT_GT(pipeline.Activity().events, 0u);
  EXPECT_FALSE(pipeline.WaitUntilNoEventsUnderWay(sim::Duration{0})) << "an event is under way";

  auto host = std::async(std::launch::async, [&pipeline] { return pipeline.WaitUntilNoEventsUnderWay(sim::Sec(60)); });
  world.RunFor(sim::Hours(1));
  EXPECT_TRUE(host.get());
  EXPECT_EQ(pipeline.Activity().events, 0u);
}

}  // namespace
}  // namespace rh::pipeline::testing
