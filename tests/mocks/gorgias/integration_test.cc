// Goal: HTTP integrations, Gorgias's outbound webhooks, fire on their triggers with the url,
// headers and form templated against the ticket (values as strings), "{{context}}" sends the
// whole ticket (and message), the X-Gorgias-Signature of our model verifies with an HMAC
// computed independently (OpenSSL here, not the project's crypto), and each call is logged with
// its outcome. Same on both transports; webhooks travel the transport under test.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <thread>

#include "gorgias_fixture.h"

namespace rh::mocks::gorgias::testing {
namespace {

using GorgiasIntegrations = GorgiasTest;

// Lower-case hex HMAC-SHA256, straight from OpenSSL.
std::string IndependentHmacHex(const std::string& key, const std::string& body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

TEST_P(GorgiasIntegrations, AnHttpIntegrationFiresOnTicketCreatedWithATemplatedSignedBody) {
  const Reply integration = Post("/api/integrations",
                                 {{"type", "http"},
                                  {"name", "triage-hook"},
                                  {"http",
                                   {{"url", "http://" + hook_authority + "/gorgias?ticket={{ticket.id}}"},
                                    {"method", "POST"},
                                    {"headers", {{"x-api-key", "s3cr3t"}, {"X-Ticket-Channel", "{{ticket.channel}}"}}},
                                    {"request_content_type", "application/json"},
                                    {"form",
                                     {{"ticket_id", "{{ticket.id}}"},
                                      {"email", "{{ticket.customer.email}}"},
                                      {"spam", "{{ticket.spam}}"},
                                      {"first", "{{ticket.messages[0].body_text}}"}}},
                                    {"hmac_secret", "whsec_test"},
                                    {"triggers", {{"ticket_created", true}, {"ticket-updated", false}}}}}});
  ASSERT_EQ(integration.status, 201) << integration.body;

  const std::uint64_t id = CreateEmailTicket("Hi, no tracking yet.");
  ASSERT_TRUE(WaitForHooks(1));
  const sim::Request hook = hooks.Requests().at(0);
  EXPECT_EQ(hook.method, sim::Method::kPost);
  EXPECT_EQ(hook.target, "/gorgias?ticket=" + std::to_string(id));
  EXPECT_EQ(hook.headers.GetOr("x-api-key", ""), "s3cr3t");
  EXPECT_EQ(hook.headers.GetOr("X-Ticket-Channel", ""), "email");
  EXPECT_EQ(hook.headers.GetOr("Content-Type", ""), "application/json");
  const Json body = Json::parse(hook.body);
  EXPECT_EQ(body["ticket_id"], std::to_string(id));  // a string, as Gorgias renders it
  EXPECT_EQ(body["email"], kMariaEmail);
  EXPECT_EQ(body["spam"], "False");
  EXPECT_EQ(body["first"], "Hi, no tracking yet.");
  EXPECT_EQ(hook.headers.GetOr("X-Gorgias-Signature", ""), IndependentHmacHex("whsec_test", hook.body));

  // A ticket update does not fire this integration.
  ASSERT_EQ(Put("/api/tickets/" + std::to_string(id), {{"status", "closed"}}).status, 200);
  Advance(sim::Sec(1));
  EXPECT_EQ(mock->IntegrationCalls().size(), 1u);
}

TEST_P(GorgiasIntegrations, TheContextFormSendsTheTicketAndTheMessageOnMessageCreated) {
  const Reply integration = Post("/api/integrations",
                                 {{"type", "http"},
                                  {"name", "context-hook"},
                                  {"http",
                                   {{"url", "http://" + hook_authority + "/ctx"},
                                    {"method", "POST"},
                                    {"form", "{{context}}"},
                                    {"triggers", {{"ticket-message-created", true}}}}}});
  ASSERT_EQ(integration.status, 201) << integration.body;
  const std::uint64_t id = CreateEmailTicket();
  const Reply reply = Post("/api/tickets/" + std::to_string(id) + "/messages", EmailReply("On its way."));
  ASSERT_EQ(reply.status, 201);
  ASSERT_TRUE(WaitForHooks(1));
  ASSERT_EQ(hooks.Count(), 1u);  // ticket creation fires ticket-created only
  const sim::Request hook = hooks.Requests()[0];
  EXPECT_FALSE(hook.headers.Has("X-Gorgias-Signature"));  // no hmac_secret, no signature
  const Json body = Json::parse(hook.body);
  EXPECT_EQ(body["ticket"]["id"], id);
  EXPECT_EQ(body["ticket"]["account"]["domain"], "acme");
  EXPECT_EQ(body["ticket"]["last_message"]["id"], reply.json["id"]);
  EXPECT_EQ(body["ticket"]["customer"]["integrations"]["6"]["orders"][0]["name"], "#1042");
  EXPECT_EQ(body["message"]["id"], reply.json["id"]);
  EXPECT_EQ(body["message"]["body_text"], "On its way.");
}

TEST_P(GorgiasIntegrations, EachCallIsLoggedWithItsOutcome) {
  ASSERT_EQ(Post("/api/integrations", {{"type", "http"},
                                       {"name", "get-hook"},
                                       {"http",
                                        {{"url", "http://" + hook_authority + "/status"},
                                         {"method", "GET"},
                                         {"form", {{"id", "{{ticket.id}}"}}},
                                         {"triggers", {{"ticket-status-updated", true}}}}}})
                .status,
            201);
  const std::uint64_t id = CreateEmailTicket();
  ASSERT_EQ(Put("/api/tickets/" + std::to_string(id), {{"status", "closed"}}).status, 200);
  ASSERT_TRUE(WaitForHooks(1));
  EXPECT_EQ(hooks.Requests()[0].target, "/status?id=" + std::to_string(id));  // GET: the form is the query
  EXPECT_TRUE(hooks.Requests()[0].body.empty());
  // The emitter records the answer just after the receiver gives it.
  std::vector<IntegrationCall> calls;
  for (int i = 0; i < 10'000; ++i) {
    calls = mock->IntegrationCalls();
    if (!calls.empty() && calls[0].outcome == "delivered") break;
    if (InMemory()) {
      scheduler.Step();
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].trigger, "ticket-status-updated");
  EXPECT_EQ(calls[0].outcome, "delivered");
  EXPECT_EQ(calls[0].status_code, 200);
  EXPECT_EQ(calls[0].attempts, 1);
  sim::Request read;
  read.target = "/_rehearsal/integration-calls";
  const Reply logged = Send(read);
  ASSERT_EQ(logged.json["data"].size(), 1u);
  EXPECT_EQ(logged.json["data"][0]["request"]["method"], "GET");
}

INSTANTIATE_TEST_SUITE_P(Transports, GorgiasIntegrations, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::gorgias::testing
