// Goal: a stateful model test of the Gorgias mock (RapidCheck rc::state). Random sequences of
// ticket creation, correct and wrong-channel replies, replies hidden in ticket updates,
// assignments by id and by email, status changes and virtual time passing are run against the
// mock (direct Handle calls, virtual clock, sends run by RunDueSends) and against a small model;
// after every command the ticket and the outbox must agree with the model: a reply is delivered
// once its delay passed and only when its channel can reach the customer, nothing else ever is,
// and a rejected request changes nothing. A failure shrinks to a short command list.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "sim/clock.h"
#include "sim/crypto.h"

namespace rh::mocks::gorgias {
namespace {

constexpr std::uint64_t kAna = 1;
constexpr std::uint64_t kBen = 2;
constexpr std::int64_t kSendDelayMs = 1000;

struct TicketModel {
  int messages = 1;
  bool closed = false;
  std::uint64_t assignee = 0;  // 0: nobody
};

struct PendingReply {
  std::int64_t due_ms;
  bool deliverable;
};

struct Model {
  std::vector<TicketModel> tickets;
  std::int64_t now_ms = 0;
  std::vector<PendingReply> pending;
  int delivered = 0;
  int not_delivered = 0;  // replies on a channel the ticket cannot use, and replies hidden in PUTs
};

struct Sut {
  Sut() {
    Config config;
    config.rate_limits.enabled = false;
    config.sending.delay = sim::Ms(kSendDelayMs);
    config.sending.jitter = sim::Duration{0};
    mock = std::make_unique<GorgiasMock>(config, sim::Rng(2026));
    mock->AddUser({kAna, "ana@acme.example", "Ana", "Agent", "admin", "", true, {}}, clock.MomentNow());
    mock->AddUser({kBen, "ben@acme.example", "Ben", "Boss", "agent", "", true, {}}, clock.MomentNow());
    mock->AddApiKey(kAna, "key");
  }

  sim::Response Call(sim::Method method, const std::string& target, const Json& body = nullptr) {
    sim::Request request;
    request.method = method;
    request.target = target;
    request.headers.Set("Authorization", "Basic " + sim::Base64Encode("ana@acme.example:key"));
    if (!body.is_null()) request.body = body.dump();
    return mock->Handle(request, clock.MomentNow());
  }

  sim::VirtualClock clock{sim::DefaultSimEpoch()};
  std::unique_ptr<GorgiasMock> mock;
  std::vector<std::uint64_t> ticket_ids;
};

using Command = rc::state::Command<Model, Sut>;

// The ticket and the outbox agree with the model after a command.
void CheckAgainst(const Model& m, Sut& sut, std::size_t index) {
  if (index < m.tickets.size()) {
    const sim::Response r = sut.Call(sim::Method::kGet, "/api/tickets/" + std::to_string(sut.ticket_ids[index]));
    RC_ASSERT(r.status == 200);
    const Json t = Json::parse(r.body);
    RC_ASSERT(t["messages_count"].get<int>() == m.tickets[index].messages);
    RC_ASSERT(t["status"].get<std::string>() == (m.tickets[index].closed ? "closed" : "open"));
    const std::uint64_t assignee = t["assignee_user_id"].is_null() ? 0 : t["assignee_user_id"].get<std::uint64_t>();
    RC_ASSERT(assignee == m.tickets[index].assignee);
  }
  int delivered = 0, not_delivered = 0, queued = 0, failed = 0;
  for (const CustomerDelivery& d : sut.mock->Deliveries()) {
    delivered += d.fate == DeliveryFate::kDelivered;
    not_delivered += d.fate == DeliveryFate::kNotDelivered;
    queued += d.fate == DeliveryFate::kQueued;
    failed += d.fate == DeliveryFate::kFailed;
  }
  RC_ASSERT(delivered == m.delivered);
  RC_ASSERT(not_delivered == m.not_delivered);
  RC_ASSERT(queued == static_cast<int>(m.pending.size()));
  RC_ASSERT(failed == 0);
}

Json CustomerTicket() {
  return Json::parse(R"({"customer": {"email": "maria@example.com"}, "messages": [
    {"channel": "email", "via": "email", "from_agent": false, "body_text": "Where is my order?",
     "source": {"from": {"address": "maria@example.com"}, "to": [{"address": "support@acme.example"}]}}]})");
}

Json Reply(bool deliverable) {
  if (!deliverable) return {{"channel", "sms"}, {"via", "api"}, {"from_agent", true}, {"body_text", "Shipped."}};
  return {{"channel", "email"},
          {"via", "api"},
          {"from_agent", true},
          {"source", {{"from", {{"address", "support@acme.example"}}}, {"to", Json::array({{{"address", "maria@example.com"}}})}}},
          {"body_text", "Shipped."}};
}

struct CreateTicket : Command {
  void apply(Model& m) const override { m.tickets.emplace_back(); }
  void run(const Model& m, Sut& sut) const override {
    const sim::Response r = sut.Call(sim::Method::kPost, "/api/tickets", CustomerTicket());
    RC_ASSERT(r.status == 201);
    sut.ticket_ids.push_back(Json::parse(r.body)["id"].get<std::uint64_t>());
    CheckAgainst(nextState(m), sut, m.tickets.size());
  }
  void show(std::ostream& os) const override { os << "CreateTicket"; }
};

struct ReplyToTicket : Command {
  std::size_t index;
  bool deliverable;
  explicit ReplyToTicket(const Model& m) {
    RC_PRE(!m.tickets.empty());
    index = *rc::gen::inRange<std::size_t>(0, m.tickets.size());
    deliverable = *rc::gen::arbitrary<bool>();
  }
  void apply(Model& m) const override {
    ++m.tickets[index].messages;
    m.pending.push_back({m.now_ms + kSendDelayMs, deliverable});
  }
  void run(const Model& m, Sut& sut) const override {
    const sim::Response r = sut.Call(sim::Method::kPost, "/api/tickets/" + std::to_string(sut.ticket_ids[index]) + "/messages",
                                     Reply(deliverable));
    RC_ASSERT(r.status == 201);
    RC_ASSERT(Json::parse(r.body)["sent_datetime"].is_null());
    CheckAgainst(nextState(m), sut, index);
  }
  void show(std::ostream& os) const override {
    os << "Reply(ticket " << index << (deliverable ? ", email)" : ", sms on an email ticket)");
  }
};

struct ReplyInsideTicketUpdate : Command {
  std::size_t index;
  explicit ReplyInsideTicketUpdate(const Model& m) {
    RC_PRE(!m.tickets.empty());
    index = *rc::gen::inRange<std::size_t>(0, m.tickets.size());
  }
  void apply(Model& m) const override { ++m.not_delivered; }
  void run(const Model& m, Sut& sut) const override {
    const sim::Response r = sut.Call(sim::Method::kPut, "/api/tickets/" + std::to_string(sut.ticket_ids[index]),
                                     {{"messages", Json::array({Reply(true)})}});
    RC_ASSERT(r.status == 200);
    CheckAgainst(nextState(m), sut, index);
  }
  void show(std::ostream& os) const override { os << "PutMessages(ticket " << index << ")"; }
};

struct Assign : Command {
  std::size_t index;
  std::uint64_t who;
  bool by_email;
  explicit Assign(const Model& m) {
    RC_PRE(!m.tickets.empty());
    index = *rc::gen::inRange<std::size_t>(0, m.tickets.size());
    who = *rc::gen::element<std::uint64_t>(0, kAna, kBen);
    by_email = *rc::gen::arbitrary<bool>();
  }
  void apply(Model& m) const override {
    if (!by_email) m.tickets[index].assignee = who;  // by email: a 400 that changes nothing
  }
  void run(const Model& m, Sut& sut) const override {
    Json assignee = {{"id", who == 0 ? Json(nullptr) : Json(who)}};
    if (by_email) assignee = {{"email", who == kBen ? "ben@acme.example" : "ana@acme.example"}};
    const sim::Response r = sut.Call(sim::Method::kPut, "/api/tickets/" + std::to_string(sut.ticket_ids[index]),
                                     {{"assignee_user", assignee}});
    RC_ASSERT(r.status == (by_email ? 400 : 200));
    CheckAgainst(nextState(m), sut, index);
  }
  void show(std::ostream& os) const override {
    os << "Assign(ticket " << index << ", user " << who << (by_email ? " by email)" : " by id)");
  }
};

struct SetStatus : Command {
  std::size_t index;
  bool closed;
  explicit SetStatus(const Model& m) {
    RC_PRE(!m.tickets.empty());
    index = *rc::gen::inRange<std::size_t>(0, m.tickets.size());
    closed = *rc::gen::arbitrary<bool>();
  }
  void apply(Model& m) const override { m.tickets[index].closed = closed; }
  void run(const Model& m, Sut& sut) const override {
    const sim::Response r = sut.Call(sim::Method::kPut, "/api/tickets/" + std::to_string(sut.ticket_ids[index]),
                                     {{"status", closed ? "closed" : "open"}});
    RC_ASSERT(r.status == 200);
    CheckAgainst(nextState(m), sut, index);
  }
  void show(std::ostream& os) const override { os << "SetStatus(ticket " << index << (closed ? ", closed)" : ", open)"); }
};

struct PassTime : Command {
  std::int64_t ms = *rc::gen::inRange<std::int64_t>(0, 2500);
  void apply(Model& m) const override {
    m.now_ms += ms;
    std::vector<PendingReply> still;
    for (const PendingReply& p : m.pending) {
      if (p.due_ms > m.now_ms) {
        still.push_back(p);
      } else if (p.deliverable) {
        ++m.delivered;
      } else {
        ++m.not_delivered;
      }
    }
    m.pending = std::move(still);
  }
  void run(const Model& m, Sut& sut) const override {
    sut.clock.AdvanceTo(sut.clock.Now() + sim::Ms(ms));
    sut.mock->RunDueSends(sut.clock.MomentNow());
    CheckAgainst(nextState(m), sut, m.tickets.size());
  }
  void show(std::ostream& os) const override { os << "PassTime(" << ms << " ms)"; }
};

RC_GTEST_PROP(GorgiasModel, RepliesAreDeliveredOnlyThroughTheRightChannelAfterTheirDelay, ()) {
  Sut sut;
  rc::state::check(Model{}, sut,
                   rc::state::gen::execOneOfWithArgs<CreateTicket, ReplyToTicket, ReplyInsideTicketUpdate, Assign,
                                                     SetStatus, PassTime>());
}

}  // namespace
}  // namespace rh::mocks::gorgias
