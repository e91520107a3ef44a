// The reference pipeline assembled inside a SimWorld: its four API clients on the world's
// in-memory network (each with its own random stream and the world's trace), its decision log
// (in memory unless a path is given), the Pipeline and its WebhookIntake attached at the
// "pipeline" host. Everything the pipeline knows of the world comes from WorldCredentials, the
// same facts a store would put in its settings file.
#pragma once

#include <memory>
#include <string>

#include "harness/sim_world.h"
#include "pipeline/clients/client_set.h"
#include "pipeline/decision_log.h"
#include "pipeline/pipeline.h"
#include "pipeline/policy.h"
#include "pipeline/webhook_intake.h"

namespace rh::harness {

// The four clients' configs for a pipeline inside `world`: its in-memory hosts and its credentials
// (pacing left at the clients' default). Shared by ReferencePipeline and tests that build their own.
pipeline::clients::ClientConfigs WorldClientConfigs(const SimWorld& world);

// A pipeline variant's collaborators: what replaces the real ones at the pipeline's seams, for
// the negative tests (each oracle must be shown to fire on a pipeline broken in its way). Every
// member left null is the real collaborator, so `{}` is the reference pipeline. The broken ones
// (pipeline_variants.h) are stateless and may be shared by runs on many threads.
struct Breakage {
  pipeline::PipelineSeams seams;                                  // the workflow's collaborators
  std::shared_ptr<const pipeline::SignatureVerifier> signatures;  // the intake's signature check
  std::shared_ptr<const pipeline::clients::Pacing> pacing;        // every client's keeping to limits
};

class ReferencePipeline {
 public:
  // `policy` is copied. Routing with no default assignee gets the world's first agent.
  ReferencePipeline(SimWorld& world, pipeline::Policy policy, const std::string& decision_log_path = ":memory:",
                    Breakage breakage = {});
  ~ReferencePipeline();

  pipeline::Pipeline& pipeline() { return *pipeline_; }
  pipeline::WebhookIntake& intake() { return *intake_; }
  pipeline::DecisionLog& log() { return log_; }
  const pipeline::Policy& policy() const { return policy_; }
  pipeline::clients::ShopifyClient& shopify() { return clients_->shopify(); }
  pipeline::clients::GorgiasClient& gorgias() { return clients_->gorgias(); }
  pipeline::clients::KlaviyoClient& klaviyo() { return clients_->klaviyo(); }
  pipeline::clients::LlmClient& llm() { return clients_->llm(); }

 private:
  static pipeline::DecisionLog OpenLog(const std::string& path);

  SimWorld& world_;
  pipeline::Policy policy_;
  pipeline::DecisionLog log_;
  std::unique_ptr<sim::HttpClient> http_;
  std::unique_ptr<pipeline::clients::ClientSet> clients_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  std::unique_ptr<pipeline::WebhookIntake> intake_;
};

// The policy file of the repository (scenarios/policies/default.yaml), loaded or aborting: for
// tests and the default run.
pipeline::Policy DefaultPolicy();

}  // namespace rh::harness
