// Goal: the LLM mock over real transports — in memory (InMemoryNetwork + Scheduler) and over
// loopback (HttpServer + LiveHttpClient) — for answers, 429s and 529s with their headers; and
// cassettes: recorded through an in-memory upstream, replayed byte for byte, a miss explained.
// The cassette test is in-memory only: the live HttpServer does not call HandleAsync yet.
#include "mocks/llm/llm_mock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <memory>

#include "llm_test_support.h"
#include "sim/in_memory_network.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"
#include "sim/scheduler.h"

namespace rh::mocks::llm {
namespace {

using testing::AnthropicChat;
using testing::AnthropicRequest;
using testing::OpenAiChat;
using testing::OpenAiRequest;

enum class Transport { kInMemory, kLoopback };

class LlmTransportTest : public ::testing::TestWithParam<Transport> {
 protected:
  void Start(Config config) {
    mock = std::make_unique<LlmMock>(std::move(config), sim::Rng(11));
    if (GetParam() == Transport::kInMemory) {
      network = std::make_unique<sim::InMemoryNetwork>(scheduler, sim::Rng(7));
      client = network->MakeClient("pipeline");
      network->AddHost("llm", *mock);
      authority = "llm";
    } else {
      runtime = std::make_unique<sim::live::LiveRuntime>();
      client = std::make_unique<sim::live::LiveHttpClient>(*runtime);
      server = std::make_unique<sim::live::HttpServer>(*mock);
      const auto port = server->Start();
      ASSERT_TRUE(port.has_value());
      runtime->Start();
      authority = "127.0.0.1:" + std::to_string(*port);
    }
  }
  void TearDown() override {
    if (server) server->Stop(sim::Ms(500));
    if (runtime) runtime->Stop();
    server.reset();
    client.reset();
    runtime.reset();
    network.reset();
    mock.reset();
  }
  sim::Response Send(sim::Request request) {
    request.headers.Set("Host", authority);
    std::optional<sim::SendResult> result;
    if (GetParam() == Transport::kInMemory) {
      sim::Spawn([&]() -> sim::Task<void> { result.emplace(co_await client->Send(request)); });
      while (!result && scheduler.Step()) {
      }
    } else {
      auto future = sim::live::Launch(*runtime, client->Send(std::move(request)));
      if (future.wait_for(std::chrono::seconds(10)) != std::future_status::ready) std::abort();
      result.emplace(future.get());
    }
    if (!result || !result->has_value()) {
      ADD_FAILURE() << "transport error";
      return {};
    }
    return **result;
  }

  sim::Scheduler scheduler;
  std::unique_ptr<LlmMock> mock;
  std::unique_ptr<sim::InMemoryNetwork> network;
  std::unique_ptr<sim::live::LiveRuntime> runtime;
  std::unique_ptr<sim::live::HttpServer> server;
  std::unique_ptr<sim::HttpClient> client;
  std::string authority;
};

TEST_P(LlmTransportTest, AnswersBothApisWithUsageAndRateLimitHeaders) {
  Start(Config{});
  const sim::Response oa = Send(OpenAiRequest(OpenAiChat("Draft a reply.", "Where is my order?\nOrder: #1042")));
  ASSERT_EQ(oa.status, 200) << oa.body;
  const Json doc = Json::parse(oa.body);
  EXPECT_EQ(doc["object"], "chat.completion");
  EXPECT_EQ(doc["usage"]["total_tokens"].get<int>(),
            doc["usage"]["prompt_tokens"].get<int>() + doc["usage"]["completion_tokens"].get<int>());
  EXPECT_EQ(oa.headers.GetOr("x-ratelimit-limit-requests", ""), "500");
  EXPECT_EQ(oa.headers.GetOr("x-ratelimit-remaining-requests", ""), "499");
  EXPECT_TRUE(oa.headers.Has("x-ratelimit-reset-tokens"));
  const sim::Response an = Send(AnthropicRequest(AnthropicChat("Draft a reply.", "Where is my order?")));
  ASSERT_EQ(an.status, 200) << an.body;
  EXPECT_EQ(Json::parse(an.body)["type"], "message");
  EXPECT_EQ(an.headers.GetOr("anthropic-ratelimit-requests-limit", ""), "50");
  EXPECT_TRUE(an.headers.GetOr("anthropic-ratelimit-tokens-reset", "").ends_with("Z"));
}

TEST_P(LlmTransportTest, RefusesOverTheRequestLimitWith429AndRetryHeaders) {
  Config c;
  c.rate_limits.openai_rpm = 2;
  c.rate_limits.anthropic_rpm = 1;
  Start(c);
  const sim::Request req = OpenAiRequest(OpenAiChat("Draft a reply.", "Where is my order?"));
  EXPECT_EQ(Send(req).status, 200);
  EXPECT_EQ(Send(req).status, 200);
  const sim::Response r = Send(req);
  ASSERT_EQ(r.status, 429);
  const Json doc = Json::parse(r.body);
  EXPECT_EQ(doc["error"]["type"], "requests");
  EXPECT_EQ(doc["error"]["code"], "rate_limit_exceeded");
  EXPECT_TRUE(r.headers.Has("retry-after"));
  EXPECT_TRUE(r.headers.Has("retry-after-ms"));
  EXPECT_EQ(r.headers.GetOr("x-ratelimit-remaining-requests", ""), "0");

  const sim::Request areq = AnthropicRequest(AnthropicChat("Draft a reply.", "Where is my order?"));
  EXPECT_EQ(Send(areq).status, 200);
  const sim::Response ar = Send(areq);
  ASSERT_EQ(ar.status, 429);
  EXPECT_EQ(Json::parse(ar.body)["error"]["type"], "rate_limit_error");
  EXPECT_TRUE(ar.headers.Has("retry-after"));
  EXPECT_EQ(ar.headers.GetOr("x-should-retry", ""), "true");
  EXPECT_EQ(ar.headers.GetOr("anthropic-ratelimit-requests-remaining", ""), "0");
}

TEST_P(LlmTransportTest, OverloadsWith529OnAnthropicAnd503OnOpenAi) {
  Config c;
  c.faults.overload = 1.0;
  Start(c);
  const sim::Response an = Send(AnthropicRequest(AnthropicChat("s", "hello")));
  EXPECT_EQ(an.status, 529);
  const Json doc = Json::parse(an.body);
  EXPECT_EQ(doc["type"], "error");
  EXPECT_EQ(doc["error"]["type"], "overloaded_error");
  EXPECT_TRUE(an.headers.Has("request-id"));
  EXPECT_TRUE(an.headers.Has("anthropic-ratelimit-requests-remaining"));
  const sim::Response oa = Send(OpenAiRequest(OpenAiChat("s", "hello")));
  EXPECT_EQ(oa.status, 503);
  EXPECT_EQ(Json::parse(oa.body)["error"]["type"], "server_error");
  ASSERT_EQ(mock->Faults().size(), 2u);
  EXPECT_EQ(mock->Faults()[0].kind, FaultKind::kOverload);
}

INSTANTIATE_TEST_SUITE_P(Transports, LlmTransportTest, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         [](const ::testing::TestParamInfo<Transport>& param_info) {
                           return param_info.param == Transport::kInMemory ? std::string("InMemory") : std::string("Loopback");
                         });

TEST(LlmCassette, RecordedAgainstTheMockUpstreamReplaysByteIdenticalAndExplainsAMiss) {
  const std::string path = ::testing::TempDir() + "llm_cassette_test.jsonl";
  std::remove(path.c_str());
  sim::Scheduler scheduler;
  sim::InMemoryNetwork network(scheduler, sim::Rng(7));
  LlmMock upstream(Config{}, sim::Rng(5));
  auto upstream_client = network.MakeClient("recorder");
  Config rc;
  rc.cassette = {CassetteMode::kRecord, path, upstream_client.get(), "upstream", sim::Sec(60)};
  LlmMock recorder(rc, sim::Rng(6));
  network.AddHost("upstream", upstream);
  network.AddHost("recorder", recorder);
  auto client = network.MakeClient("pipeline");
  auto send = [&](sim::Request request, const std::string& host) {
    request.headers.Set("Host", host);
    std::optional<sim::SendResult> result;
    sim::Spawn([&]() -> sim::Task<void> { result.emplace(co_await client->Send(request)); });
    while (!result && scheduler.Step()) {
    }
    EXPECT_TRUE(result && result->has_value());
    return **result;
  };
  Json streamed = AnthropicChat("Draft a reply.", "Where is my order?\nOrder: #7");
  streamed["stream"] = true;
  const std::vector<sim::Request> requests = {
      OpenAiRequest(OpenAiChat("Draft a reply.", "Where is my order?\nOrder: #1042")),
      AnthropicRequest(streamed),
      OpenAiRequest(OpenAiChat("s", "u"), ""),  // a 401 is recorded too
  };
  std::vector<sim::Response> recorded;
  for (const auto& req : requests) recorded.push_back(send(req, "recorder"));
  EXPECT_EQ(recorded[0].status, 200);
  EXPECT_EQ(recorded[2].status, 401);
  EXPECT_EQ(recorder.CassetteEntries().size(), 3u);
  EXPECT_EQ(upstream.Calls().size(), 2u);

  Config pc;
  pc.cassette.mode = CassetteMode::kReplay;
  pc.cassette.path = path;
  LlmMock player(pc, sim::Rng(999));
  network.AddHost("player", player);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    sim::Request req = requests[i];
    req.headers.Set("Authorization", "Bearer sk-a-different-key");  // keys are not in the cassette key
    if (i == 2) req.headers.Remove("Authorization");
    const sim::Response r = send(req, "player");
    EXPECT_EQ(r.status, recorded[i].status) << i;
    EXPECT_EQ(r.body, recorded[i].body) << i;
    EXPECT_EQ(r.headers.GetOr("Content-Type", ""), recorded[i].headers.GetOr("Content-Type", "")) << i;
    EXPECT_EQ(r.headers.GetOr("x-request-id", ""), recorded[i].headers.GetOr("x-request-id", "")) << i;
  }
  EXPECT_TRUE(player.Calls().empty());
  const sim::Response miss = send(OpenAiRequest(OpenAiChat("Draft a reply.", "never recorded")), "player");
  EXPECT_EQ(miss.status, 404);
  const Json doc = Json::parse(miss.body);
  EXPECT_EQ(doc["error"]["code"], "cassette_miss");
  EXPECT_EQ(doc["cassette_miss"]["model"], "gpt-4o-mini");
  EXPECT_EQ(doc["cassette_miss"]["first_message"], "Draft a reply.");
  EXPECT_NE(doc["error"]["message"].get<std::string>().find(doc["cassette_miss"]["key"].get<std::string>()), std::string::npos);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace rh::mocks::llm
