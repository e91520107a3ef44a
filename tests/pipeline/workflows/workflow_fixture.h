// A simulated store with the reference pipeline attached, and readers of the state that results
// in each service: what the tests check after a workflow ran.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"

namespace rh::pipeline::testing {

struct WorkflowTest : ::testing::Test {
  using Tweak = std::function<void(harness::SimWorldConfig&)>;
  explicit WorkflowTest(std::uint64_t seed = 7, Policy policy = harness::DefaultPolicy(), const Tweak& tweak = {})
      : world(Config(seed, tweak)), reference(world, std::move(policy)) {}

  static harness::SimWorldConfig Config(std::uint64_t seed, const Tweak& tweak) {
    harness::SimWorldConfig c;
    c.seed = seed;
    // The LLM classifies correctly and confidently unless a test says otherwise.
    c.llm.error_model = mocks::llm::ErrorModel::Uniform(1.0);
    if (tweak) tweak(c);
    return c;
  }

  // The customer writes, and the world runs until everything settled (an hour of virtual time).
  std::uint64_t Writes(const harness::CustomerRef& customer, const std::string& text, const std::string& channel = "email") {
    const auto result = world.CustomerWrites(customer, text, channel);
    world.RunFor(sim::Hours(1));
    return result.ticket_id;
  }

  mocks::OrderedJson Ticket(std::uint64_t id) {
    auto t = world.gorgias().TicketJson(id);
    EXPECT_TRUE(t.has_value());
    return t ? *t : mocks::OrderedJson::object();
  }

  std::vector<std::string> Tags(std::uint64_t id) {
    std::vector<std::string> out;
    const mocks::OrderedJson ticket = Ticket(id);
    for (const auto& tag : ticket["tags"]) out.push_back(tag["name"].get<std::string>());
    return out;
  }

  bool HasTag(std::uint64_t id, const std::string& name) {
    for (const auto& t : Tags(id)) {
      if (t == name) return true;
    }
    return false;
  }

  // Replies that reached the customer (not notes, not undelivered).
  std::vector<mocks::gorgias::CustomerDelivery> Delivered(std::uint64_t ticket_id) {
    std::vector<mocks::gorgias::CustomerDelivery> out;
    for (const auto& d : world.gorgias().Deliveries()) {
      if (d.ticket_id == ticket_id && d.fate == mocks::gorgias::DeliveryFate::kDelivered) out.push_back(d);
    }
    return out;
  }

  int InternalNotes(std::uint64_t ticket_id) {
    int n = 0;
    const mocks::OrderedJson ticket = Ticket(ticket_id);
    for (const auto& m : ticket["messages"]) n += m["channel"] == "internal-note" ? 1 : 0;
    return n;
  }

  std::vector<DecisionRow> Rows(std::uint64_t ticket_id) {
    auto rows = reference.log().ForTicket(ticket_id);
    EXPECT_TRUE(rows.has_value());
    return rows ? *rows : std::vector<DecisionRow>{};
  }

  std::optional<DecisionRow> RouteRow(std::uint64_t ticket_id) {
    for (const auto& r : Rows(ticket_id)) {
      if (r.kind == decision_kind::kRoute) return r;
    }
    return std::nullopt;
  }

  std::uint64_t Assignee(std::uint64_t ticket_id) {
    const mocks::OrderedJson ticket = Ticket(ticket_id);
    const auto& a = ticket["assignee_user"];
    return a.is_object() && a["id"].is_number() ? a["id"].get<std::uint64_t>() : 0;
  }

  std::string Priority(std::uint64_t ticket_id) { return Ticket(ticket_id).value("priority", ""); }

  // The route row says who decided what and why; the test names the rule it expects.
  void ExpectRoute(std::uint64_t ticket_id, std::string_view route, std::string_view rule) {
    const auto row = RouteRow(ticket_id);
    ASSERT_TRUE(row.has_value()) << "no route row for ticket " << ticket_id;
    EXPECT_EQ(row->route, route);
    EXPECT_EQ(row->rule, rule) << row->rationale;
    EXPECT_FALSE(row->rationale.empty());
  }

  // A person has it: assigned, tagged, nothing sent to the customer, the draft kept for them.
  void ExpectHandedOver(std::uint64_t ticket_id) {
    EXPECT_TRUE(HasTag(ticket_id, "needs-review"));
    EXPECT_FALSE(HasTag(ticket_id, "auto-replied"));
    EXPECT_TRUE(Delivered(ticket_id).empty()) << "nothing may reach the customer before a person confirms";
    EXPECT_EQ(Assignee(ticket_id), world.credentials().agent_user_ids.front());
    EXPECT_GE(InternalNotes(ticket_id), 1) << "a handover summary";
    const auto row = RouteRow(ticket_id);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->outcome, "pending_human");
  }

  void ExpectSentAutomatically(std::uint64_t ticket_id) {
    EXPECT_TRUE(HasTag(ticket_id, "auto-replied"));
    EXPECT_EQ(Delivered(ticket_id).size(), 1u);
    const auto row = RouteRow(ticket_id);
    ASSERT_TRUE(row.has_value());
    EXPECT_EQ(row->outcome, "sent");
  }

  int KlaviyoEvents(const std::string& metric) {
    int n = 0;
    const auto state = world.klaviyo().Snapshot();
    for (const auto& e : state.events) {
      auto m = state.metrics.find(e.metric_id);
      if (m != state.metrics.end() && m->second.name == metric) ++n;
    }
    return n;
  }

  bool Suppressed(const std::string& email) {
    auto p = world.klaviyo().FindProfileByEmail(email);
    return p && !p->suppressions.empty();
  }

  // A failing workflow shows its trace: what each service saw and did.
  void TearDown() override {
    if (!HasFailure()) return;
    const auto& records = world.trace().records();
    const std::size_t from = records.size() > 300 ? records.size() - 300 : 0;
    for (std::size_t i = from; i < records.size(); ++i) {
      std::fprintf(stderr, "%s\n", sim::Trace::RenderRecord(records[i]).c_str());
    }
  }

  harness::SimWorld world;
  harness::ReferencePipeline reference;
};

}  // namespace rh::pipeline::testing
