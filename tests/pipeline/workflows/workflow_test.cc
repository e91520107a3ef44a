// Goal: each workflow of seed 003's safe and human-review zones, end to end against the mocks in
// sim mode: the customer writes in Gorgias, the signed webhook reaches the pipeline, and the test
// checks what resulted in Gorgias (tags, notes, replies delivered, assignee), Klaviyo
// (suppression) and the decision log.
#include <gtest/gtest.h>

#include "workflow_fixture.h"

namespace rh::pipeline::testing {
namespace {

using harness::CustomerSpec;
using harness::FulfillmentSpec;
using harness::OrderSpec;

TEST_F(WorkflowTest, WismoWithHealthyTrackingIsAnsweredAutomaticallyWithTheLiveTracking) {
  const auto ana = world.AddCustomer(CustomerSpec{});
  OrderSpec spec;
  spec.fulfillment = FulfillmentSpec{"UPS", "1Z999AA10123456784", "in_transit", sim::Hours(20)};
  const auto order = world.AddOrder(ana, spec);
  world.CarrierEvent(order, "in_transit", "Departed facility, Memphis TN");
  const std::uint64_t ticket = Writes(ana, "Hi, where is my order " + order.name + "?");

  EXPECT_TRUE(HasTag(ticket, "intent:wismo"));
  EXPECT_TRUE(HasTag(ticket, "auto-replied"));
  const auto delivered = Delivered(ticket);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_NE(delivered[0].body_text.find("1Z999AA10123456784"), std::string::npos) << delivered[0].body_text;
  EXPECT_EQ(delivered[0].to, "ana@example.com");
  EXPECT_GE(InternalNotes(ticket), 1) << "the draft is posted as an internal note";
  const auto route = RouteRow(ticket);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->route, "auto_send");
  EXPECT_EQ(route->outcome, "sent");
  EXPECT_EQ(route->intent, "wismo");
  EXPECT_FALSE(Suppressed("ana@example.com"));
}

}  // namespace
}  // namespace rh::pipeline::testing
