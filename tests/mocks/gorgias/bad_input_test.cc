// Goal: bad requests get Gorgias's real status and error envelope ({"error": {"msg", "data"}})
// with the offending field named, and a rejected request changes no state, on both transports:
// malformed JSON, missing required fields, unknown routes and methods, wrong credentials,
// roles without the right, oversize and non-JSON bodies.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include "gorgias_fixture.h"

namespace rh::mocks::gorgias::testing {
namespace {

using GorgiasBadInput = GorgiasTest;

sim::Request Raw(sim::Method method, std::string target, std::string body, std::string content_type = "application/json") {
  sim::Request request;
  request.method = method;
  request.target = std::move(target);
  request.body = std::move(body);
  request.headers.Set("Authorization", "Basic " + sim::Base64Encode("ana@acme.example:key-ana"));
  if (!content_type.empty()) request.headers.Set("Content-Type", content_type);
  return request;
}

TEST_P(GorgiasBadInput, MalformedJsonIsA400AndChangesNothing) {
  const Counts before = CountState();
  const Reply r = Send(Raw(sim::Method::kPost, "/api/tickets", R"({"messages": [{"channel": "email",)"));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(r.json["error"]["msg"].is_string()) << r.body;
  EXPECT_EQ(CountState(), before);
}

TEST_P(GorgiasBadInput, ATicketNeedsMessagesEachWithChannelFromAgentAndVia) {
  const Counts before = CountState();
  const Reply r = Post("/api/tickets", {{"customer", {{"email", "new@example.com"}}},
                                        {"messages", Json::array({{{"body_text", "hello"}}})}});
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json["error"]["msg"], "Failed to create ticket");
  const Json& first = r.json["error"]["data"]["messages"]["0"];
  EXPECT_EQ(first["channel"][0], "Missing data for required field.");
  EXPECT_EQ(first["from_agent"][0], "Missing data for required field.");
  EXPECT_EQ(first["via"][0], "Missing data for required field.");

  const Reply none = Post("/api/tickets", {{"customer", {{"email", "new@example.com"}}}});
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.json["error"]["data"]["messages"][0], "Missing data for required field.");
  const Reply empty = Post("/api/tickets", {{"customer", {{"email", "new@example.com"}}}, {"messages", Json::array()}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.json["error"]["data"]["messages"][0], "Length must be between 1 and 500.");
  const Reply bad_channel = Post("/api/tickets", {{"messages", Json::array({{{"channel", "carrier-pigeon"},
                                                                             {"via", "api"},
                                                                             {"from_agent", false},
                                                                             {"sender", {{"email", "new@example.com"}}}}})}});
  EXPECT_EQ(bad_channel.status, 400);
  EXPECT_TRUE(bad_channel.json["error"]["data"]["messages"]["0"].contains("channel"));
  // Nothing was created, not even the customer the request named.
  EXPECT_EQ(CountState(), before);
  EXPECT_TRUE(Get("/api/customers?email=new@example.com").json["data"].empty());
}

TEST_P(GorgiasBadInput, AMessageWithMissingFieldsIsA400NamingThem) {
  const std::uint64_t id = CreateEmailTicket();
  const Counts before = CountState();
  const Reply r = Post("/api/tickets/" + std::to_string(id) + "/messages", {{"channel", "email"}, {"body_text", "x"}});
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.json["error"]["data"]["from_agent"][0], "Missing data for required field.");
  EXPECT_EQ(r.json["error"]["data"]["via"][0], "Missing data for required field.");
  const Reply bad_sender = Post("/api/tickets/" + std::to_string(id) + "/messages",
                                {{"channel", "email"}, {"via", "api"}, {"from_agent", true}, {"sender", {{"id", 4242}}}});
  EXPECT_EQ(bad_sender.status, 400);
  EXPECT_TRUE(bad_sender.json["error"]["data"]["sender"].contains("id"));
  EXPECT_EQ(CountState(), before);
}

TEST_P(GorgiasBadInput, UnknownRoutesAre404AndWrongMethodsAre405) {
  const Reply unknown = Get("/api/nothing-here");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.json["error"]["msg"], "Resource not found.");
  EXPECT_EQ(Get("/api/tickets/not-a-number").status, 404);
  EXPECT_EQ(Get("/api/tickets/123456").status, 404);
  const Reply wrong = Delete("/api/account");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.json["error"]["msg"], "The specified HTTP method is not allowed.");
  EXPECT_EQ(wrong.headers.GetOr("Allow", ""), "GET");
  EXPECT_EQ(Get("/_rehearsal/nothing").status, 404);
}

TEST_P(GorgiasBadInput, WrongCredentialsAre401AndRolesWithoutTheRightAre403) {
  const Counts before = CountState();
  for (Auth auth : {Auth::kNone, Auth::kWrongKey}) {
    const Reply r = Get("/api/tickets", auth);
    EXPECT_EQ(r.status, 401);
    EXPECT_TRUE(r.json["error"]["msg"].is_string());
    EXPECT_FALSE(r.headers.Has("X-Gorgias-Account-Api-Call-Limit"));  // unattributable: counts nowhere
  }
  const Reply password = Get("/api/tickets", Auth::kPassword);
  EXPECT_EQ(password.status, 401);
  EXPECT_NE(password.json["error"]["msg"].get<std::string>().find("Passwords"), std::string::npos);

  sim::Request bearer = Raw(sim::Method::kGet, "/api/tickets", "", "");
  bearer.headers.Set("Authorization", "Bearer not-a-token");
  EXPECT_EQ(Send(bearer).status, 401);

  sim::Request token;
  token.method = sim::Method::kPost;
  token.target = "/_rehearsal/oauth-tokens";
  token.body = R"({"access_token": "tok-short", "user_id": )" + std::to_string(ana) + R"(, "expires_in_s": 60})";
  ASSERT_EQ(Send(token).status, 201);
  bearer.headers.Set("Authorization", "Bearer tok-short");
  EXPECT_EQ(Send(bearer).status, 200);
  Advance(sim::Sec(61));
  EXPECT_EQ(Send(bearer).status, 401);

  EXPECT_EQ(Get("/api/tickets", Auth::kObserver).status, 200);
  const Reply observer = Post("/api/tickets", {{"messages", Json::array({CustomerEmail("x")})}}, Auth::kObserver);
  EXPECT_EQ(observer.status, 403);
  EXPECT_TRUE(observer.json["error"]["msg"].is_string());
  EXPECT_EQ(CountState(), before);
}

TEST_P(GorgiasBadInput, AnOAuthTokenWithoutTheScopeIsA403) {
  sim::Request token;
  token.method = sim::Method::kPost;
  token.target = "/_rehearsal/oauth-tokens";
  token.body = R"({"access_token": "tok-read", "user_id": )" + std::to_string(ana) + R"(, "scopes": ["tickets:read"]})";
  ASSERT_EQ(Send(token).status, 201);
  sim::Request read = Raw(sim::Method::kGet, "/api/tickets", "", "");
  read.headers.Set("Authorization", "Bearer tok-read");
  EXPECT_EQ(Send(read).status, 200);
  sim::Request write = Raw(sim::Method::kPost, "/api/tickets", R"({"messages": []})");
  write.headers.Set("Authorization", "Bearer tok-read");
  EXPECT_EQ(Send(write).status, 403);
  sim::Request customers = Raw(sim::Method::kGet, "/api/customers", "", "");
  customers.headers.Set("Authorization", "Bearer tok-read");
  EXPECT_EQ(Send(customers).status, 403);
}

TEST_P(GorgiasBadInput, AnOversizeBodyIsA413AndChangesNothing) {
  const Counts before = CountState();
  Json ticket = {{"customer", {{"email", "big@example.com"}}},
                 {"messages", Json::array({CustomerEmail(std::string(kBodyLimit + 1024, 'x'), "big@example.com")})}};
  const Reply r = Post("/api/tickets", ticket);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(CountState(), before);
}

TEST_P(GorgiasBadInput, ABodyThatIsNotJsonIsRefused) {
  const Counts before = CountState();
  EXPECT_EQ(Send(Raw(sim::Method::kPost, "/api/customers", "<customer/>", "application/xml")).status, 415);
  EXPECT_EQ(Send(Raw(sim::Method::kPost, "/api/customers", "[1, 2]")).status, 400);
  EXPECT_EQ(Send(Raw(sim::Method::kPut, "/api/customers/" + std::to_string(maria), R"({"email": 42})")).status, 400);
  EXPECT_EQ(CountState(), before);
}

INSTANTIATE_TEST_SUITE_P(Transports, GorgiasBadInput, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::gorgias::testing
