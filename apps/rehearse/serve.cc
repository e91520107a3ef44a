#include "serve.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>

#include "mocks/common/json_http.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/demo_world.h"
#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "mocks/llm/llm_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "rehearsal/build_info.h"
#include "sim/live/http_client.h"
#include "sim/live/http_server.h"
#include "sim/live/runtime.h"

namespace rh::app {
namespace {

struct HostAndPath {
  std::string host;  // "127.0.0.1:9000"
  std::string path;  // "/webhooks/shopify"
};

// Accepts "http://host:port/path" only: the mocks deliver over plain HTTP on loopback.
std::optional<HostAndPath> ParseHttpUrl(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) != 0) return std::nullopt;
  const std::string rest = url.substr(kScheme.size());
  const auto slash = rest.find('/');
  HostAndPath out{rest.substr(0, slash), slash == std::string::npos ? "/" : rest.substr(slash)};
  if (out.host.empty()) return std::nullopt;
  return out;
}

// What the command line says beyond ports and seed: where webhooks go and the LLM cassette.
struct ServeInputs {
  std::optional<HostAndPath> shopify_hook, gorgias_hook, klaviyo_hook, llm_upstream;
  mocks::llm::CassetteConfig cassette;
};

// The webhook URLs and the cassette options, checked; nothing (and the reason on stderr) when one
// is wrong.
std::optional<ServeInputs> ReadInputs(const ServeOptions& options) {
  ServeInputs in;
  if (!options.shopify_webhook_url.empty() && !(in.shopify_hook = ParseHttpUrl(options.shopify_webhook_url))) {
    std::fprintf(stderr, "rehearse serve: --shopify-webhook-url must look like http://127.0.0.1:9000/path, not '%s'\n",
                 options.shopify_webhook_url.c_str());
    return std::nullopt;
  }
  if (!options.klaviyo_webhook_url.empty() && !(in.klaviyo_hook = ParseHttpUrl(options.klaviyo_webhook_url))) {
    std::fprintf(stderr, "rehearse serve: --klaviyo-webhook-url must look like http://127.0.0.1:9000/path, not '%s'\n",
                 options.klaviyo_webhook_url.c_str());
    return std::nullopt;
  }
  if (!options.gorgias_webhook_url.empty() && !(in.gorgias_hook = ParseHttpUrl(options.gorgias_webhook_url))) {
    std::fprintf(stderr, "rehearse serve: --gorgias-webhook-url must look like http://127.0.0.1:9000/path, not '%s'\n",
                 options.gorgias_webhook_url.c_str());
    return std::nullopt;
  }
  if (options.llm_cassette_mode == "record" || options.llm_cassette_mode == "replay") {
    if (options.llm_cassette.empty()) {
      std::fprintf(stderr, "rehearse serve: --llm-cassette-mode %s needs --llm-cassette FILE\n",
                   options.llm_cassette_mode.c_str());
      return std::nullopt;
    }
    in.cassette.path = options.llm_cassette;
    if (options.llm_cassette_mode == "replay") {
      in.cassette.mode = mocks::llm::CassetteMode::kReplay;
      // Refuse a cassette that does not load now, rather than answer every request with its error.
      if (auto loaded = mocks::llm::LoadCassette(options.llm_cassette); !loaded) {
        std::fprintf(stderr, "rehearse serve: %s\n", loaded.error().c_str());
        return std::nullopt;
      }
    } else {
      in.cassette.mode = mocks::llm::CassetteMode::kRecord;
      if (!(in.llm_upstream = ParseHttpUrl(options.llm_upstream))) {
        std::fprintf(stderr,
                     "rehearse serve: --llm-cassette-mode record needs --llm-upstream like "
                     "http://127.0.0.1:8080 (plain HTTP), not '%s'\n",
                     options.llm_upstream.c_str());
        return std::nullopt;
      }
    }
  } else if (options.llm_cassette_mode != "off") {
    std::fprintf(stderr, "rehearse serve: --llm-cassette-mode is off, record or replay, not '%s'\n",
                 options.llm_cassette_mode.c_str());
    return std::nullopt;
  }
  return in;
}

constexpr std::string_view kGorgiasHmacSecret = "rehearsal-gorgias-hmac-secret";
constexpr std::string_view kKlaviyoWebhookSecret = "rehearsal-klaviyo-webhook-secret";
constexpr std::string_view kKlaviyoKey = "pk_rehearsal0000000000000000000000001";
constexpr std::string_view kLlmKey = "sk-rehearsal-0001";

// One Gorgias HTTP integration per trigger, each naming it in the URL: Gorgias sends no trigger
// header, and a ticket-created payload has no message to tell it apart from an update. False
// (and the reason on stderr) when one did not seed.
bool SeedGorgiasIntegrations(mocks::gorgias::GorgiasMock& gorgias, const HostAndPath& hook, sim::Moment now) {
  for (const char* trigger : {"ticket-created", "ticket-message-created", "ticket-updated"}) {
    const std::string separator = hook.path.find('?') == std::string::npos ? "?" : "&";
    mocks::OrderedJson triggers = mocks::OrderedJson::object();
    triggers[trigger] = true;
    mocks::OrderedJson integration = {
        {"type", "http"},
        {"name", std::string("rehearsal-pipeline ") + trigger},
        {"http",
         {{"url", "http://" + hook.host + hook.path + separator + "event=" + trigger},
          {"method", "POST"},
          {"request_content_type", "application/json"},
          {"response_content_type", "application/json"},
          {"form", "{{context}}"},
          {"hmac_secret", std::string(kGorgiasHmacSecret)},
          {"triggers", triggers}}}};
    auto id = gorgias.SeedIntegration(integration, now);
    if (!id) {
      std::fprintf(stderr, "rehearse serve: the Gorgias HTTP integration did not seed: %s\n", id.error().c_str());
      return false;
    }
  }
  return true;
}

struct Ports {
  std::uint16_t shopify = 0, gorgias = 0, klaviyo = 0, llm = 0;
};

// Starts the four servers in order; nothing (and which mock failed, on stderr) when one cannot.
std::optional<Ports> StartServers(sim::live::HttpServer& shopify, sim::live::HttpServer& gorgias,
                                  sim::live::HttpServer& klaviyo, sim::live::HttpServer& llm) {
  Ports ports;
  const std::pair<sim::live::HttpServer*, std::uint16_t*> servers[] = {
      {&shopify, &ports.shopify}, {&gorgias, &ports.gorgias}, {&klaviyo, &ports.klaviyo}, {&llm, &ports.llm}};
  const char* names[] = {"Shopify", "Gorgias", "Klaviyo", "LLM"};
  for (std::size_t i = 0; i < 4; ++i) {
    auto port = servers[i].first->Start();
    if (!port) {
      std::fprintf(stderr, "rehearse serve: %s mock: %s\n", names[i], port.error().c_str());
      return std::nullopt;
    }
    *servers[i].second = *port;
  }
  return ports;
}

// The one JSON line `rehearse serve` prints: where each mock listens and how to sign in.
mocks::OrderedJson ServicesLine(const ServeOptions& options, const Ports& ports, const mocks::shopify::Config& shopify,
                                const mocks::gorgias::Config& gorgias, const mocks::DemoWorldInfo& demo,
                                const mocks::klaviyo::Config& klaviyo) {
  const std::string klaviyo_base = "http://127.0.0.1:" + std::to_string(ports.klaviyo);
  const std::string llm_base = "http://127.0.0.1:" + std::to_string(ports.llm);
  const std::string shopify_base = "http://127.0.0.1:" + std::to_string(ports.shopify);
  const std::string gorgias_base = "http://127.0.0.1:" + std::to_string(ports.gorgias);
  return {
      {"rehearsal", "serve"},
      {"build", std::string(kVersion) + "+" + kGitDescribe},
      {"seed", options.seed},
      {"services",
       {{"shopify",
         {{"base_url", shopify_base},
          {"shop_domain", shopify.shop_domain},
          {"api_version", shopify.api_versions.back()},
          {"access_token", shopify.access_tokens.front()},
          {"api_secret", shopify.api_client_secret},
          {"webhook_url", options.shopify_webhook_url},
          {"inspect_url", shopify_base + "/_rehearsal"}}},
        {"gorgias",
         {{"base_url", gorgias_base},
          {"account", gorgias.account.domain},
          {"email", demo.gorgias_api_user_email},
          {"api_key", demo.gorgias_api_key},
          {"webhook_secret", std::string(kGorgiasHmacSecret)},
          {"webhook_url", options.gorgias_webhook_url},
          {"inspect_url", gorgias_base + "/_rehearsal"}}},
        {"klaviyo",
         {{"base_url", klaviyo_base},
          {"api_key", std::string(kKlaviyoKey)},
          {"revision", klaviyo.latest_revision},
          {"webhook_secret", std::string(kKlaviyoWebhookSecret)},
          {"webhook_url", options.klaviyo_webhook_url},
          {"inspect_url", klaviyo_base + "/_rehearsal"}}},
        {"llm",
         {{"base_url", llm_base},
          {"openai_base_url", llm_base + "/v1"},
          {"anthropic_base_url", llm_base},
          {"api_key", std::string(kLlmKey)},
          {"cassette_mode", options.llm_cassette_mode},
          {"inspect_url", llm_base + "/_rehearsal"}}}}}};
}

}  // namespace

int RunServe(const ServeOptions& options) {
  // Block the stop signals in every thread (threads inherit the mask), then wait for them here.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::optional<ServeInputs> in = ReadInputs(options);
  if (!in) return 2;

  sim::live::LiveRuntime runtime;
  runtime.Start();
  sim::live::LiveHttpClient webhook_client(runtime);
  // Record mode forwards on its own client, so webhook deliveries and upstream calls do not share
  // a connection pool.
  sim::live::LiveHttpClient upstream_client(runtime);
  if (in->llm_upstream) {
    in->cassette.upstream = &upstream_client;
    in->cassette.upstream_host = in->llm_upstream->host;
  }
  const sim::Rng root(options.seed);
  mocks::WebhookEmitter shopify_emitter(runtime, webhook_client, root.Fork("webhooks.shopify"),
                                        mocks::ShopifyRetrySchedule());
  mocks::WebhookEmitter gorgias_emitter(runtime, webhook_client, root.Fork("webhooks.gorgias"),
                                        mocks::gorgias::GorgiasRetrySchedule());
  // Klaviyo publishes no retry schedule for system webhooks ("retried with exponential back-off"):
  // five retries, tripling from 10 s. A choice.
  mocks::WebhookEmitter klaviyo_emitter(runtime, webhook_client, root.Fork("webhooks.klaviyo"),
                                        mocks::RetrySchedule{{sim::Sec(10), sim::Sec(30), sim::Sec(90),
                                                              sim::Sec(270), sim::Sec(810)},
                                                             sim::Sec(10)});

  mocks::shopify::Config shopify_config;
  shopify_config.emitter = &shopify_emitter;
  if (in->shopify_hook) {
    for (const char* topic : {"orders/create", "orders/updated", "orders/cancelled", "orders/fulfilled",
                              "orders/partially_fulfilled", "fulfillments/create", "fulfillments/update",
                              "refunds/create", "returns/request", "returns/approve", "returns/close"}) {
      shopify_config.webhooks.push_back({topic, in->shopify_hook->host, in->shopify_hook->path, true});
    }
  }
  mocks::shopify::ShopifyMock shopify(shopify_config, root.Fork("mocks.shopify"));

  mocks::gorgias::Config gorgias_config;
  gorgias_config.account.domain = "rehearsal-demo";
  gorgias_config.account.support_email = "support@rehearsal-demo.example";
  mocks::gorgias::GorgiasMock gorgias(gorgias_config, root.Fork("mocks.gorgias"), &runtime, &gorgias_emitter);

  mocks::klaviyo::Config klaviyo_config;
  klaviyo_config.api_keys = {std::string(kKlaviyoKey)};
  // Klaviyo's Shopify integration verifies Shopify's webhooks with the store's app secret.
  klaviyo_config.shopify.webhook_secret = shopify_config.api_client_secret;
  if (in->klaviyo_hook) {
    klaviyo_config.webhooks.push_back({"rehearsal", in->klaviyo_hook->host, in->klaviyo_hook->path,
                                       std::string(kKlaviyoWebhookSecret),
                                       {std::string(mocks::klaviyo::kTopicEmailDelivered),
                                        std::string(mocks::klaviyo::kTopicSentSms)}});
    klaviyo_config.webhook_emitter = &klaviyo_emitter;
  }
  mocks::klaviyo::KlaviyoMock klaviyo(klaviyo_config, runtime, root.Fork("mocks.klaviyo"));

  mocks::llm::Config llm_config;
  llm_config.api_keys = {std::string(kLlmKey)};
  llm_config.cassette = in->cassette;
  mocks::llm::LlmMock llm(llm_config, root.Fork("mocks.llm"));

  const sim::Moment now = runtime.clock().MomentNow();
  mocks::DemoWorldInfo demo;
  if (options.demo_world) {
    auto seeded = mocks::SeedDemoWorld(shopify, gorgias, now);
    if (!seeded) {
      std::fprintf(stderr, "rehearse serve: the demo world did not seed: %s\n", seeded.error().c_str());
      return 1;
    }
    demo = *seeded;
  }
  if (in->gorgias_hook && !SeedGorgiasIntegrations(gorgias, *in->gorgias_hook, now)) return 1;

  sim::live::HttpServer shopify_server(shopify, {.port = options.shopify_port, .threads = options.server_threads});
  sim::live::HttpServer gorgias_server(gorgias, {.port = options.gorgias_port, .threads = options.server_threads});
  sim::live::HttpServer klaviyo_server(klaviyo, {.port = options.klaviyo_port, .threads = options.server_threads});
  sim::live::HttpServer llm_server(llm, {.port = options.llm_port, .threads = options.server_threads});
  const std::optional<Ports> ports = StartServers(shopify_server, gorgias_server, klaviyo_server, llm_server);
  if (!ports) return 2;
  // Klaviyo hears of Shopify through Shopify's webhooks, delivered over the socket like any other.
  for (std::string_view topic : mocks::klaviyo::kShopifyIntegrationTopics) {
    shopify.AddWebhookSubscription({std::string(topic), "127.0.0.1:" + std::to_string(ports->klaviyo),
                                    std::string(mocks::klaviyo::kShopifyIntakePath), false},
                                   runtime.clock().MomentNow());
  }

  const mocks::OrderedJson line = ServicesLine(options, *ports, shopify_config, gorgias_config, demo, klaviyo_config);
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "rehearse serve: %s received, stopping\n", signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  shopify_server.Stop();
  gorgias_server.Stop();
  klaviyo_server.Stop();
  llm_server.Stop();
  webhook_client.Close();
  upstream_client.Close();
  runtime.Stop();
  return 0;
}

}  // namespace rh::app
