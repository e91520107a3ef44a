#include "harness/oracles.h"

#include <algorithm>
#include <set>

#include "run_facts.h"

namespace rh::harness {
namespace {

// How many violations a message spells out; the rest are counted.
constexpr std::size_t kSpelledOut = 3;

using Check = std::vector<oracles::Violation> (*)(const oracles::RunFacts&);

struct Oracle {
  const char* id;
  const char* title;
  Check check;
  const char* held;  // what "held" means, for the message
};

const Oracle kOracles[] = {
    {"I1", "no promotion or review request to a customer with a live issue", oracles::CheckI1,
     "no promotional or review-request send reached a customer during a live issue"},
    {"I2", "no automatic send that touches money", oracles::CheckI2,
     "no automatic reply on a money case and none promising money"},
    {"I3", "automatic sends only inside the policy's safe zone", oracles::CheckI3,
     "every automatic reply was routed auto_send by a safe-zone rule, and the policy agrees on the facts"},
    {"I4", "every decision and override has a decision-log row with its rationale", oracles::CheckI4,
     "every automatic send, routing and person's answer to a handover has its row and rationale"},
    {"I5", "suppression ends after resolution, and recovery fires exactly once per resolved issue",
     oracles::CheckI5, "each resolved issue fired one recovery event and nobody stayed suppressed"},
    {"I6", "a webhook with a missing or wrong signature changes nothing", oracles::CheckI6,
     "no unsigned or forged webhook was accepted"},
    {"I7", "duplicate or reordered deliveries cause no double reply, tag, refund or event", oracles::CheckI7,
     "no double reply, note, tag, recovery event or refund"},
    {"I8", "rate limits respected: Retry-After honoured, no retry storm, nothing dropped for good",
     oracles::CheckI8, "every Retry-After was waited out, no call stormed, every ticket was decided"},
    {"I9", "a sent reply states only facts of the customer's own order", oracles::CheckI9,
     "every automatic reply that reached a customer stated only facts of their orders"},
    {"I10", "replies go out on the ticket's channel with that channel's required fields", oracles::CheckI10,
     "every automatic reply went out on the ticket's channel and was delivered"},
    {"I11", "first response within the service-level target", oracles::CheckI11,
     "every ticket had its first response within the target"},
    {"I12", "every ticket routed as the written policy says (an independent model of docs/POLICY.md)",
     oracles::CheckI12, "every routing decision agreed with the written policy on the facts at the time"},
};

// Why oracle `id` cannot judge this system under test, or "" when it can.
std::string NotApplicable(std::string_view id, const PipelineAccount& pipeline) {
  if (id == "I4" && pipeline.log == nullptr) {
    return "not applicable: the pipeline offers no decision log (GET /rehearsal/decisions, docs/ANY-PIPELINE.md)";
  }
  if (id == "I12" && !pipeline.traced) {
    return "not applicable: the differential oracle needs the pipeline's own triage and routing records at the "
           "time it decided, which an outside pipeline does not give";
  }
  return {};
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& InvariantTitles() {
  static const std::vector<std::pair<std::string, std::string>> titles = [] {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Oracle& o : kOracles) out.emplace_back(o.id, o.title);
    return out;
  }();
  return titles;
}

std::vector<OracleResult> CheckInvariants(const OracleContext& context) {
  const oracles::RunFacts facts(context);
  std::vector<OracleResult> out;
  for (const Oracle& o : kOracles) {
    OracleResult r;
    r.id = o.id;
    r.title = o.title;
    r.expected_to_fire = std::find(context.expected_to_fire.begin(), context.expected_to_fire.end(), r.id) !=
                         context.expected_to_fire.end();
    if (std::string why = NotApplicable(r.id, context.pipeline); !why.empty()) {
      r.applicable = false;
      r.message = std::move(why);
      out.push_back(std::move(r));
      continue;
    }
    const std::vector<oracles::Violation> violations = o.check(facts);
    r.held = violations.empty();
    if (r.held) {
      r.message = o.held;
      out.push_back(std::move(r));
      continue;
    }
    r.message = std::to_string(violations.size()) + (violations.size() == 1 ? " violation: " : " violations: ");
    for (std::size_t i = 0; i < violations.size() && i < kSpelledOut; ++i) {
      r.message += (i == 0 ? "" : "; ") + violations[i].message;
    }
    if (violations.size() > kSpelledOut) r.message += "; and " + std::to_string(violations.size() - kSpelledOut) + " more";
    // Evidence of the first violations first, each record once, in trace order per violation.
    std::set<std::size_t> shown;
    for (const auto& v : violations) {
      std::vector<std::size_t> ev = v.evidence;
      std::sort(ev.begin(), ev.end());
      for (const std::size_t i : ev) {
        if (r.evidence.size() >= kMaxEvidence) break;
        if (i < facts.trace.size() && shown.insert(i).second) {
          r.evidence.push_back(sim::Trace::RenderRecord(facts.trace[i]));
        }
      }
      if (r.evidence.size() >= kMaxEvidence) break;
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace rh::harness
