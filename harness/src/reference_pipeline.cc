#include "harness/reference_pipeline.h"

#include "sim/check.h"

#ifndef REHEARSAL_SOURCE_DIR
#error "REHEARSAL_SOURCE_DIR must name the source tree (set by harness/CMakeLists.txt)"
#endif

namespace rh::harness {

pipeline::DecisionLog ReferencePipeline::OpenLog(const std::string& path) {
  auto log = pipeline::DecisionLog::Open(path);
  RH_CHECK(log.has_value(), "the decision log did not open");
  return std::move(*log);
}

pipeline::clients::ClientConfigs WorldClientConfigs(const SimWorld& world) {
  const WorldCredentials& creds = world.credentials();
  pipeline::clients::ClientConfigs configs;
  configs.shopify.host = std::string(kShopifyHost);
  configs.shopify.access_token = creds.shopify_access_token;
  configs.shopify.api_version = creds.shopify_api_version;
  configs.gorgias.host = std::string(kGorgiasHost);
  configs.gorgias.email = creds.gorgias_email;
  configs.gorgias.api_key = creds.gorgias_api_key;
  configs.gorgias.support_email = "support@rehearsal-store.example";
  configs.gorgias.support_name = "Rehearsal Store";
  configs.klaviyo.host = std::string(kKlaviyoHost);
  configs.klaviyo.api_key = creds.klaviyo_api_key;
  configs.klaviyo.revision = creds.klaviyo_revision;
  configs.llm.host = std::string(kLlmHost);
  configs.llm.api_key = creds.llm_api_key;
  return configs;
}

ReferencePipeline::ReferencePipeline(SimWorld& world, pipeline::Policy policy, const std::string& decision_log_path,
                                     Breakage breakage)
    : world_(world), policy_(std::move(policy)), log_(OpenLog(decision_log_path)) {
  namespace pc = pipeline::clients;
  const WorldCredentials& creds = world.credentials();
  if (!policy_.routing.default_assignee_user_id && !creds.agent_user_ids.empty()) {
    policy_.routing.default_assignee_user_id = creds.agent_user_ids.front();
  }
  http_ = world.MakeClient("pipeline");
  sim::Trace* trace = &world.trace();
  const sim::Rng rng = world.rng().Fork("pipeline");
  const std::shared_ptr<const pc::Pacing> pacing = breakage.pacing ? breakage.pacing : pc::KeepToLimits();

  pc::ClientConfigs configs = WorldClientConfigs(world);
  configs.SetPacing(pacing);
  clients_ = std::make_unique<pc::ClientSet>(configs, *http_, world.scheduler(), rng, trace);

  pipeline::PipelineOptions options;
  options.gorgias_user_email = creds.gorgias_email;
  options.store_name = "Rehearsal Store";
  options.seams = breakage.seams;
  pipeline_ = std::make_unique<pipeline::Pipeline>(world.scheduler(), pipeline::PipelineClients{shopify(), gorgias(), klaviyo(), llm()},
                                                   policy_, log_, options, trace);
  pipeline::IntakeConfig intake;
  intake.shopify_api_secret = creds.shopify_api_secret;
  intake.gorgias_hmac_secret = creds.gorgias_webhook_secret;
  intake_ = std::make_unique<pipeline::WebhookIntake>(intake, *pipeline_, trace, breakage.signatures);
  world.AttachPipeline(*intake_);
}

ReferencePipeline::~ReferencePipeline() {
  // Work still queued references the clients: let it finish, then take the host down so a late
  // webhook retry finds nobody rather than a destroyed intake.
  world_.scheduler().RunUntilIdle();
  world_.network().RemoveHost(std::string(kPipelineHost));
}

pipeline::Policy DefaultPolicy() {
  const std::string path = std::string(REHEARSAL_SOURCE_DIR) + "/scenarios/policies/default.yaml";
  auto policy = pipeline::LoadPolicyFile(path);
  if (!policy) {
    std::fprintf(stderr, "%s\n", policy.error().ToString().c_str());
    std::abort();
  }
  return *policy;
}

}  // namespace rh::harness
