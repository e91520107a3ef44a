// Goal: the Gorgias mock writes tickets and messages straight to text on its hot paths (API
// answers, "{{context}}" integration bodies); those bytes must be exactly what the JSON trees of
// the same state print (DumpJson), including awkward content: broken UTF-8, control characters,
// nested meta, tags, an assignee and several messages.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include "sim/clock.h"
#include "sim/crypto.h"

namespace rh::mocks::gorgias {
namespace {

sim::Request ApiRequest(sim::Method method, std::string target, std::string body = "") {
  sim::Request request;
  request.method = method;
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers.Set("Authorization", "Basic " + sim::Base64Encode("ana@acme.example:key"));
  request.headers.Set("Content-Type", "application/json");
  return request;
}

// Two integrations on the same trigger: one sends the whole context (written as text), the other
// templates the same document from the context tree.
void SeedIntegrations(GorgiasMock& mock, sim::Moment now) {
  const auto integration = [](std::string name, std::string form) {
    return OrderedJson{{"type", "http"},
                       {"name", std::move(name)},
                       {"http",
                        {{"url", "http://hooks.example/in"},
                         {"method", "POST"},
                         {"form", std::move(form)},
                         {"triggers", {{"ticket-message-created", true}}}}}};
  };
  ASSERT_TRUE(mock.SeedIntegration(integration("text", "{{context}}"), now).has_value());
  ASSERT_TRUE(mock.SeedIntegration(
                      integration("tree", R"({"ticket":{{ticket|tojson}},"message":{{message|tojson}}})"), now)
                  .has_value());
}

TEST(GorgiasTicketText, ApiAnswersAndContextBodiesPrintAsTheTreesDo) {
  sim::VirtualClock clock(sim::DefaultSimEpoch());
  Config config;
  config.sending.jitter = sim::Duration{0};
  GorgiasMock mock(config, sim::Rng(3));
  const std::uint64_t ana = mock.AddUser({0, "ana@acme.example", "Ana", "Agent", "admin", "", true, {}}, clock.MomentNow());
  mock.AddApiKey(ana, "key");
  SeedIntegrations(mock, clock.MomentNow());

  const std::string broken = std::string("caf\xc3 \x01 tab\t \"quoted\" \\ \xe2\x82\xac");
  const OrderedJson body = {
      {"customer", {{"email", "maria@example.com"}, {"name", broken}}},
      {"subject", broken},
      {"meta", {{"nested", {{"list", {1, -2, 3.5, nullptr, true}}}}, {"text", broken}}},
      {"tags", {{{"name", "vip"}}, {{"name", "wismo"}}}},
      {"assignee_user", {{"id", ana}}},
      {"messages",
       {{{"channel", "email"}, {"via", "email"}, {"from_agent", false}, {"body_text", broken},
         {"sender", {{"email", "maria@example.com"}}}}}}};
  const sim::Response created = mock.Handle(ApiRequest(sim::Method::kPost, "/api/tickets", DumpJson(body)), clock.MomentNow());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t id = Json::parse(created.body)["id"].get<std::uint64_t>();
  const std::string reply = R"({"channel": "email", "via": "api", "from_agent": true, "body_text": "hi \u0007",
    "source": {"from": {"address": "support@acme.example"}, "to": [{"address": "maria@example.com"}]}})";
  const std::string messages = "/api/tickets/" + std::to_string(id) + "/messages";
  ASSERT_EQ(mock.Handle(ApiRequest(sim::Method::kPost, messages, reply), clock.MomentNow()).status, 201);

  const sim::Response got = mock.Handle(ApiRequest(sim::Method::kGet, "/api/tickets/" + std::to_string(id)), clock.MomentNow());
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, DumpJson(*mock.TicketJson(id)));
  EXPECT_NE(got.body.find("\\u0001"), std::string::npos);  // a control character, escaped

  const std::vector<IntegrationCall> calls = mock.IntegrationCalls();
  ASSERT_GE(calls.size(), 2u);
  for (std::size_t i = 0; i + 1 < calls.size(); i += 2) {
    EXPECT_EQ(calls[i].body, calls[i + 1].body) << "call " << calls[i].id;
    EXPECT_NE(calls[i].body.find("\"first_message\""), std::string::npos);
  }
}

}  // namespace
}  // namespace rh::mocks::gorgias
