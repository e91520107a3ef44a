// A simulated store with the reference pipeline (healthy or deliberately broken) attached, the
// people and marketing the oracle tests need, and ways to act as someone who should not: send a
// request as the pipeline's own user, write a note or a decision row as a buggy pipeline would,
// forge a webhook. Used by the oracle tests only. Deterministic: one seed, virtual time.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/oracles.h"
#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"
#include "sim/crypto.h"

namespace rh::harness::testing {

struct OracleTest : ::testing::Test {
  using Tweak = std::function<void(SimWorldConfig&)>;
  explicit OracleTest(Breakage breakage = {}, const Tweak& tweak = {}, std::uint64_t seed = 11)
      : world(Config(seed, tweak)), reference(world, DefaultPolicy(), ":memory:", breakage) {
    newsletter = world.klaviyo().SeedList("Newsletter", world.Now());
  }

  static SimWorldConfig Config(std::uint64_t seed, const Tweak& tweak) {
    SimWorldConfig c;
    c.seed = seed;
    // The LLM classifies correctly unless a test says otherwise.
    c.llm.error_model = mocks::llm::ErrorModel::Uniform(1.0);
    if (tweak) tweak(c);
    return c;
  }

  // A customer on the newsletter list; `n` makes the e-mail and phone unique.
  CustomerRef Customer(const std::string& first, int n, std::vector<std::string> tags = {}) {
    CustomerSpec spec;
    spec.first_name = first;
    spec.email = Lower(first) + "@example.com";
    spec.phone = "+155512300" + std::to_string(10 + n);
    spec.tags = std::move(tags);
    spec.klaviyo_lists = {newsletter};
    return world.AddCustomer(spec);
  }

  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return s;
  }

  // An order shipped `age` ago by UPS with `tracking`, the carrier's status `status`.
  static OrderSpec Shipped(const std::string& tracking, std::string status = "in_transit",
                           sim::Duration age = sim::Days(2)) {
    OrderSpec spec;
    spec.age = age;
    spec.fulfillment = FulfillmentSpec{"UPS", tracking, std::move(status), age - sim::Hours(20)};
    return spec;
  }

  // A promotional campaign to the newsletter, sent `in` from now.
  void Campaign(const std::string& name, sim::Duration in) {
    mocks::klaviyo::Campaign c;
    c.name = name;
    c.kind = mocks::klaviyo::MessageKind::kPromotional;
    c.included = {newsletter};
    c.use_smart_sending = false;
    c.scheduled_at = world.Now().wall + in;
    ASSERT_TRUE(world.klaviyo().ScheduleCampaign(c, world.Now()).has_value());
  }

  std::uint64_t Writes(const CustomerRef& customer, const std::string& text) {
    const auto result = world.CustomerWrites(customer, text);
    world.RunFor(sim::Hours(1));
    return result.ticket_id;
  }

  // The draft the pipeline left for a person (its route row).
  std::string Draft(std::uint64_t ticket_id) {
    auto rows = reference.log().ForTicket(ticket_id);
    if (rows) {
      for (const auto& r : *rows) {
        if (r.kind == "route") return r.draft;
      }
    }
    return {};
  }

  std::uint64_t PipelineUserId() {
    for (const auto& [id, user] : world.gorgias().Snapshot().users) {
      if (user.email == world.credentials().gorgias_email) return id;
    }
    return 0;
  }

  // Sends `request` over the in-memory network as `caller` and waits for the answer.
  std::optional<sim::Response> Send(const std::string& caller, sim::Request request, sim::Duration wait = sim::Minutes(1)) {
    auto client = world.MakeClient(caller);
    std::optional<sim::SendResult> result;
    sim::Spawn([&]() -> sim::Task<void> {
      auto sending = client->Send(request);
      result = co_await std::move(sending);
    });
    world.RunFor(wait);
    if (!result || !result->has_value()) return std::nullopt;
    return **result;
  }

  // A request to Gorgias's API with the pipeline's own credentials, as a broken pipeline would.
  std::optional<sim::Response> GorgiasAsPipeline(sim::Method method, const std::string& target, const mocks::OrderedJson& body) {
    const WorldCredentials& creds = world.credentials();
    sim::Request r;
    r.method = method;
    r.target = target;
    r.headers.Set("Host", std::string(kGorgiasHost));
    r.headers.Set("Authorization", "Basic " + sim::Base64Encode(creds.gorgias_email + ":" + creds.gorgias_api_key));
    r.headers.Set("Content-Type", "application/json");
    r.body = body.dump();
    return Send(std::string(kPipelineCaller), std::move(r));
  }

  // A public reply on `ticket_id` written as the pipeline's user.
  std::optional<sim::Response> ReplyAsPipeline(std::uint64_t ticket_id, const std::string& text,
                                               const std::string& channel = "email", const std::string& to = "") {
    const auto ticket = world.gorgias().TicketJson(ticket_id);
    EXPECT_TRUE(ticket.has_value());
    const mocks::OrderedJson& customer = (*ticket)["customer"];
    mocks::OrderedJson message = {
        {"channel", channel},
        {"via", "api"},
        {"from_agent", true},
        {"sender", {{"id", PipelineUserId()}}},
        {"receiver", {{"id", customer["id"]}}},
        {"source",
         {{"type", channel},
          {"from", {{"address", "support@rehearsal-store.example"}}},
          {"to", mocks::OrderedJson::array({mocks::OrderedJson{{"address", to.empty() ? customer.value("email", "") : to}}})}}},
        {"body_text", text}};
    return GorgiasAsPipeline(sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/messages", message);
  }

  // An internal note on `ticket_id` written as the pipeline's user.
  std::optional<sim::Response> NoteAsPipeline(std::uint64_t ticket_id, const std::string& text) {
    const mocks::OrderedJson note = {{"channel", "internal-note"}, {"via", "api"},
                                     {"from_agent", true},         {"public", false},
                                     {"sender", {{"id", PipelineUserId()}}},
                                     {"body_text", text}};
    return GorgiasAsPipeline(sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/messages", note);
  }

  // The messages the pipeline's user wrote on a ticket, oldest first: its internal notes
  // (`notes`), else its public replies.
  std::vector<std::string> PipelineMessages(std::uint64_t ticket_id, bool notes) {
    const auto state = world.gorgias().Snapshot();
    std::vector<std::string> out;
    const std::uint64_t own = PipelineUserId();
    for (const std::uint64_t id : state.tickets.at(ticket_id).message_ids) {
      const mocks::gorgias::Message& m = state.messages.at(id);
      if (m.sender.kind != mocks::gorgias::Party::Kind::kUser || m.sender.id != own) continue;
      if ((m.channel == "internal-note") == notes) out.push_back(m.body_text.value_or(""));
    }
    return out;
  }

  // The auto_send row the pipeline writes beside a reply, for a test that plays a pipeline which
  // keeps its books but gets something else wrong.
  void LogAutoSend(std::uint64_t ticket_id, const std::string& text, const std::string& rule) {
    pipeline::DecisionRow row;
    row.ticket_id = ticket_id;
    row.kind = std::string(pipeline::decision_kind::kAutoSend);
    row.route = std::string(pipeline::decision_route::kAutoSend);
    row.rule = rule;
    row.rationale = "the policy allowed an automatic reply (" + rule + ")";
    row.draft = text;
    row.final_text = text;
    row.sender = std::string(pipeline::kSenderPipeline);
    row.outcome = std::string(pipeline::decision_outcome::kSent);
    row.decided_at = world.Now().wall;
    row.sent_at = world.Now().wall;
    ASSERT_TRUE(reference.log().Append(row).has_value());
  }

  // Runs `task` to its end (or `wait` of virtual time) and gives its result.
  template <class T>
  std::optional<T> Await(sim::Task<T> task, sim::Duration wait = sim::Minutes(1)) {
    std::optional<T> result;
    sim::Spawn([&result, t = std::move(task)]() mutable -> sim::Task<void> { result = co_await std::move(t); });
    world.RunFor(wait);
    return result;
  }

  // Runs until nothing is pending, then judges.
  std::vector<OracleResult> Judge(sim::Duration sla = sim::Hours(24)) {
    world.RunUntilIdle();
    OracleContext context{world, reference};
    context.first_response_sla = sla;
    results = CheckInvariants(context);
    return results;
  }

  const OracleResult& Result(const std::string& id) {
    for (const auto& r : results) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no result for " << id;
    static const OracleResult none;
    return none;
  }

  static std::string Show(const OracleResult& r) {
    std::string out = r.id + " " + (r.held ? "held" : "FIRED") + ": " + r.message;
    for (const auto& e : r.evidence) out += "\n    " + e;
    return out;
  }

  // The oracle fired, said why, and showed records of the run's trace.
  void ExpectFired(const std::string& id, const std::string& message_part = "") {
    const OracleResult& r = Result(id);
    EXPECT_FALSE(r.held) << Show(r);
    EXPECT_FALSE(r.passed()) << "a violation nobody expected does not pass";
    EXPECT_FALSE(r.message.empty());
    EXPECT_FALSE(r.evidence.empty()) << Show(r);
    EXPECT_LE(r.evidence.size(), kMaxEvidence);
    for (const auto& line : r.evidence) {
      EXPECT_EQ(line.rfind("{\"t_ns\":", 0), 0u) << "evidence is a trace line: " << line;
    }
    if (!message_part.empty()) {
      EXPECT_NE(r.message.find(message_part), std::string::npos)
          << "expected \"" << message_part << "\" in\n" << Show(r);
    }
  }

  // Exactly `ids` fired (each as ExpectFired says), and every other oracle held.
  void ExpectOnlyFired(const std::vector<std::string>& ids) {
    ASSERT_EQ(results.size(), InvariantTitles().size()) << "judge the run first";
    for (const auto& r : results) {
      if (std::find(ids.begin(), ids.end(), r.id) != ids.end()) {
        ExpectFired(r.id);
      } else {
        EXPECT_TRUE(r.held) << "an unrelated oracle fired: " << Show(r);
      }
    }
  }

  void ExpectHeld(const std::string& id) {
    const OracleResult& r = Result(id);
    EXPECT_TRUE(r.held) << Show(r);
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto& r : results) std::fprintf(stderr, "%s\n", Show(r).c_str());
  }

  SimWorld world;
  ReferencePipeline reference;
  std::string newsletter;
  std::vector<OracleResult> results;
};

}  // namespace rh::harness::testing
