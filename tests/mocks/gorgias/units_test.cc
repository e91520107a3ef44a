// Goal: the pieces of the Gorgias mock that need no transport: Jinja-like templating, the
// channel table, determinism of ids and bodies per seed, sending without an executor, and
// sending on a live runtime whose clock is not the server's.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "mocks/gorgias/channels.h"
#include "mocks/gorgias/templating.h"
#include "sim/clock.h"
#include "sim/crypto.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"

namespace rh::mocks::gorgias {
namespace {

const OrderedJson kContext = OrderedJson::parse(R"({
  "ticket": {"id": 86538298, "spam": false, "subject": null, "channel": "email",
             "customer": {"email": "ana@example.com", "name": "Ana Diaz"},
             "tags": [{"name": "wismo"}, {"name": "vip"}],
             "messages": [{"body_text": "Hi & bye"}]}})");

TEST(GorgiasTemplating, RendersPathsIndexesAndPythonStyleScalars) {
  EXPECT_EQ(RenderTemplate("/t/{{ticket.id}}?e={{ ticket.customer.email }}", kContext),
            "/t/86538298?e=ana@example.com");
  EXPECT_EQ(RenderTemplate("{{ticket.tags[1].name}}/{{ticket.tags.0.name}}", kContext), "vip/wismo");
  EXPECT_EQ(RenderTemplate("{{ticket.spam}} {{ticket.subject}}", kContext), "False None");
  EXPECT_EQ(RenderTemplate("{{ticket.messages[0].body_text|urlencode}}", kContext), "Hi%20%26%20bye");
  EXPECT_EQ(RenderTemplate("{{ticket.customer|tojson}}", kContext), R"({"email":"ana@example.com","name":"Ana Diaz"})");
}

TEST(GorgiasTemplating, LeavesUnknownPathsEmptyAndUnclosedPlaceholdersAsText) {
  EXPECT_EQ(RenderTemplate("[{{ticket.nope.deeper}}]", kContext), "[]");
  EXPECT_EQ(RenderTemplate("[{{ticket.tags[7].name}}]", kContext), "[]");
  EXPECT_EQ(RenderTemplate("a {{ticket.id", kContext), "a {{ticket.id");
  EXPECT_EQ(RenderTemplate("no placeholders", kContext), "no placeholders");
}

TEST(GorgiasTemplating, RecognizesTheWholeContextForm) {
  EXPECT_TRUE(IsWholeContextForm("{{context}}"));
  EXPECT_TRUE(IsWholeContextForm("  {{ context }} "));
  EXPECT_FALSE(IsWholeContextForm("{{context.ticket}}"));
  EXPECT_FALSE(IsWholeContextForm("x{{context}}"));
}

TEST(GorgiasChannels, TheTableKnowsEveryChannelOfTheEnumAndWhichOnesCanReachACustomer) {
  for (std::string_view channel : {"aircall", "api", "chat", "contact_form", "email", "facebook", "facebook-mention",
                                   "facebook-messenger", "facebook-recommendations", "help-center",
                                   "instagram-ad-comment", "instagram-comment", "instagram-direct-message",
                                   "instagram-mention", "internal-note", "phone", "sms", "twitter",
                                   "twitter-direct-message", "whatsapp", "yotpo-review"}) {
    EXPECT_NE(FindChannelRule(channel), nullptr) << channel;
  }
  EXPECT_EQ(FindChannelRule("carrier-pigeon"), nullptr);
  EXPECT_EQ(FindChannelRule("email")->route, ChannelRoute::kToAddress);
  EXPECT_EQ(FindChannelRule("internal-note")->route, ChannelRoute::kInternal);
  EXPECT_EQ(FindChannelRule("api")->route, ChannelRoute::kNone);
  EXPECT_EQ(FindChannelRule("chat")->route, ChannelRoute::kCustomerChannel);
  EXPECT_EQ(FindChannelRule("instagram-comment")->route, ChannelRoute::kInThread);
  EXPECT_TRUE(LooksLikePhone("+1 (555) 010-0000"));
  EXPECT_FALSE(LooksLikePhone("ana@example.com"));
  EXPECT_TRUE(LooksLikeEmail("ana@example.com"));
  EXPECT_FALSE(LooksLikeEmail("+15550100"));
}

// Builds a mock with one admin key, for the transport-free tests.
std::unique_ptr<GorgiasMock> SmallMock(std::uint64_t seed, sim::Executor* executor, sim::Moment now) {
  Config config;
  config.sending.jitter = sim::Duration{0};
  auto mock = std::make_unique<GorgiasMock>(config, sim::Rng(seed), executor);
  const std::uint64_t ana = mock->AddUser({0, "ana@acme.example", "Ana", "Agent", "admin", "", true, {}}, now);
  mock->AddApiKey(ana, "key");
  return mock;
}

sim::Request ApiRequest(sim::Method method, std::string target, std::string body = "") {
  sim::Request request;
  request.method = method;
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers.Set("Authorization", "Basic " + sim::Base64Encode("ana@acme.example:key"));
  request.headers.Set("Content-Type", "application/json");
  return request;
}

constexpr char kTicket[] = R"({"customer": {"email": "maria@example.com"}, "messages": [
  {"channel": "email", "via": "email", "from_agent": false, "body_text": "hello",
   "sender": {"email": "maria@example.com"}}]})";

constexpr char kReply[] = R"({"channel": "email", "via": "api", "from_agent": true, "body_text": "hi",
  "source": {"from": {"address": "support@acme.example"}, "to": [{"address": "maria@example.com"}]}})";

TEST(GorgiasMockDeterminism, TheSameSeedGivesTheSameIdsAndBodies) {
  sim::VirtualClock clock(sim::DefaultSimEpoch());
  // Three tickets, then the events they wrote: ids (drawn gaps) and event UUIDs come from the seed.
  const auto transcript = [&](std::uint64_t seed) {
    auto mock = SmallMock(seed, nullptr, clock.MomentNow());
    std::vector<std::string> bodies;
    for (int i = 0; i < 3; ++i) {
      bodies.push_back(mock->Handle(ApiRequest(sim::Method::kPost, "/api/tickets", kTicket), clock.MomentNow()).body);
    }
    bodies.push_back(mock->Handle(ApiRequest(sim::Method::kGet, "/api/events"), clock.MomentNow()).body);
    return bodies;
  };
  EXPECT_EQ(transcript(99), transcript(99));
  EXPECT_NE(transcript(99), transcript(100));
}

TEST(GorgiasMockSending, WithoutAnExecutorSendsRunWhenTheHostAsks) {
  sim::VirtualClock clock(sim::DefaultSimEpoch());
  auto mock = SmallMock(1, nullptr, clock.MomentNow());
  const sim::Response ticket = mock->Handle(ApiRequest(sim::Method::kPost, "/api/tickets", kTicket), clock.MomentNow());
  ASSERT_EQ(ticket.status, 201) << ticket.body;
  const std::string id = std::to_string(Json::parse(ticket.body)["id"].get<std::uint64_t>());
  ASSERT_EQ(mock->Handle(ApiRequest(sim::Method::kPost, "/api/tickets/" + id + "/messages", kReply), clock.MomentNow()).status,
            201);
  mock->RunDueSends(clock.MomentNow());
  EXPECT_EQ(mock->Deliveries().at(0).fate, DeliveryFate::kQueued);
  clock.AdvanceTo(clock.Now() + sim::Sec(1));
  mock->RunDueSends(clock.MomentNow());
  EXPECT_EQ(mock->Deliveries().at(0).fate, DeliveryFate::kDelivered);
  EXPECT_EQ(mock->Deliveries().at(0).to, "maria@example.com");
}

// Live mode proper: the server calls Handle with its own runtime's clock, the sends run on a
// separate LiveRuntime whose clock has another origin. The send still happens after its delay.
TEST(GorgiasMockLive, AQueuedReplyIsSentOnTheRuntime) {
  sim::live::LiveRuntime runtime;
  runtime.Start();
  auto mock = SmallMock(5, &runtime, runtime.clock().MomentNow());
  Sending sending;
  sending.delay = sim::Ms(20);
  sending.jitter = sim::Duration{0};
  mock->SetSending(sending);
  sim::live::HttpServer server(*mock);
  const auto port = server.Start();
  ASSERT_TRUE(port.has_value());
  sim::live::LiveHttpClient client(runtime);
  const auto send = [&](sim::Request request) {
    request.headers.Set("Host", "127.0.0.1:" + std::to_string(*port));
    auto future = sim::live::Launch(runtime, client.Send(std::move(request)));
    EXPECT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return future.get();
  };
  const auto ticket = send(ApiRequest(sim::Method::kPost, "/api/tickets", kTicket));
  ASSERT_TRUE(ticket.has_value());
  ASSERT_EQ(ticket->status, 201) << ticket->body;
  const std::string id = std::to_string(Json::parse(ticket->body)["id"].get<std::uint64_t>());
  const auto reply = send(ApiRequest(sim::Method::kPost, "/api/tickets/" + id + "/messages", kReply));
  ASSERT_TRUE(reply.has_value());
  ASSERT_EQ(reply->status, 201) << reply->body;
  bool delivered = false;
  for (int i = 0; i < 5000 && !delivered; ++i) {
    delivered = mock->Deliveries().at(0).fate == DeliveryFate::kDelivered;
    if (!delivered) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  EXPECT_TRUE(delivered);
  client.Close();
  server.Stop();
  runtime.Stop();
}

}  // namespace
}  // namespace rh::mocks::gorgias
