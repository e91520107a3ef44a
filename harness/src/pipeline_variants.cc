#include "harness/pipeline_variants.h"

#include <memory>

namespace rh::harness {
namespace {

namespace pl = rh::pipeline;
namespace pc = rh::pipeline::clients;

class TrustsAnySignature final : public pl::SignatureVerifier {
 public:
  bool Genuine(std::optional<std::string_view>, std::string_view) const override { return true; }
};

class SendsEveryDraft final : public pl::ConfirmPolicy {
 public:
  bool SendsAutomatically(const pl::Decision&, const std::string& draft, const std::string&) const override {
    return !draft.empty();
  }
};

class NoMoneyGuard final : public pl::ConfirmPolicy {
 public:
  pl::Decision Route(const pl::Policy& policy, const pl::CaseFacts& facts, std::string_view) const override {
    return pl::Decide(policy, facts);
  }
};

class NeverSuppresses final : public pl::Suppressor {
 public:
  sim::Task<void> Open(pl::LiveIssue) override { co_return; }
  sim::Task<void> Resolve(std::string, std::string) override { co_return; }
};

class KeepsNoLog final : public pl::DecisionRecorder {
 public:
  std::int64_t Append(pl::DecisionRow) override { return 0; }
  void SetOutcome(std::int64_t, std::string_view, const pl::OutcomeTimes&) override {}
};

class ChecksNothing final : public pl::FactChecker {
 public:
  std::string Problems(std::string_view, const pl::DraftFacts&) const override { return {}; }
};

class NeverFiresRecovery final : public pl::RecoveryFirer {
 public:
  sim::Task<pc::CallResult<bool>> Fire(pc::KlaviyoClient&, pc::KlaviyoEvent) const override {
    pc::CallError error;
    error.kind = pc::CallErrorKind::kUndeliverable;
    error.detail = "skipped (this pipeline never recovers)";
    co_return sim::MakeUnexpected(std::move(error));
  }
};

// Every awaited call is first a named Task (docs/ARCHITECTURE.md: GCC 12 and co_await operands).
class RepliesTwice final : public pl::ReplySender {
 public:
  sim::Task<pc::CallResult<pc::GorgiasMessage>> Send(pc::GorgiasClient& gorgias, pc::GorgiasTicket ticket,
                                                     pc::GorgiasReply reply) const override {
    pc::GorgiasReply again = reply;
    again.external_id += "-again";
    auto first_call = ReplySender::Send(gorgias, ticket, std::move(reply));
    auto first = co_await std::move(first_call);
    if (first) {
      auto again_call = ReplySender::Send(gorgias, std::move(ticket), std::move(again));
      co_await std::move(again_call);
    }
    co_return first;
  }
};

class RepliesOnEmail final : public pl::ReplySender {
 public:
  sim::Task<pc::CallResult<pc::GorgiasMessage>> Send(pc::GorgiasClient& gorgias, pc::GorgiasTicket ticket,
                                                     pc::GorgiasReply reply) const override {
    ticket.channel = "email";
    auto call = ReplySender::Send(gorgias, std::move(ticket), std::move(reply));
    co_return co_await std::move(call);
  }
};

class ApprovesEveryOffer final : public pl::OfferApproval {
 public:
  bool NeedsPerson(const pl::RecoveryOffer&) const override { return false; }
};

class IgnoresLimits final : public pc::Pacing {
 public:
  pc::RateSignal Heed(const pc::RateSignal&) const override { return {}; }
  std::optional<sim::Duration> Honour(std::optional<sim::Duration>) const override { return std::nullopt; }
  std::optional<sim::Instant> HoldUntil(sim::Instant, sim::Duration) const override { return std::nullopt; }
};

}  // namespace

Breakage BreakageFor(scenario::PipelineVariant variant) {
  using V = scenario::PipelineVariant;
  Breakage b;
  switch (variant) {
    case V::kReference: break;
    case V::kSkipsSignatureCheck: b.signatures = std::make_shared<TrustsAnySignature>(); break;
    case V::kAutoSendsEverything: b.seams.confirm = std::make_shared<SendsEveryDraft>(); break;
    case V::kIgnoresSuppression: b.seams.suppressor = std::make_shared<NeverSuppresses>(); break;
    case V::kNoDecisionLog: b.seams.decisions = std::make_shared<KeepsNoLog>(); break;
    case V::kSkipsFactCheck: b.seams.fact_check = std::make_shared<ChecksNothing>(); break;
    case V::kSkipsRecovery: b.seams.recovery = std::make_shared<NeverFiresRecovery>(); break;
    case V::kRepliesTwice: b.seams.replies = std::make_shared<RepliesTwice>(); break;
    case V::kRepliesOnEmail: b.seams.replies = std::make_shared<RepliesOnEmail>(); break;
    case V::kIgnoresRateLimits: b.pacing = std::make_shared<IgnoresLimits>(); break;
    case V::kSendsOffersUnapproved: b.seams.offers = std::make_shared<ApprovesEveryOffer>(); break;
  }
  return b;
}

Breakage WithoutMoneyGuard() {
  Breakage b;
  b.seams.confirm = std::make_shared<NoMoneyGuard>();
  return b;
}

}  // namespace rh::harness
