#include "sim/fault_plan.h"

#include <array>

namespace rh::sim {
namespace {
constexpr std::array<std::pair<FaultKind, std::string_view>, 5> kKinds{{
    {FaultKind::kExtraLatency, "extra_latency"},
    {FaultKind::kErrorStatus, "error_status"},
    {FaultKind::kDropBeforeHandling, "drop_before_handling"},
    {FaultKind::kDropAfterHandling, "drop_after_handling"},
    {FaultKind::kNoResponse, "no_response"},
}};
}  // namespace

std::string_view FaultKindName(FaultKind k) {
  for (const auto& [kind, name] : kKinds) {
    if (kind == k) return name;
  }
  return "unknown";
}

std::optional<FaultKind> ParseFaultKind(std::string_view name) {
  for (const auto& [kind, text] : kKinds) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

void FaultPlan::Add(FaultRule rule) {
  rules_.push_back(std::move(rule));
  state_.emplace_back();
}

void FaultPlan::Clear() {
  rules_.clear();
  state_.clear();
}

FaultOutcome FaultPlan::Decide(std::string_view host, const Request& request, Instant now,
                               Rng& rng) {
  FaultOutcome out;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const FaultRule& r = rules_[i];
    RuleState& st = state_[i];
    if (!r.host.empty() && r.host != host) continue;
    if (!r.path_prefix.empty() && !request.Path().starts_with(r.path_prefix)) continue;
    if (r.method && *r.method != request.method) continue;
    if (now < r.active_from || now >= r.active_until) continue;
    ++st.matches;
    if (st.fires >= r.max_fires) continue;
    if (r.nth > 0) {
      if (st.matches != r.nth) continue;
    } else if (r.probability < 1.0) {
      // Drawn only when a rule matches and its chance is below one; the network passes each
      // host its own stream, so traffic to one host never shifts another's faults.
      if (!rng.Bernoulli(r.probability)) continue;
    }
    const bool terminal = r.kind != FaultKind::kExtraLatency;
    if (terminal && out.terminal != nullptr) continue;  // the first terminal fault wins
    ++st.fires;
    out.fired.push_back(r.name.empty() ? std::string(FaultKindName(r.kind)) : r.name);
    if (terminal) {
      out.terminal = &r;
    } else {
      out.extra_latency += r.extra_latency;
    }
  }
  return out;
}

}  // namespace rh::sim
