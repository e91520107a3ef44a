// A pipeline "process" in sim mode that a test can kill at its Nth side effect, FoundationDB
// style: the process's executor and HTTP client freeze at that moment (no callback of its runs
// again, no response reaches it), so nothing it had under way continues, and the next process on
// the same SQLite file must take the work up. The world (mocks, network, clock) lives on, as the
// real services do when a pipeline host dies.
//
// What a crash leaves behind is kept, never destroyed: the suspended coroutine frames still point
// into the dead process, and destroying them would run code a killed process never runs. They
// stay reachable from a process-wide graveyard, so leak checkers see memory in use, not leaks.
#pragma once

#include <unistd.h>

#include <coroutine>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"
#include "pipeline/clients/client_set.h"
#include "pipeline/decision_log.h"
#include "pipeline/pipeline.h"
#include "pipeline/webhook_intake.h"

namespace rh::pipeline::testing {

// What dead processes left: frozen callbacks and coroutine handles, and the processes themselves.
struct Graveyard {
  std::vector<sim::Executor::Callback> callbacks;
  std::vector<std::coroutine_handle<>> frames;
  std::vector<std::shared_ptr<void>> processes;
};
inline Graveyard& TheGraveyard() {
  static Graveyard* graveyard = new Graveyard();  // never freed: it holds what dead processes left
  return *graveyard;
}

// When a process dies: at its Nth side effect (a request that is not a GET to a service), right
// after sending it, so the request takes effect and its answer is lost.
struct Mortality {
  int die_at_side_effect = 0;  // 0: never
  int side_effects = 0;
  bool dead = false;
};

// The dead never run again: callbacks queued or timed before the death are kept, not run.
class MortalExecutor final : public sim::Executor {
 public:
  MortalExecutor(sim::Executor& inner, Mortality& life) : inner_(inner), life_(life) {}
  const sim::Clock& clock() const override { return inner_.clock(); }
  void Post(Callback fn) override { inner_.Post(Guarded(std::move(fn))); }
  sim::TimerId ScheduleAt(sim::Instant when, Callback fn) override { return inner_.ScheduleAt(when, Guarded(std::move(fn))); }
  bool Cancel(sim::TimerId id) override { return inner_.Cancel(id); }

 private:
  Callback Guarded(Callback fn) {
    return [&life = life_, fn = std::move(fn)]() mutable {
      if (life.dead) {
        TheGraveyard().callbacks.push_back(std::move(fn));
        return;
      }
      fn();
    };
  }
  sim::Executor& inner_;
  Mortality& life_;
};

// Suspends the awaiting coroutine for good.
struct Forever {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) const { TheGraveyard().frames.push_back(h); }
  void await_resume() const noexcept {}
};

class MortalHttpClient final : public sim::HttpClient {
 public:
  MortalHttpClient(std::unique_ptr<sim::HttpClient> inner, Mortality& life) : inner_(std::move(inner)), life_(life) {}
  sim::Task<sim::SendResult> Send(sim::Request request, sim::SendOptions options) override {
    if (life_.dead) co_await Forever{};
    const std::string host(request.headers.GetOr("Host", ""));
    const bool side_effect = request.method != sim::Method::kGet && host != harness::kLlmHost;
    if (side_effect && ++life_.side_effects == life_.die_at_side_effect) life_.dead = true;
    sim::Task<sim::SendResult> sending = inner_->Send(std::move(request), options);
    sim::SendResult result = co_await std::move(sending);
    if (life_.dead) co_await Forever{};
    co_return result;
  }

 private:
  std::unique_ptr<sim::HttpClient> inner_;
  Mortality& life_;
};

// The reference pipeline as one process on `world`, its decision log (inbox and memory with it)
// at `db_path`. Its intake answers at host "pipeline" once Attach()ed.
class PipelineProcess {
 public:
  PipelineProcess(harness::SimWorld& world, const Policy& policy, const std::string& db_path, int die_at_side_effect)
      : world_(world), executor_(world.scheduler(), life_), policy_(policy) {
    life_.die_at_side_effect = die_at_side_effect;
    auto log = DecisionLog::Open(db_path);
    if (!log) throw std::runtime_error(log.error());
    log_ = std::make_unique<DecisionLog>(std::move(*log));
    const harness::WorldCredentials& creds = world.credentials();
    if (!policy_.routing.default_assignee_user_id) policy_.routing.default_assignee_user_id = creds.agent_user_ids.front();
    http_ = std::make_unique<MortalHttpClient>(world.MakeClient("pipeline"), life_);
    clients_ = std::make_unique<clients::ClientSet>(harness::WorldClientConfigs(world), *http_, executor_,
                                                    world.rng().Fork("pipeline"));
    PipelineOptions options;
    options.gorgias_user_email = creds.gorgias_email;
    const PipelineClients each{clients_->shopify(), clients_->gorgias(), clients_->klaviyo(), clients_->llm()};
    pipeline_ = std::make_unique<Pipeline>(executor_, each, policy_, *log_, options, &world.trace());
    intake_ = std::make_unique<WebhookIntake>(
        IntakeConfig{creds.shopify_api_secret, creds.gorgias_webhook_secret}, *pipeline_, &world.trace());
  }

  // The first process subscribes the mocks' webhooks; a restarted one takes over the host.
  void Attach(bool first) {
    if (first) {
      world_.AttachPipeline(*intake_);
    } else {
      world_.network().AddHost(std::string(harness::kPipelineHost), *intake_);
    }
  }

  const Mortality& life() const { return life_; }
  // kill -9, now: nothing the process has under way runs again.
  void Kill() { life_.dead = true; }
  Pipeline& pipeline() { return *pipeline_; }
  WebhookIntake& intake() { return *intake_; }
  DecisionLog& log() { return *log_; }

 private:
  harness::SimWorld& world_;
  Mortality life_;
  MortalExecutor executor_;
  Policy policy_;
  std::unique_ptr<DecisionLog> log_;
  std::unique_ptr<sim::HttpClient> http_;
  std::unique_ptr<clients::ClientSet> clients_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<WebhookIntake> intake_;
};

// Runs `world` until nothing is pending (or `limit` of virtual time passed); when `process`
// dies, a new one on the same database takes over at once and the run goes on. The survivor.
inline std::shared_ptr<PipelineProcess> RunThroughCrashes(harness::SimWorld& world, const Policy& policy,
                                                          const std::string& db_path,
                                                          std::shared_ptr<PipelineProcess> process,
                                                          sim::Duration limit = sim::Days(2)) {
  const sim::Instant end = world.scheduler().Now() + limit;
  while (world.scheduler().Now() < end && world.scheduler().Step()) {
    if (!process->life().dead) continue;
    TheGraveyard().processes.push_back(process);
    process = std::make_shared<PipelineProcess>(world, policy, db_path, /*die_at_side_effect=*/0);
    process->Attach(/*first=*/false);
  }
  return process;
}

// A SQLite file of the test's own, removed with its WAL at the end.
struct TempDb {
  TempDb() {
    path = (std::filesystem::temp_directory_path() /
            ("rh_crash_sweep_" + std::to_string(::getpid()) + "_" + std::to_string(++count) + ".sqlite"))
               .string();
  }
  ~TempDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  static inline int count = 0;
  std::string path;
};

// Messages the pipeline wrote on a ticket whose external_id starts with `prefix`.
inline int PipelineMessages(harness::SimWorld& world, std::uint64_t ticket, const std::string& prefix) {
  int n = 0;
  const auto t = world.gorgias().TicketJson(ticket);
  if (!t) return -1;
  for (const auto& m : (*t)["messages"]) {
    const auto& id = m["external_id"];
    if (id.is_string() && id.get<std::string>().rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

// Replies delivered to the customer on `ticket`.
inline int DeliveredTo(harness::SimWorld& world, std::uint64_t ticket) {
  int n = 0;
  for (const auto& d : world.gorgias().Deliveries()) {
    n += d.ticket_id == ticket && d.fate == mocks::gorgias::DeliveryFate::kDelivered ? 1 : 0;
  }
  return n;
}

// Recovery events Klaviyo holds for the customer.
inline int RecoveryEvents(harness::SimWorld& world, const Policy& policy, const std::string& email) {
  const auto profile = world.klaviyo().FindProfileByEmail(email);
  if (!profile) return -1;
  const auto state = world.klaviyo().Snapshot();
  int n = 0;
  for (const auto& e : state.events) {
    auto m = state.metrics.find(e.metric_id);
    n += m != state.metrics.end() && m->second.name == policy.recovery.metric && e.profile_id == profile->id ? 1 : 0;
  }
  return n;
}

}  // namespace rh::pipeline::testing
