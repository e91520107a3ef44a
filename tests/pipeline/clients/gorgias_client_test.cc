// Goal: the Gorgias client against the real Gorgias mock in sim mode: a ticket and a customer
// (with its Shopify data) read back, tags, an internal note, replies that really reach the
// customer on e-mail, SMS and chat and by e-mail for a contact-form ticket (the mock's delivery
// log is the judge, since Gorgias accepts undeliverable replies silently), no reply at all where
// no channel reaches the customer, ticket updates, users, and a reply whose answer was lost that
// is reconciled instead of doubled.
#include "pipeline/clients/gorgias_client.h"

#include <gtest/gtest.h>

#include "clients_test_support.h"

namespace rh::pipeline::clients {
namespace {

using mocks::OrderedJson;
using mocks::gorgias::CustomerMessage;
using mocks::gorgias::DeliveryFate;

class GorgiasClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto shopify = world.gorgias().SeedIntegration(
        OrderedJson{{"id", 6}, {"type", "shopify"}, {"name", "acme-store"}}, world.Now());
    ASSERT_TRUE(shopify.has_value());
    const auto maria = world.gorgias().SeedCustomer(OrderedJson::parse(R"({
      "email": "maria@example.com", "firstname": "Maria", "lastname": "Diaz", "name": "Maria Diaz",
      "channels": [{"type": "email", "address": "maria@example.com", "preferred": true},
                   {"type": "phone", "address": "+15551230001"}],
      "integrations": {"6": {"__integration_type__": "shopify",
        "customer": {"id": 9000000000000001, "email": "maria@example.com", "orders_count": 1},
        "orders": [{"id": 9000000000000101, "name": "#1042", "created_at": "2026-11-20T03:29:37-08:00",
                    "financial_status": "paid", "fulfillment_status": null,
                    "line_items": [{"id": 1, "sku": "MUG-01", "title": "Mug", "quantity": 1}]}]}}})"),
                                                    world.Now());
    ASSERT_TRUE(maria.has_value()) << maria.error();
    maria_ = *maria;
  }

  // The customer writes; a new ticket unless `ticket` is given.
  std::uint64_t Writes(const std::string& channel, const std::string& text, const std::string& address = "") {
    CustomerMessage m;
    m.channel = channel;
    m.customer_id = maria_;
    m.address = address;
    m.subject = "Where is my order #1042?";
    m.body_text = text;
    auto r = world.gorgias().CustomerWrites(m, world.Now());
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.has_value() ? r->ticket_id : 0;
  }

  GorgiasTicket Ticket(GorgiasClient& client, std::uint64_t id) {
    auto t = world.Run(client.GetTicket(id));
    EXPECT_TRUE(t.has_value()) << DescribeError(t.error());
    return t.has_value() ? *t : GorgiasTicket{};
  }

  GorgiasReply Reply(std::string text, std::string key) {
    return GorgiasReply{world.agent(), std::move(text), "", std::move(key)};
  }

  // Lets the mock's asynchronous sends happen, then returns its delivery log.
  std::vector<mocks::gorgias::CustomerDelivery> Deliveries() {
    world.scheduler().RunFor(sim::Sec(10));
    return world.gorgias().Deliveries();
  }

  testing::MockWorld world;
  std::uint64_t maria_ = 0;
};

TEST_F(GorgiasClientTest, ReadsATicketAndACustomerWithItsShopifyData) {
  const auto ticket_id = Writes("email", "Hi, where is my order? No tracking yet.");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  EXPECT_EQ(t.id, ticket_id);
  EXPECT_EQ(t.channel, "email");
  EXPECT_EQ(t.status, "open");
  EXPECT_EQ(t.priority, "normal");
  EXPECT_EQ(t.subject, "Where is my order #1042?");
  EXPECT_EQ(t.customer.id, maria_);
  EXPECT_EQ(t.customer.email, "maria@example.com");
  ASSERT_EQ(t.messages.size(), 1u);
  EXPECT_FALSE(t.messages[0].from_agent);
  EXPECT_EQ(t.messages[0].body_text, "Hi, where is my order? No tracking yet.");
  EXPECT_EQ(t.messages[0].source.from.address, "maria@example.com");
  EXPECT_EQ(t.messages[0].source.to.at(0).address, "support@acme.example");
  EXPECT_NE(std::find(t.reply_options.begin(), t.reply_options.end(), "email"), t.reply_options.end());
  EXPECT_FALSE(t.assignee_user_id.has_value());

  const auto customer = world.Run(client->GetCustomer(maria_));
  ASSERT_TRUE(customer.has_value()) << DescribeError(customer.error());
  ASSERT_EQ(customer->shopify.size(), 1u);
  const GorgiasShopifyData& shop = customer->shopify[0];
  EXPECT_EQ(shop.integration_id, "6");
  EXPECT_EQ(shop.shopify_customer_id, 9000000000000001u);
  ASSERT_EQ(shop.orders.size(), 1u);
  EXPECT_EQ(shop.orders[0].id, 9000000000000101u);
  EXPECT_EQ(shop.orders[0].name, "#1042");
  ASSERT_EQ(shop.orders[0].line_items.size(), 1u);
  EXPECT_EQ(shop.orders[0].line_items[0].sku, "MUG-01");
  EXPECT_EQ(customer->channels.size(), 2u);
}

TEST_F(GorgiasClientTest, TagsANoteAndUpdatesATicket) {
  const auto ticket_id = Writes("email", "Where is my order?");
  auto client = world.Gorgias();
  ASSERT_TRUE(world.Run(client->AddTags(ticket_id, {"wismo", "auto-triaged"})).has_value());
  ASSERT_TRUE(world.Run(client->AddTags(ticket_id, {"wismo"})).has_value());  // adding again keeps one

  const auto note = world.Run(client->PostInternalNote(
      ticket_id, GorgiasNote{world.gorgias_user(), "Draft: your order shipped with UPS.", "", "note-1"}));
  ASSERT_TRUE(note.has_value()) << DescribeError(note.error());
  EXPECT_EQ(note->channel, "internal-note");
  EXPECT_FALSE(note->is_public);
  EXPECT_EQ(note->external_id, "note-1");

  const auto updated = world.Run(client->UpdateTicket(
      ticket_id, GorgiasTicketUpdate{world.agent(), false, std::string("high"), std::nullopt}));
  ASSERT_TRUE(updated.has_value()) << DescribeError(updated.error());
  EXPECT_EQ(updated->assignee_user_id, world.agent());
  EXPECT_EQ(updated->priority, "high");
  EXPECT_EQ(updated->tags, (std::vector<std::string>{"wismo", "auto-triaged"}));

  const auto closed = world.Run(client->UpdateTicket(ticket_id, GorgiasTicketUpdate{std::nullopt, true, std::nullopt, "closed"}));
  ASSERT_TRUE(closed.has_value()) << DescribeError(closed.error());
  EXPECT_FALSE(closed->assignee_user_id.has_value());
  EXPECT_EQ(closed->status, "closed");
  // A note is never a delivery to the customer.
  EXPECT_TRUE(Deliveries().empty());
}

TEST_F(GorgiasClientTest, AnEmailReplyReachesTheCustomerFromTheAddressTheyWroteTo) {
  const auto ticket_id = Writes("email", "Where is my order?");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  const auto route = ChooseReplyRoute(t, "fallback@acme.example", "Acme");
  ASSERT_TRUE(route.has_value()) << route.error();
  EXPECT_EQ(route->source.from.address, "support@acme.example");
  EXPECT_EQ(route->subject, "Re: Where is my order #1042?");

  const auto sent = world.Run(client->PostReply(t, Reply("It shipped with UPS.", "reply-1")));
  ASSERT_TRUE(sent.has_value()) << DescribeError(sent.error());
  EXPECT_EQ(sent->channel, "email");
  EXPECT_TRUE(sent->from_agent);
  const auto deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].fate, DeliveryFate::kDelivered) << deliveries[0].reason;
  EXPECT_EQ(deliveries[0].to, "maria@example.com");
  EXPECT_EQ(deliveries[0].from, "support@acme.example");
}

TEST_F(GorgiasClientTest, AnSmsReplyGoesToTheNumberTheCustomerWroteFrom) {
  const auto ticket_id = Writes("sms", "where is my order", "+15551230001");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  ASSERT_TRUE(world.Run(client->PostReply(t, Reply("It ships tomorrow.", "reply-sms"))).has_value());
  const auto deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].channel, "sms");
  EXPECT_EQ(deliveries[0].fate, DeliveryFate::kDelivered) << deliveries[0].reason;
  EXPECT_EQ(deliveries[0].to, "+15551230001");
}

TEST_F(GorgiasClientTest, AChatReplyGoesToTheCustomersChat) {
  const auto ticket_id = Writes("chat", "hello, my order?", "chat-session-77");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  ASSERT_TRUE(world.Run(client->PostReply(t, Reply("Hi Maria!", "reply-chat"))).has_value());
  const auto deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].channel, "chat");
  EXPECT_EQ(deliveries[0].fate, DeliveryFate::kDelivered) << deliveries[0].reason;
}

TEST_F(GorgiasClientTest, AContactFormTicketIsAnsweredByEmail) {
  const auto ticket_id = Writes("contact_form", "Can I change my address?");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  const auto sent = world.Run(client->PostReply(t, Reply("Yes, tell us the new one.", "reply-form")));
  ASSERT_TRUE(sent.has_value()) << DescribeError(sent.error());
  EXPECT_EQ(sent->channel, "email");
  const auto deliveries = Deliveries();
  ASSERT_EQ(deliveries.size(), 1u);
  EXPECT_EQ(deliveries[0].fate, DeliveryFate::kDelivered) << deliveries[0].reason;
  EXPECT_EQ(deliveries[0].to, "maria@example.com");
}

TEST_F(GorgiasClientTest, ATicketNoChannelCanAnswerGetsNoReplyAtAll) {
  const auto ticket_id = Writes("phone", "(a voicemail transcript)", "+15551230001");
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  const auto sent = world.Run(client->PostReply(t, Reply("Hello", "reply-phone")));
  ASSERT_FALSE(sent.has_value());
  EXPECT_EQ(sent.error().kind, CallErrorKind::kUndeliverable);
  EXPECT_EQ(sent.error().attempts, 0);
  EXPECT_EQ(world.gorgias().Snapshot().messages.size(), 1u);  // nothing was created
}

TEST_F(GorgiasClientTest, AReplyWhoseAnswerWasLostIsFoundNotDoubled) {
  const auto ticket_id = Writes("email", "Where is my order?");
  sim::FaultRule lost;
  lost.name = "reply answer lost";
  lost.host = "gorgias";
  lost.path_prefix = "/api/tickets/" + std::to_string(ticket_id) + "/messages";
  lost.method = sim::Method::kPost;
  lost.kind = sim::FaultKind::kDropAfterHandling;
  lost.nth = 1;
  world.network().faults().Add(lost);
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  const auto sent = world.Run(client->PostReply(t, Reply("It shipped.", "reply-once")));
  ASSERT_TRUE(sent.has_value()) << DescribeError(sent.error());
  EXPECT_EQ(sent->external_id, "reply-once");
  EXPECT_EQ(Deliveries().size(), 1u);  // one reply, although the POST's answer never came
}

TEST_F(GorgiasClientTest, AReplyDroppedBeforeTheServiceSawItIsSentAgainOnce) {
  const auto ticket_id = Writes("email", "Where is my order?");
  sim::FaultRule dropped;
  dropped.name = "reply dropped";
  dropped.host = "gorgias";
  dropped.path_prefix = "/api/tickets/" + std::to_string(ticket_id) + "/messages";
  dropped.method = sim::Method::kPost;
  dropped.kind = sim::FaultKind::kDropBeforeHandling;
  dropped.nth = 1;
  world.network().faults().Add(dropped);
  auto client = world.Gorgias();
  const GorgiasTicket t = Ticket(*client, ticket_id);
  ASSERT_TRUE(world.Run(client->PostReply(t, Reply("It shipped.", "reply-again"))).has_value());
  EXPECT_EQ(Deliveries().size(), 1u);
}

TEST_F(GorgiasClientTest, ListsAndFindsUsers) {
  auto client = world.Gorgias();
  const auto users = world.Run(client->ListUsers());
  ASSERT_TRUE(users.has_value()) << DescribeError(users.error());
  EXPECT_EQ(users->size(), 2u);
  const auto agent = world.Run(client->FindUserByEmail("AGENT1@acme.example"));
  ASSERT_TRUE(agent.has_value());
  ASSERT_TRUE(agent->has_value());
  EXPECT_EQ((*agent)->id, world.agent());
  EXPECT_EQ((*agent)->role, "agent");
  const auto nobody = world.Run(client->FindUserByEmail("ghost@acme.example"));
  ASSERT_TRUE(nobody.has_value());
  EXPECT_FALSE(nobody->has_value());
}

TEST_F(GorgiasClientTest, BadCredentialsAreAFinal401) {
  GorgiasConfig config = world.GorgiasSettings();
  config.api_key = "wrong";
  auto client = world.Gorgias(config);
  const auto t = world.Run(client->GetTicket(1));
  ASSERT_FALSE(t.has_value());
  EXPECT_EQ(t.error().kind, CallErrorKind::kClientError);
  EXPECT_EQ(t.error().status, 401);
  EXPECT_EQ(t.error().attempts, 1);
}

}  // namespace
}  // namespace rh::pipeline::clients
