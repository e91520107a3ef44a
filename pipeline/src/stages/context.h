// What every stage of the workflow works with: the executor (its clock), the four clients, the
// policy, the collaborators at the seams (seams.h), the trace and the counters. The Pipeline owns
// one and hands it to each stage; a stage keeps nothing of its own between events.
// Deterministic in sim mode: time comes from the executor's clock only.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/pipeline.h"
#include "pipeline/seams.h"
#include "sim/executor.h"
#include "sim/trace.h"

namespace rh::pipeline::stages {

// The pipeline's counters, safe to bump from any thread.
class Counters {
 public:
  void Add(std::uint64_t PipelineStats::*counter) {
    std::lock_guard lock(mu_);
    ++(stats_.*counter);
  }
  PipelineStats Get() const {
    std::lock_guard lock(mu_);
    return stats_;
  }

 private:
  mutable std::mutex mu_;
  PipelineStats stats_;
};

// The Gorgias user the pipeline writes as, looked up once by e-mail (and again after a failed
// lookup, which leaves it unknown: 0).
class OwnUser {
 public:
  explicit OwnUser(std::string email) : email_(std::move(email)) {}
  const std::string& email() const { return email_; }
  sim::Task<std::uint64_t> Id(clients::GorgiasClient& gorgias);

 private:
  const std::string email_;
  std::mutex mu_;
  std::optional<std::uint64_t> id_;  // guarded by mu_
};

// Holds a customer "in triage" for its lifetime: until their message's case is decided, no
// recovery fires for them (Suppressor::Triaging), so an apology cannot land on a new problem.
class TriagingCustomer {
 public:
  TriagingCustomer(Suppressor& suppressor, std::string email) : suppressor_(suppressor), email_(std::move(email)) {
    suppressor_.Triaging(email_, +1);
  }
  ~TriagingCustomer() { suppressor_.Triaging(email_, -1); }
  TriagingCustomer(const TriagingCustomer&) = delete;
  TriagingCustomer& operator=(const TriagingCustomer&) = delete;

 private:
  Suppressor& suppressor_;
  const std::string email_;
};

struct Context {
  sim::Executor& executor;
  PipelineClients clients;
  const Policy& policy;
  sim::Trace* trace;  // may be null (live mode)
  Counters& counters;
  OwnUser& own_user;
  // The collaborators at the seams, real or injected.
  const ConfirmPolicy& confirm;
  const FactChecker& fact_check;
  const ReplySender& replies;
  Suppressor& suppressor;
  DecisionRecorder& decisions;

  // A trace record of the pipeline ("pipeline" source) at the clock's now.
  void Record(std::string_view kind, std::vector<sim::TraceField> fields) const {
    if (trace != nullptr) trace->Record(executor.clock().Now(), "pipeline", kind, std::move(fields));
  }
  // A decision row; its id, or 0 when it was not kept.
  std::int64_t Log(DecisionRow row) const { return decisions.Append(std::move(row)); }
  sim::WallTime WallNow() const { return executor.clock().WallNow(); }
};

}  // namespace rh::pipeline::stages
