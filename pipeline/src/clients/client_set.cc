#include "pipeline/clients/client_set.h"

namespace rh::pipeline::clients {

void ClientConfigs::SetPacing(const std::shared_ptr<const Pacing>& pacing) {
  shopify.retry.pacing = pacing;
  gorgias.retry.pacing = pacing;
  klaviyo.retry.pacing = pacing;
  llm.retry.pacing = pacing;
}

ClientConfigs ClientConfigsFrom(const PipelineSettings& settings) {
  ClientConfigs c;
  c.shopify.host = HostOf(settings.shopify.base_url);
  c.shopify.access_token = settings.shopify.Get("access_token");
  if (!settings.shopify.Get("api_version").empty()) c.shopify.api_version = settings.shopify.Get("api_version");
  c.gorgias.host = HostOf(settings.gorgias.base_url);
  c.gorgias.email = settings.gorgias.Get("email");
  c.gorgias.api_key = settings.gorgias.Get("api_key");
  c.klaviyo.host = HostOf(settings.klaviyo.base_url);
  c.klaviyo.api_key = settings.klaviyo.Get("api_key");
  if (!settings.klaviyo.Get("revision").empty()) c.klaviyo.revision = settings.klaviyo.Get("revision");
  c.llm.host = HostOf(settings.llm.base_url);
  c.llm.api_key = settings.llm.Get("api_key");
  if (!settings.llm.Get("model").empty()) c.llm.model = settings.llm.Get("model");
  return c;
}

ClientSet::ClientSet(const ClientConfigs& configs, sim::HttpClient& http, sim::Executor& executor, const sim::Rng& rng,
                     sim::Trace* trace)
    : shopify_(configs.shopify, http, executor, rng.Fork("shopify"), trace),
      gorgias_(configs.gorgias, http, executor, rng.Fork("gorgias"), trace),
      klaviyo_(configs.klaviyo, http, executor, rng.Fork("klaviyo"), trace),
      llm_(configs.llm, http, executor, rng.Fork("llm"), trace) {}

}  // namespace rh::pipeline::clients
