// Goal: the LLM mock through direct Handle calls: same seed and prompt give the same bytes,
// fault and error rates are met over 10,000 calls, drafts state only the prompt's facts unless
// a hallucination fault was drawn (and the log says so), bad input gets the real status and
// body without changing state, and streams follow each API's event sequence.
#include "mocks/llm/llm_mock.h"

#include <gtest/gtest.h>

#include <regex>

#include "llm_test_support.h"

namespace rh::mocks::llm {
namespace {

using testing::AnthropicChat;
using testing::AnthropicRequest;
using testing::At;
using testing::OpenAiChat;
using testing::OpenAiRequest;
using testing::ParseSse;

const std::vector<std::pair<std::string, Intent>> kClearTexts = {
    {"Where is my order? It has not arrived yet.", Intent::kWismo},
    {"I want to return the jacket, it does not fit.", Intent::kReturn},
    {"Can I exchange this for a different size?", Intent::kExchange},
    {"Please cancel my order, I ordered by mistake.", Intent::kCancel},
    {"I need to change my address for the delivery.", Intent::kAddressChange},
    {"The mug arrived broken, the handle is cracked.", Intent::kDamagedItem},
    {"Tracking says delivered but I never received the package.", Intent::kDeliveredNotReceived},
    {"Where is my refund? I sent the item back two weeks ago.", Intent::kRefundStatus},
    {"Do you have a discount code for my next purchase?", Intent::kDiscountRequest},
    {"Is this jacket waterproof? What are the dimensions?", Intent::kProductQuestion},
    {"Hello, I just wanted to say thanks for the great service.", Intent::kOther},
};

Json ClassifySchema() {
  return Json{{"type", "json_schema"},
              {"json_schema",
               {{"name", "ticket_intent"},
                {"strict", true},
                {"schema",
                 {{"type", "object"},
                  {"properties",
                   {{"intent", {{"type", "string"}}}, {"confidence", {{"type", "number"}}},
                    {"reasons", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
                  {"required", {"intent", "confidence", "reasons"}},
                  {"additionalProperties", false}}}}}};
}

Config QuietConfig() {
  Config c;
  c.rate_limits.enabled = false;
  c.error_model = ErrorModel::Uniform(1.0);
  c.error_model.ambiguous_swap = 0;
  return c;
}

TEST(LlmMock, SameSeedAndPromptGiveTheSameBytesOnBothApisStreamingToo) {
  for (bool stream : {false, true}) {
    Json oa = OpenAiChat("Draft a reply.", "Where is my order #1042?\nCarrier: UPS");
    Json an = AnthropicChat("Draft a reply.", "Where is my order #1042?\nCarrier: UPS");
    if (stream) {
      oa["stream"] = true;
      oa["stream_options"] = {{"include_usage", true}};
      an["stream"] = true;
    }
    Config c;
    c.faults.hallucinated_tracking = 0.5;
    LlmMock a(c, sim::Rng(99));
    LlmMock b(c, sim::Rng(99));
    // b sees an unrelated request first: content-derived streams ignore arrival order.
    b.Handle(OpenAiRequest(OpenAiChat("x", "something else")), At(0));
    for (const sim::Request& req : {OpenAiRequest(oa), AnthropicRequest(an)}) {
      const sim::Response ra = a.Handle(req, At(1));
      const sim::Response rb = b.Handle(req, At(1));
      EXPECT_EQ(ra.status, 200);
      EXPECT_EQ(ra.body, rb.body);
      EXPECT_EQ(ra.headers.fields(), rb.headers.fields());
      EXPECT_EQ(ra.service_time, rb.service_time);
    }
  }
  LlmMock other(Config{}, sim::Rng(100));
  LlmMock one(Config{}, sim::Rng(99));
  const sim::Request req = OpenAiRequest(OpenAiChat("Draft a reply.", "Where is my order?"));
  EXPECT_NE(one.Handle(req, At(1)).body, other.Handle(req, At(1)).body);
}

TEST(LlmMock, MeetsEveryConfiguredFaultAndErrorRateOverTenThousandCalls) {
  Config c;
  c.rate_limits.enabled = false;
  c.error_model = ErrorModel::Uniform(0.90);
  c.error_model.ambiguous_swap = 0;
  c.faults = {0.05, 0.04, 0.10, 0.08, 0.06, 0.07, 0.05, 10};
  LlmMock mock(c, sim::Rng(2024));
  constexpr int kCalls = 10'000;
  for (int i = 0; i < kCalls; ++i) {
    const auto& [text, intent] = kClearTexts[static_cast<std::size_t>(i) % kClearTexts.size()];
    const std::string user = "<ticket>" + text + "</ticket>\nTicket id: " + std::to_string(i) +
                             "\nOrder: #" + std::to_string(1000 + i) + "\nCarrier: UPS";
    Json body;
    if (i % 2 == 0) {
      body = OpenAiChat("Classify the support ticket.", user);
      body["response_format"] = ClassifySchema();
    } else {
      body = OpenAiChat("Write the reply to the customer as JSON.", user);
      body["response_format"] = {{"type", "json_object"}};
    }
    const sim::Response r = mock.Handle(OpenAiRequest(body), At(i));
    ASSERT_TRUE(r.status == 200 || r.status == 503) << r.body;
  }
  const std::vector<CallRecord> calls = mock.Calls();
  ASSERT_EQ(calls.size(), static_cast<std::size_t>(kCalls));
  auto has = [](const CallRecord& record, FaultKind k) {
    return std::find(record.faults.begin(), record.faults.end(), k) != record.faults.end();
  };
  struct Tally {
    int hits = 0;
    int eligible = 0;
    double Rate() const { return eligible == 0 ? 0 : static_cast<double>(hits) / eligible; }
  };
  Tally overload, refusal, halluc, refund, invalid, truncated, slow, wrong;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const CallRecord& call = calls[i];
    EXPECT_EQ(call.truth, kClearTexts[i % kClearTexts.size()].second);
    ++overload.eligible;
    overload.hits += has(call, FaultKind::kOverload);
    if (has(call, FaultKind::kOverload)) continue;
    ++wrong.eligible;
    wrong.hits += call.answered != call.truth;
    ++refusal.eligible;
    refusal.hits += has(call, FaultKind::kRefusal);
    if (has(call, FaultKind::kRefusal)) continue;
    ++invalid.eligible;
    invalid.hits += has(call, FaultKind::kInvalidJson);
    ++truncated.eligible;
    truncated.hits += has(call, FaultKind::kTruncated);
    ++slow.eligible;
    slow.hits += has(call, FaultKind::kSlowStream);
    if (call.task == CallTask::kDraft) {
      ++halluc.eligible;
      halluc.hits += has(call, FaultKind::kHallucinatedTracking);
      ++refund.eligible;
      refund.hits += has(call, FaultKind::kRefundPromise);
    }
  }
  constexpr double kTolerance = 0.015;  // +-1.5 percentage points
  EXPECT_NEAR(overload.Rate(), 0.05, kTolerance);
  EXPECT_NEAR(refusal.Rate(), 0.04, kTolerance);
  EXPECT_NEAR(halluc.Rate(), 0.10, kTolerance);
  EXPECT_NEAR(refund.Rate(), 0.08, kTolerance);
  EXPECT_NEAR(invalid.Rate(), 0.06, kTolerance);
  EXPECT_NEAR(truncated.Rate(), 0.07, kTolerance);
  EXPECT_NEAR(slow.Rate(), 0.05, kTolerance);
  EXPECT_NEAR(wrong.Rate(), 0.10, kTolerance);
  EXPECT_GT(halluc.eligible, 4000);
  // Every drawn fault is in the fault log too.
  std::size_t drawn = 0;
  for (const CallRecord& call : calls) drawn += call.faults.size();
  EXPECT_EQ(mock.Faults().size(), drawn);
}

TEST(LlmMock, AppliesOneConfusionMatrixCell) {
  Config c = QuietConfig();
  c.error_model.confusion[static_cast<int>(Intent::kWismo)][static_cast<int>(Intent::kWismo)] = 0.8;
  c.error_model.confusion[static_cast<int>(Intent::kWismo)][static_cast<int>(Intent::kDeliveredNotReceived)] = 0.2;
  LlmMock mock(c, sim::Rng(5));
  int dnr = 0;
  constexpr int kCalls = 4000;
  for (int i = 0; i < kCalls; ++i) {
    Json body = OpenAiChat("Classify the ticket.", "Where is my order? ref " + std::to_string(i));
    body["response_format"] = ClassifySchema();
    const sim::Response r = mock.Handle(OpenAiRequest(body), At(i));
    const Json content = Json::parse(Json::parse(r.body)["choices"][0]["message"]["content"].get<std::string>());
    dnr += content["intent"] == "delivered_not_received";
    ASSERT_TRUE(content["intent"] == "wismo" || content["intent"] == "delivered_not_received");
  }
  EXPECT_NEAR(static_cast<double>(dnr) / kCalls, 0.2, 0.02);
}

// A generated WISMO-like prompt with a random subset of facts.
std::string GeneratePrompt(sim::Rng& rng, int i) {
  const auto& [text, intent] = kClearTexts[rng.Below(kClearTexts.size())];
  std::string p = "<ticket>" + text + " (ref " + std::to_string(i) + ")</ticket>\n";
  if (rng.Bernoulli(0.7)) p += "Order: #" + std::to_string(1000 + rng.Below(9000)) + "\n";
  if (rng.Bernoulli(0.5)) p += "Customer: Maria Diaz\n";
  if (rng.Bernoulli(0.5)) p += "Carrier: " + std::string(rng.Bernoulli(0.5) ? "UPS" : "FedEx") + "\n";
  if (rng.Bernoulli(0.5)) p += "Tracking: 1Z" + std::to_string(100000000000000ULL + rng.Below(899999999999999ULL)) + "X\n";
  if (rng.Bernoulli(0.3)) p += "Tracking URL: https://track.example/t/" + std::to_string(rng.Below(100000)) + "\n";
  if (rng.Bernoulli(0.4)) p += "Shipped: 2026-11-" + std::to_string(10 + rng.Below(9)) + "\n";
  if (rng.Bernoulli(0.3)) p += "Delivered: 2026-11-2" + std::to_string(rng.Below(9)) + "\n";
  if (rng.Bernoulli(0.3)) p += "Estimated delivery: 2026-12-0" + std::to_string(1 + rng.Below(8)) + "\n";
  if (rng.Bernoulli(0.3)) p += "Return window: 30 days, until 2026-12-2" + std::to_string(rng.Below(9)) + "\n";
  return p;
}

TEST(LlmMock, DraftNeverStatesAFactAbsentFromItsPromptUnlessAHallucinationWasDrawn) {
  Config c = QuietConfig();
  c.faults.hallucinated_tracking = 0.2;
  c.faults.refund_promise = 0.1;
  LlmMock mock(c, sim::Rng(77));
  sim::Rng gen(1234);
  const std::regex fact_like(R"(1Z[0-9A-Z]{16}|#[0-9]{3,}|https?://[^\s]+|\b\d{4}-\d{2}-\d{2}\b|\b(UPS|USPS|FedEx|DHL)\b)");
  const std::regex promise(R"(issued a full refund|store credit|credit for your next order)");
  int hallucinated = 0;
  for (int i = 0; i < 1500; ++i) {
    const std::string prompt = GeneratePrompt(gen, i);
    const bool anthropic = i % 2 == 1;
    const sim::Response r =
        anthropic ? mock.Handle(AnthropicRequest(AnthropicChat("Draft a reply to the customer using only these facts.", prompt)), At(i))
                  : mock.Handle(OpenAiRequest(OpenAiChat("Draft a reply to the customer using only these facts.", prompt)), At(i));
    ASSERT_EQ(r.status, 200);
    const Json doc = Json::parse(r.body);
    const std::string draft = anthropic ? doc["content"][0]["text"].get<std::string>()
                                        : doc["choices"][0]["message"]["content"].get<std::string>();
    const CallRecord call = mock.Calls().back();
    ASSERT_EQ(call.task, CallTask::kDraft);
    const bool fault = !call.hallucinated_tracking.empty();
    hallucinated += fault;
    bool stated_invented = false;
    for (auto it = std::sregex_iterator(draft.begin(), draft.end(), fact_like); it != std::sregex_iterator(); ++it) {
      const std::string fact = it->str();
      if (prompt.find(fact) != std::string::npos) continue;
      ASSERT_TRUE(fault && fact == call.hallucinated_tracking)
          << "draft states \"" << fact << "\" absent from the prompt\n--- prompt\n" << prompt << "--- draft\n" << draft;
      stated_invented = true;
    }
    EXPECT_EQ(stated_invented, fault) << draft;
    const bool promised = std::regex_search(draft, promise);
    const bool promise_fault = std::find(call.faults.begin(), call.faults.end(), FaultKind::kRefundPromise) != call.faults.end();
    EXPECT_EQ(promised, promise_fault) << draft;
  }
  EXPECT_GT(hallucinated, 200);
}

struct BadCase {
  std::string name;
  sim::Request request;
  int status;
  std::string error_type;
  std::string param_or_message;  // OpenAI: the param ("null" for none); Anthropic: message prefix
};

TEST(LlmMock, AnswersBadInputWithTheRealStatusAndBodyAndChangesNothing) {
  Config c;
  c.rate_limits.openai_rpm = 10;
  LlmMock mock(c, sim::Rng(1));
  Json no_model = OpenAiChat("s", "u");
  no_model.erase("model");
  Json no_messages = OpenAiChat("s", "u");
  no_messages.erase("messages");
  Json too_long = OpenAiChat("s", "u");
  too_long["max_tokens"] = 100000;
  Json reasoning = OpenAiChat("s", "u");
  reasoning["model"] = "o4-mini";
  reasoning["max_tokens"] = 100;
  Json unknown = OpenAiChat("s", "u");
  unknown["model"] = "gpt-x";
  Json a_no_max = AnthropicChat("s", "u");
  a_no_max.erase("max_tokens");
  Json a_too_long = AnthropicChat("s", "u");
  a_too_long["max_tokens"] = 100000;
  const std::vector<BadCase> cases = {
      {"openai no model", OpenAiRequest(no_model), 400, "invalid_request_error", "null"},
      {"openai no messages", OpenAiRequest(no_messages), 400, "invalid_request_error", "messages"},
      {"openai max_tokens too large", OpenAiRequest(too_long), 400, "invalid_request_error", "max_tokens"},
      {"openai max_tokens on a reasoning model", OpenAiRequest(reasoning), 400, "invalid_request_error", "max_tokens"},
      {"openai unknown model", OpenAiRequest(unknown), 404, "invalid_request_error", "null"},
      {"openai no key", OpenAiRequest(OpenAiChat("s", "u"), ""), 401, "invalid_request_error", "null"},
      {"openai wrong key", OpenAiRequest(OpenAiChat("s", "u"), "not-a-key"), 401, "invalid_request_error", "null"},
      {"anthropic no key", AnthropicRequest(AnthropicChat("s", "u"), ""), 401, "authentication_error", "x-api-key"},
      {"anthropic no version", AnthropicRequest(AnthropicChat("s", "u"), "ak", false), 400, "invalid_request_error",
       "anthropic-version"},
      {"anthropic no max_tokens", AnthropicRequest(a_no_max), 400, "invalid_request_error", "max_tokens: Field required"},
      {"anthropic max_tokens too large", AnthropicRequest(a_too_long), 400, "invalid_request_error", "max_tokens: 100000 > 64000"},
  };
  for (const BadCase& bc : cases) {
    const sim::Response r = mock.Handle(bc.request, At(1));
    EXPECT_EQ(r.status, bc.status) << bc.name;
    const Json doc = Json::parse(r.body);
    if (bc.request.Path() == "/v1/chat/completions") {
      ASSERT_TRUE(doc.contains("error")) << bc.name;
      EXPECT_EQ(doc["error"]["type"], bc.error_type) << bc.name;
      EXPECT_TRUE(doc["error"]["message"].is_string()) << bc.name;
      EXPECT_EQ(doc["error"]["param"].dump(), bc.param_or_message == "null" ? "null" : "\"" + bc.param_or_message + "\"")
          << bc.name;
      EXPECT_TRUE(doc["error"].contains("code")) << bc.name;
    } else {
      EXPECT_EQ(doc["type"], "error") << bc.name;
      EXPECT_EQ(doc["error"]["type"], bc.error_type) << bc.name;
      EXPECT_EQ(doc["error"]["message"].get<std::string>().rfind(bc.param_or_message, 0), 0u) << bc.name << r.body;
      EXPECT_TRUE(doc["request_id"].is_string());
    }
  }
  EXPECT_TRUE(mock.Calls().empty());
  // The rate-limit buckets were not touched: the first good call sees a full bucket.
  const sim::Response ok = mock.Handle(OpenAiRequest(OpenAiChat("s", "u")), At(1));
  ASSERT_EQ(ok.status, 200);
  EXPECT_EQ(ok.headers.GetOr("x-ratelimit-remaining-requests", ""), "9");
}

TEST(LlmMock, RefusesSamplingParametersOfTheWrongTypeOrRangeWithEachApisErrorBody) {
  LlmMock mock(Config{}, sim::Rng(1));
  struct Case {
    const char* field;
    Json value;
    const char* code;
  };
  const std::vector<Case> openai = {
      {"temperature", "hot", "invalid_type"},        {"temperature", 2.5, "decimal_above_max_value"},
      {"temperature", -0.1, "decimal_below_min_value"}, {"top_p", 1.5, "decimal_above_max_value"},
      {"top_p", true, "invalid_type"},               {"n", 0, "integer_below_min_value"},
      {"n", 1.5, "invalid_type"},
      {"max_tokens", "100", "invalid_type"},         {"max_completion_tokens", 0, "integer_below_min_value"},
  };
  for (const Case& c : openai) {
    Json body = OpenAiChat("s", "u");
    body[c.field] = c.value;
    const sim::Response r = mock.Handle(OpenAiRequest(body), At(1));
    EXPECT_EQ(r.status, 400) << c.field << " " << c.value.dump();
    const Json doc = Json::parse(r.body);
    EXPECT_EQ(doc["error"]["type"], "invalid_request_error") << r.body;
    EXPECT_EQ(doc["error"]["param"], c.field) << r.body;
    EXPECT_EQ(doc["error"]["code"], c.code) << r.body;
  }
  const std::vector<std::pair<Json, std::string>> anthropic = {
      {"hot", "temperature: Input should be a valid number"}, {1.5, "temperature: range: 0..1"}};
  for (const auto& [value, message] : anthropic) {
    Json body = AnthropicChat("s", "u");
    body["temperature"] = value;
    const sim::Response r = mock.Handle(AnthropicRequest(body), At(1));
    EXPECT_EQ(r.status, 400) << r.body;
    const Json doc = Json::parse(r.body);
    EXPECT_EQ(doc["type"], "error");
    EXPECT_EQ(doc["error"]["type"], "invalid_request_error");
    EXPECT_EQ(doc["error"]["message"], message);
  }
  for (const auto& [value, message] : std::vector<std::pair<Json, std::string>>{
           {"100", "max_tokens: Input should be a valid integer"},
           {0, "max_tokens: Input should be a valid integer greater than or equal to 1"}}) {
    Json body = AnthropicChat("s", "u");
    body["max_tokens"] = value;
    const sim::Response r = mock.Handle(AnthropicRequest(body), At(1));
    EXPECT_EQ(r.status, 400) << r.body;
    const Json doc = Json::parse(r.body);
    EXPECT_EQ(doc["type"], "error");
    EXPECT_EQ(doc["error"]["type"], "invalid_request_error");
    EXPECT_EQ(doc["error"]["message"], message);
  }
  EXPECT_TRUE(mock.Calls().empty());
  // The edges are accepted.
  Json edge = OpenAiChat("s", "u");
  edge["temperature"] = 2;
  edge["top_p"] = 0;
  edge["n"] = 1;
  EXPECT_EQ(mock.Handle(OpenAiRequest(edge), At(1)).status, 200);
  Json a_edge = AnthropicChat("s", "u");
  a_edge["temperature"] = 1.0;
  a_edge["top_p"] = nullptr;
  EXPECT_EQ(mock.Handle(AnthropicRequest(a_edge), At(1)).status, 200);
}

TEST(LlmMock, StreamsOpenAiChunksEndingInDoneWithTheUsageChunk) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  Json body = OpenAiChat("Draft a reply.", "Where is my order?\nOrder: #1042");
  body["stream"] = true;
  body["stream_options"] = {{"include_usage", true}};
  const sim::Response r = mock.Handle(OpenAiRequest(body), At(1));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.GetOr("Content-Type", ""), "text/event-stream");
  bool ok = false;
  const auto events = ParseSse(r.body, &ok);
  ASSERT_TRUE(ok);
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events.back().data, "[DONE]");
  std::string text;
  for (std::size_t i = 0; i + 1 < events.size(); ++i) {
    EXPECT_EQ(events[i].event, "");
    const Json chunk = Json::parse(events[i].data);
    EXPECT_EQ(chunk["object"], "chat.completion.chunk");
    if (i + 2 == events.size()) {  // the usage chunk
      EXPECT_TRUE(chunk["choices"].empty());
      EXPECT_GT(chunk["usage"]["total_tokens"].get<int>(), 0);
      continue;
    }
    EXPECT_TRUE(chunk["usage"].is_null());
    const Json& choice = chunk["choices"][0];
    if (i == 0) {
      EXPECT_EQ(choice["delta"]["role"], "assistant");
    }
    if (i + 3 == events.size()) {
      EXPECT_TRUE(choice["delta"].empty());
      EXPECT_EQ(choice["finish_reason"], "stop");
    } else {
      EXPECT_TRUE(choice["finish_reason"].is_null());
      if (choice["delta"].contains("content")) text += choice["delta"]["content"].get<std::string>();
    }
  }
  EXPECT_EQ(text, mock.Calls().back().content);
  EXPECT_NE(text.find("#1042"), std::string::npos);
  EXPECT_GT(r.service_time, sim::Duration{0});
}

TEST(LlmMock, StreamsAnthropicEventsInTheDocumentedOrder) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  Json body = AnthropicChat("You classify tickets. Use the tool.", "Where is my order?");
  body["stream"] = true;
  body["tools"] = Json::array({{{"name", "classify_ticket"},
                                {"description", "Record the intent"},
                                {"input_schema",
                                 {{"type", "object"},
                                  {"properties", {{"intent", {{"type", "string"}}}, {"confidence", {{"type", "number"}}}}}}}}});
  const sim::Response r = mock.Handle(AnthropicRequest(body), At(1));
  ASSERT_EQ(r.status, 200);
  bool ok = false;
  const auto events = ParseSse(r.body, &ok);
  ASSERT_TRUE(ok);
  std::vector<std::string> names;
  std::string partial;
  for (const auto& e : events) {
    const Json d = Json::parse(e.data);
    EXPECT_EQ(d["type"], e.event);
    if (names.empty() || names.back() != e.event || e.event != "content_block_delta") names.push_back(e.event);
    if (e.event == "content_block_delta") partial += d["delta"]["partial_json"].get<std::string>();
    if (e.event == "message_delta") {
      EXPECT_EQ(d["delta"]["stop_reason"], "tool_use");
      EXPECT_GT(d["usage"]["output_tokens"].get<int>(), 1);
    }
  }
  const std::vector<std::string> expected = {"message_start", "content_block_start", "ping", "content_block_delta",
                                             "content_block_stop", "message_delta", "message_stop"};
  EXPECT_EQ(names, expected);
  const Json input = Json::parse(partial);
  EXPECT_EQ(input["intent"], "wismo");
}

TEST(LlmMock, AnswersAClassificationToolCallWithJsonArgumentsOnOpenAi) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  Json body = OpenAiChat("Classify the ticket.", "My parcel says delivered but I never received it.");
  body["tools"] = Json::array({{{"type", "function"},
                                {"function",
                                 {{"name", "set_intent"},
                                  {"parameters",
                                   {{"type", "object"},
                                    {"properties",
                                     {{"intent", {{"type", "string"}, {"enum", {"where_is_my_order", "dnr", "other"}}}},
                                      {"confidence", {{"type", "number"}}}}}}}}}}});
  const sim::Response r = mock.Handle(OpenAiRequest(body), At(1));
  const Json doc = Json::parse(r.body);
  const Json& message = doc["choices"][0]["message"];
  EXPECT_EQ(doc["choices"][0]["finish_reason"], "tool_calls");
  EXPECT_TRUE(message["content"].is_null());
  const Json args = Json::parse(message["tool_calls"][0]["function"]["arguments"].get<std::string>());
  EXPECT_EQ(args["intent"], "dnr");
  EXPECT_EQ(doc["model"], "gpt-4o-mini-2024-07-18");
}

// The non-streamed completion is written straight to text: it must print as the ordered
// document does (nlohmann's escaping, OpenAI's key order), for a reply and a tool call.
TEST(LlmMock, WritesAPlainCompletionAsItsOrderedDocumentPrints) {
  LlmMock mock(QuietConfig(), sim::Rng(5));
  Json reply = OpenAiChat("Draft a reply.", "Where is my order? \"quoted\" \\ tab\t \u0001 caf\u00e9");
  Json tool = OpenAiChat("Classify the ticket.", "My parcel says delivered but I never received it.");
  tool["tools"] = Json::array({{{"type", "function"},
                                {"function", {{"name", "set_intent"}, {"parameters", {{"type", "object"}}}}}}});
  for (const Json& body : {reply, tool}) {
    const sim::Response r = mock.Handle(OpenAiRequest(body), At(1));
    ASSERT_EQ(r.status, 200) << r.body;
    const OrderedJson doc = OrderedJson::parse(r.body);
    EXPECT_EQ(DumpJson(doc), r.body);
    std::vector<std::string> keys;
    for (const auto& [key, value] : doc.items()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "object", "created", "model", "choices", "usage", "service_tier",
                                              "system_fingerprint"}));
  }
}

TEST(LlmMock, ScriptsOverrideTheModelByContentAndByCallNumber) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  Script by_text;
  by_text.contains = "magic words";
  by_text.text = "Scripted hello.";
  mock.AddScript(by_text);
  Script second;
  second.nth_call = 2;
  second.status = 529;
  second.error_type = "overloaded_error";
  second.error_message = "Overloaded";
  mock.AddScript(second);
  const sim::Response first = mock.Handle(OpenAiRequest(OpenAiChat("s", "say the magic words")), At(1));
  EXPECT_EQ(Json::parse(first.body)["choices"][0]["message"]["content"], "Scripted hello.");
  const sim::Response two = mock.Handle(AnthropicRequest(AnthropicChat("s", "anything")), At(2));
  EXPECT_EQ(two.status, 529);
  EXPECT_EQ(Json::parse(two.body)["error"]["type"], "overloaded_error");
  const sim::Response three = mock.Handle(AnthropicRequest(AnthropicChat("s", "anything")), At(3));
  EXPECT_EQ(three.status, 200);
  EXPECT_EQ(mock.Calls()[0].script, 0);
  EXPECT_EQ(mock.Calls()[1].script, 1);
}

TEST(LlmMock, TruncatesAtMaxTokensWithFinishReasonLength) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  Json body = OpenAiChat("Draft a reply.", "Where is my order?");
  body["max_completion_tokens"] = 5;
  const Json doc = Json::parse(mock.Handle(OpenAiRequest(body), At(1)).body);
  EXPECT_EQ(doc["choices"][0]["finish_reason"], "length");
  EXPECT_EQ(doc["usage"]["completion_tokens"], 5);
  Json abody = AnthropicChat("Draft a reply.", "Where is my order?");
  abody["max_tokens"] = 5;
  const Json adoc = Json::parse(mock.Handle(AnthropicRequest(abody), At(1)).body);
  EXPECT_EQ(adoc["stop_reason"], "max_tokens");
}

TEST(LlmMock, InspectionRoutesSetFaultsAndReadTheCallLog) {
  LlmMock mock(QuietConfig(), sim::Rng(3));
  sim::Request put;
  put.method = sim::Method::kPut;
  put.target = "/_rehearsal/faults";
  put.body = R"({"overload": 1.0})";
  EXPECT_EQ(mock.Handle(put, At(0)).status, 200);
  put.body = R"({"overload": 2.0})";
  EXPECT_EQ(mock.Handle(put, At(0)).status, 400);
  const sim::Response r = mock.Handle(AnthropicRequest(AnthropicChat("s", "hi")), At(1));
  EXPECT_EQ(r.status, 529);
  sim::Request get;
  get.target = "/_rehearsal/calls";
  const Json log = Json::parse(mock.Handle(get, At(1)).body);
  ASSERT_EQ(log["data"].size(), 1u);
  EXPECT_EQ(log["data"][0]["faults"][0], "overload");
  EXPECT_EQ(log["data"][0]["status"], 529);
}

}  // namespace
}  // namespace rh::mocks::llm
