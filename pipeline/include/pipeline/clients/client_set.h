// The pipeline's four API clients (Shopify, Gorgias, Klaviyo, the LLM), built in one place for
// every host of the pipeline: the harness's ReferencePipeline (sim mode, in-memory network) and
// `rehearse pipeline` (live mode, sockets). Each client draws from its own child stream of one
// Rng (forked by the service's name), so which host builds them never changes a draw. Owns the
// clients; holds no state of its own. Must not know which transport or mock is behind `http`.
#pragma once

#include <memory>

#include "pipeline/clients/gorgias_client.h"
#include "pipeline/clients/klaviyo_client.h"
#include "pipeline/clients/llm_client.h"
#include "pipeline/clients/pacing.h"
#include "pipeline/clients/shopify_client.h"
#include "pipeline/settings.h"

namespace rh::pipeline::clients {

// Where each service is and how the pipeline signs in.
struct ClientConfigs {
  ShopifyConfig shopify;
  GorgiasConfig gorgias;
  KlaviyoConfig klaviyo;
  LlmConfig llm;

  // Every client paced by `pacing` (KeepToLimits() unless a test seam says otherwise).
  void SetPacing(const std::shared_ptr<const Pacing>& pacing);
};

// The settings' base URLs and credentials (pipeline/settings.h) as the clients' configs; an empty
// optional value (api_version, revision, model) keeps the client's default.
ClientConfigs ClientConfigsFrom(const PipelineSettings& settings);

class ClientSet {
 public:
  // `http` and `executor` outlive the set; `rng` is the pipeline's stream, forked per service.
  ClientSet(const ClientConfigs& configs, sim::HttpClient& http, sim::Executor& executor, const sim::Rng& rng,
            sim::Trace* trace = nullptr);

  ShopifyClient& shopify() { return shopify_; }
  GorgiasClient& gorgias() { return gorgias_; }
  KlaviyoClient& klaviyo() { return klaviyo_; }
  LlmClient& llm() { return llm_; }

 private:
  ShopifyClient shopify_;
  GorgiasClient gorgias_;
  KlaviyoClient klaviyo_;
  LlmClient llm_;
};

}  // namespace rh::pipeline::clients
