// Goal: the Gorgias quirks a pipeline trips over are reproduced, on both transports: a reply
// is only the messages resource; creating a message is not sending it; order data lives on
// the customer's integrations; assignees are user ids; a reply on a channel the ticket cannot
// use (or without that channel's fields) is a 201 that never reaches the customer, silent to
// the client and visible to the harness; internal notes are never delivered; send failures are
// visible; a customer writing in makes a ticket.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include "gorgias_fixture.h"

namespace rh::mocks::gorgias::testing {
namespace {

using GorgiasQuirks = GorgiasTest;

std::string MessagesPath(std::uint64_t ticket) { return "/api/tickets/" + std::to_string(ticket) + "/messages"; }

TEST_P(GorgiasQuirks, ARepliesOnlyThroughTheMessagesResourceAndATicketUpdateSendsNothing) {
  const std::uint64_t id = CreateEmailTicket();
  const Reply put = Put("/api/tickets/" + std::to_string(id),
                        {{"priority", "high"}, {"messages", Json::array({EmailReply("Sent through PUT")})}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["priority"], "high");  // the rest of the update applies
  EXPECT_EQ(put.json["messages_count"], 1);  // the reply did not become a message
  Advance(sim::Sec(10));
  Json deliveries = InspectDeliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["fate"], "not_delivered");
  EXPECT_TRUE(deliveries[0]["message_id"].is_null());
  EXPECT_NE(deliveries[0]["reason"].get<std::string>().find("POST " + MessagesPath(id)), std::string::npos)
      << deliveries[0]["reason"];

  ASSERT_EQ(Post(MessagesPath(id), EmailReply("Sent the right way")).status, 201);
  Advance(sim::Sec(10));
  deliveries = InspectDeliveries();
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[1]["fate"], "delivered");
  EXPECT_EQ(deliveries[1]["to"], kMariaEmail);
  EXPECT_EQ(deliveries[1]["body_text"], "Sent the right way");
}

TEST_P(GorgiasQuirks, AMessageIsNotSentUntilItsSendDelayPassesInVirtualTime) {
  const std::uint64_t id = CreateEmailTicket();
  const Reply created = Post(MessagesPath(id), EmailReply("Your parcel left today."));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string message = MessagesPath(id) + "/" + std::to_string(created.json["id"].get<std::uint64_t>());
  EXPECT_TRUE(created.json["sent_datetime"].is_null());
  EXPECT_TRUE(created.json["failed_datetime"].is_null());

  Advance(sim::Ms(900));  // the delay is 1 s plus up to 0.5 s of jitter
  EXPECT_TRUE(Get(message).json["sent_datetime"].is_null());
  ASSERT_EQ(mock->Deliveries().size(), 1u);
  EXPECT_EQ(mock->Deliveries()[0].fate, DeliveryFate::kQueued);

  Advance(sim::Ms(700));
  const Reply sent = Get(message);
  EXPECT_TRUE(sent.json["sent_datetime"].is_string()) << sent.body;
  EXPECT_GT(sent.json["sent_datetime"].get<std::string>(), sent.json["created_datetime"].get<std::string>());
  const CustomerDelivery delivery = mock->Deliveries()[0];
  EXPECT_EQ(delivery.fate, DeliveryFate::kDelivered);
  EXPECT_EQ(delivery.channel, "email");
  EXPECT_EQ(delivery.to, kMariaEmail);
  EXPECT_EQ(delivery.from, "support@acme.example");
  EXPECT_EQ(delivery.body_text, "Your parcel left today.");
}

TEST_P(GorgiasQuirks, OrderDataIsReachedThroughTheCustomersIntegrationsNotTheTicket) {
  const std::uint64_t id = CreateEmailTicket();
  const Reply ticket = Get("/api/tickets/" + std::to_string(id));
  ASSERT_EQ(ticket.status, 200);
  EXPECT_FALSE(ticket.json["customer"].contains("integrations"));
  EXPECT_EQ(ticket.body.find("MUG-01"), std::string::npos);  // no order data anywhere on the ticket
  const Reply customer = Get("/api/customers/" + std::to_string(ticket.json["customer"]["id"].get<std::uint64_t>()));
  ASSERT_EQ(customer.status, 200);
  const Json& shopify = customer.json["integrations"][std::to_string(kShopifyIntegration)];
  EXPECT_EQ(shopify["__integration_type__"], "shopify");
  EXPECT_EQ(shopify["orders"][0]["name"], "#1042");
  EXPECT_EQ(shopify["orders"][0]["line_items"][0]["sku"], "MUG-01");

  // The harness keeps that data in step with the Shopify mock.
  ASSERT_TRUE(mock->SetCustomerIntegrationData(maria, kShopifyIntegration,
                                               OrderedJson{{"__integration_type__", "shopify"}, {"orders", OrderedJson::array()}},
                                               scheduler.clock().MomentNow())
                  .has_value());
  EXPECT_TRUE(Get("/api/customers/" + std::to_string(maria)).json["integrations"]["6"]["orders"].empty());
}

TEST_P(GorgiasQuirks, AnAssigneeIsAUserIdAndAnEmailIsRejected) {
  const std::uint64_t id = CreateEmailTicket();
  const std::string path = "/api/tickets/" + std::to_string(id);
  const Counts before = CountState();
  const Reply by_email = Put(path, {{"assignee_user", {{"email", kBenEmail}}}});
  ASSERT_EQ(by_email.status, 400) << by_email.body;
  const Json& data = by_email.json["error"]["data"]["assignee_user"];
  EXPECT_EQ(data["id"][0], "Missing data for required field.");
  EXPECT_TRUE(data.contains("email"));
  EXPECT_EQ(CountState(), before);
  EXPECT_TRUE(Get(path).json["assignee_user"].is_null());

  const Reply by_id = Put(path, {{"assignee_user", {{"id", ben}}}});
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.json["assignee_user"]["id"], ben);
  EXPECT_EQ(by_id.json["assignee_user"]["email"], kBenEmail);
  const Reply assigned = Get("/api/events?types[]=ticket-assigned&object_id=" + std::to_string(id));
  ASSERT_EQ(assigned.json["data"].size(), 1u);
  EXPECT_EQ(assigned.json["data"][0]["data"]["assignee_user_id"], ben);

  EXPECT_EQ(Put(path, {{"assignee_user", {{"id", 987654}}}}).status, 400);
  const Reply unassigned = Put(path, {{"assignee_user", {{"id", nullptr}}}});
  ASSERT_EQ(unassigned.status, 200);
  EXPECT_TRUE(unassigned.json["assignee_user"].is_null());
  EXPECT_EQ(Get("/api/events?types[]=ticket-unassigned").json["data"].size(), 1u);
}

TEST_P(GorgiasQuirks, AReplyOnAChannelTheTicketCannotUseIsAcceptedAndNeverDelivered) {
  const std::uint64_t id = CreateEmailTicket();
  const Json ticket = Get("/api/tickets/" + std::to_string(id)).json;
  EXPECT_TRUE(ticket["reply_options"].contains("email"));
  EXPECT_FALSE(ticket["reply_options"].contains("sms"));
  const Reply sms = Post(MessagesPath(id), {{"channel", "sms"},
                                            {"via", "api"},
                                            {"from_agent", true},
                                            {"sender", {{"id", ana}}},
                                            {"body_text", "Your order shipped."}});
  ASSERT_EQ(sms.status, 201) << sms.body;
  Advance(sim::Sec(5));
  // The client sees a message like any sent one.
  const Json message = Get(MessagesPath(id) + "/" + std::to_string(sms.json["id"].get<std::uint64_t>())).json;
  EXPECT_TRUE(message["sent_datetime"].is_string());
  EXPECT_TRUE(message["failed_datetime"].is_null());
  EXPECT_TRUE(message["last_sending_error"].is_null());
  EXPECT_EQ(Get("/api/events?types[]=ticket-message-failed").json["data"].size(), 0u);
  // The harness sees that it never reached Maria, and why.
  const Json deliveries = InspectDeliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0]["fate"], "not_delivered");
  EXPECT_NE(deliveries[0]["reason"].get<std::string>().find("not a reply option"), std::string::npos)
      << deliveries[0]["reason"];
}

TEST_P(GorgiasQuirks, AnEmailReplyWithoutRecipientsIsAcceptedAndNeverDelivered) {
  const std::uint64_t id = CreateEmailTicket();
  Json reply = EmailReply("No recipient here.");
  reply["source"].erase("to");
  ASSERT_EQ(Post(MessagesPath(id), reply).status, 201);
  Json no_from = EmailReply("No sending address here.");
  no_from["source"].erase("from");
  ASSERT_EQ(Post(MessagesPath(id), no_from).status, 201);
  Advance(sim::Sec(5));
  const std::vector<CustomerDelivery> deliveries = mock->Deliveries();
  ASSERT_EQ(deliveries.size(), 2u);
  EXPECT_EQ(deliveries[0].fate, DeliveryFate::kNotDelivered);
  EXPECT_NE(deliveries[0].reason.find("source.to"), std::string::npos) << deliveries[0].reason;
  EXPECT_EQ(deliveries[1].fate, DeliveryFate::kNotDelivered);
  EXPECT_NE(deliveries[1].reason.find("source.from"), std::string::npos) << deliveries[1].reason;
}

TEST_P(GorgiasQuirks, TheSilentDropCanLeaveSentDatetimeNullForever) {
  sim::Request configure;
  configure.method = sim::Method::kPut;
  configure.target = "/_rehearsal/sending";
  configure.body = R"({"silent_drop": "never_sent"})";
  ASSERT_EQ(Send(configure).status, 204);
  const std::uint64_t id = CreateEmailTicket();
  const Reply chat = Post(MessagesPath(id), {{"channel", "chat"}, {"via", "api"}, {"from_agent", true}, {"body_text", "Hi!"}});
  ASSERT_EQ(chat.status, 201);
  Advance(sim::Minutes(10));
  const Json message = Get(MessagesPath(id) + "/" + std::to_string(chat.json["id"].get<std::uint64_t>())).json;
  EXPECT_TRUE(message["sent_datetime"].is_null());
  EXPECT_TRUE(message["failed_datetime"].is_null());
  EXPECT_EQ(mock->Deliveries().at(0).fate, DeliveryFate::kNotDelivered);
}

TEST_P(GorgiasQuirks, InternalNotesAreNeverDeliveredButWriteEvents) {
  const std::uint64_t id = CreateEmailTicket();
  const Reply note = Post(MessagesPath(id), {{"channel", "internal-note"},
                                             {"from_agent", true},
                                             {"public", false},
                                             {"body_text", "Draft: parcel is with DHL, tracking 123."}});
  ASSERT_EQ(note.status, 201) << note.body;
  EXPECT_EQ(note.json["public"], false);
  EXPECT_EQ(note.json["sender"]["id"], ana);  // the caller, when no sender is given
  Advance(sim::Minutes(1));
  EXPECT_TRUE(mock->Deliveries().empty());
  const Reply events = Get("/api/events?types[]=ticket-message-created&object_id=" +
                           std::to_string(note.json["id"].get<std::uint64_t>()));
  ASSERT_EQ(events.json["data"].size(), 1u);
  EXPECT_EQ(events.json["data"][0]["data"]["ticket_id"], id);
}

TEST_P(GorgiasQuirks, ASendFailureIsVisibleAsFailedDatetimeAndAnEvent) {
  sim::Request fail;
  fail.method = sim::Method::kPost;
  fail.target = "/_rehearsal/send-failures";
  fail.body = R"({"count": 1, "error": "Mailbox full"})";
  ASSERT_EQ(Send(fail).status, 204);
  const std::uint64_t id = CreateEmailTicket();
  const Reply reply = Post(MessagesPath(id), EmailReply("Refund issued."));
  ASSERT_EQ(reply.status, 201);
  Advance(sim::Sec(5));
  const Json message = Get(MessagesPath(id) + "/" + std::to_string(reply.json["id"].get<std::uint64_t>())).json;
  EXPECT_TRUE(message["sent_datetime"].is_null());
  EXPECT_TRUE(message["failed_datetime"].is_string());
  EXPECT_EQ(message["last_sending_error"]["error"], "Mailbox full");
  EXPECT_EQ(Get("/api/events?types[]=ticket-message-failed").json["data"].size(), 1u);
  EXPECT_EQ(mock->Deliveries().at(0).fate, DeliveryFate::kFailed);

  // The next send is not forced to fail.
  ASSERT_EQ(Post(MessagesPath(id), EmailReply("Refund issued, again.")).status, 201);
  Advance(sim::Sec(5));
  EXPECT_EQ(mock->Deliveries().at(1).fate, DeliveryFate::kDelivered);
}

TEST_P(GorgiasQuirks, ACustomerWritingBySmsMakesATicketThatAnSmsReplyReaches) {
  sim::Request writes;
  writes.method = sim::Method::kPost;
  writes.target = "/_rehearsal/customer-messages";
  writes.body = R"({"channel": "sms", "address": "+1 555 123 4567", "body_text": "Where is my parcel?"})";
  const Reply r = Send(writes);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json["new_ticket"], true);
  const std::uint64_t id = r.json["ticket_id"];
  const Json ticket = Get("/api/tickets/" + std::to_string(id)).json;
  EXPECT_EQ(ticket["channel"], "sms");
  EXPECT_EQ(ticket["customer"]["channels"][0]["type"], "phone");
  EXPECT_TRUE(ticket["reply_options"].contains("sms"));
  EXPECT_EQ(Get("/api/events?types[]=ticket-created").json["data"].size(), 1u);

  // An SMS reply without source.to goes to the customer's phone channel.
  ASSERT_EQ(Post(MessagesPath(id), {{"channel", "sms"}, {"via", "api"}, {"from_agent", true}, {"body_text", "Tomorrow!"}})
                .status,
            201);
  Advance(sim::Sec(5));
  ASSERT_EQ(mock->Deliveries().size(), 1u);
  EXPECT_EQ(mock->Deliveries()[0].fate, DeliveryFate::kDelivered);
  EXPECT_EQ(mock->Deliveries()[0].to, "+1 555 123 4567");

  // Writing again on the ticket adds a message to it and reopens it when closed.
  ASSERT_EQ(Put("/api/tickets/" + std::to_string(id), {{"status", "closed"}}).status, 200);
  writes.body = R"({"channel": "sms", "address": "+1 555 123 4567", "body_text": "Thanks", "ticket_id": )" +
                std::to_string(id) + "}";
  const Reply again = Send(writes);
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.json["new_ticket"], false);
  const Json reopened = Get("/api/tickets/" + std::to_string(id)).json;
  EXPECT_EQ(reopened["status"], "open");
  EXPECT_EQ(reopened["messages_count"], 3);
}

INSTANTIATE_TEST_SUITE_P(Transports, GorgiasQuirks, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::gorgias::testing
