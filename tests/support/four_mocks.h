// The four mocks on one simulated clock, with a credential each, for tests and fuzz targets that
// throw requests at their Handle directly (no transport): the hostile-input tests and the
// mock_handle fuzz target. Deterministic: a fixed seed and virtual time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/klaviyo/klaviyo_mock.h"
#include "mocks/llm/llm_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "sim/crypto.h"
#include "sim/rng.h"
#include "sim/scheduler.h"

namespace rh::testing {

class FourMocks {
 public:
  static constexpr std::string_view kShopifyToken = "shpat_rehearsal_0001";
  static constexpr std::string_view kKlaviyoKey = "pk_0123456789abcdef0123456789abcdef01";
  static constexpr std::string_view kLlmKey = "sk-rehearsal-test";
  static constexpr std::string_view kGorgiasEmail = "ana@acme.example";
  static constexpr std::string_view kGorgiasKey = "key-ana";

  FourMocks()
      : shopify(mocks::shopify::Config{}, sim::Rng(7).Fork("shopify")),
        gorgias(mocks::gorgias::Config{}, sim::Rng(7).Fork("gorgias"), &scheduler),
        klaviyo(mocks::klaviyo::Config{}, scheduler, sim::Rng(7).Fork("klaviyo")),
        llm(mocks::llm::Config{}, sim::Rng(7).Fork("llm")) {
    const std::uint64_t ana =
        gorgias.AddUser({0, std::string(kGorgiasEmail), "Ana", "Agent", "admin", "", true, {}}, Now());
    gorgias.AddApiKey(ana, std::string(kGorgiasKey));
  }

  sim::Moment Now() const { return scheduler.clock().MomentNow(); }

  // A request with each service's credentials and the headers it requires.
  static sim::Request ForShopify(sim::Method method, std::string target, std::string body = "") {
    sim::Request r = Base(method, std::move(target), std::move(body));
    r.headers.Set("X-Shopify-Access-Token", std::string(kShopifyToken));
    return r;
  }
  static sim::Request ForGorgias(sim::Method method, std::string target, std::string body = "") {
    sim::Request r = Base(method, std::move(target), std::move(body));
    r.headers.Set("Authorization",
                  "Basic " + sim::Base64Encode(std::string(kGorgiasEmail) + ":" + std::string(kGorgiasKey)));
    return r;
  }
  static sim::Request ForKlaviyo(sim::Method method, std::string target, std::string body = "") {
    sim::Request r = Base(method, std::move(target), std::move(body));
    r.headers.Set("Authorization", "Klaviyo-API-Key " + std::string(kKlaviyoKey));
    r.headers.Set("revision", "2024-10-15");
    r.headers.Set("Content-Type", "application/vnd.api+json");
    return r;
  }
  static sim::Request ForOpenAi(std::string body) {
    sim::Request r = Base(sim::Method::kPost, "/v1/chat/completions", std::move(body));
    r.headers.Set("Authorization", "Bearer " + std::string(kLlmKey));
    return r;
  }
  static sim::Request ForAnthropic(std::string body) {
    sim::Request r = Base(sim::Method::kPost, "/v1/messages", std::move(body));
    r.headers.Set("x-api-key", std::string(kLlmKey));
    r.headers.Set("anthropic-version", "2023-06-01");
    return r;
  }
  static sim::Request Base(sim::Method method, std::string target, std::string body) {
    sim::Request r;
    r.method = method;
    r.target = std::move(target);
    r.body = std::move(body);
    if (!r.body.empty()) r.headers.Set("Content-Type", "application/json");
    return r;
  }

  sim::Scheduler scheduler;
  mocks::shopify::ShopifyMock shopify;
  mocks::gorgias::GorgiasMock gorgias;
  mocks::klaviyo::KlaviyoMock klaviyo;
  mocks::llm::LlmMock llm;
};

}  // namespace rh::testing
