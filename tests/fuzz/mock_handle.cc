// Fuzz target: each mock's Handle with arbitrary method, target, headers and body (fuzz_input.h's
// layout; the selector byte picks Shopify, Gorgias, Klaviyo or the LLM). A finding is a crash, a
// sanitizer report, a status outside 200..599, or a JSON response that is not valid JSON (bytes
// a client sent, echoed back unrepaired). Fresh mocks per input, so a finding replays alone.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "tests/fuzz/fuzz_input.h"
#include "tests/support/four_mocks.h"

namespace {

void CheckResponse(const rh::sim::Response& response) {
  if (response.status < 200 || response.status > 599) rh::fuzz::Finding("a status outside 200..599");
  const std::string_view type = response.headers.GetOr("Content-Type", "");
  if (type.find("json") != std::string_view::npos && !response.body.empty() &&
      !nlohmann::json::accept(response.body)) {
    rh::fuzz::Finding("a JSON response that does not parse");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using rh::testing::FourMocks;
  FourMocks world;
  for (rh::fuzz::FuzzRequest& in : rh::fuzz::ParseInput(data, size)) {
    rh::sim::Request& r = in.request;
    const bool credentials = (in.flags & 0x80) == 0;
    rh::sim::Service* mock = nullptr;
    switch (in.selector % 4) {
      case 0:
        mock = &world.shopify;
        if (credentials) r.headers.Set("X-Shopify-Access-Token", std::string(FourMocks::kShopifyToken));
        break;
      case 1:
        mock = &world.gorgias;
        if (credentials) r.headers.Set("Authorization", FourMocks::ForGorgias(r.method, "/").headers.GetOr("Authorization", ""));
        break;
      case 2:
        mock = &world.klaviyo;
        if (credentials) {
          r.headers.Set("Authorization", "Klaviyo-API-Key " + std::string(FourMocks::kKlaviyoKey));
          if (!r.headers.Has("revision")) r.headers.Set("revision", "2024-10-15");
        }
        break;
      default:
        mock = &world.llm;
        if (credentials) {
          r.headers.Set("Authorization", "Bearer " + std::string(FourMocks::kLlmKey));
          r.headers.Set("x-api-key", std::string(FourMocks::kLlmKey));
          if (!r.headers.Has("anthropic-version")) r.headers.Set("anthropic-version", "2023-06-01");
        }
        break;
    }
    CheckResponse(mock->Handle(r, world.Now()));
    world.scheduler.RunFor(rh::sim::Sec(1));  // sends, campaigns and retries due meanwhile
  }
  return 0;
}
