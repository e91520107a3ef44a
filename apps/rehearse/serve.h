// `rehearse serve`: hosts the mocks on loopback over real sockets, seeds a small demo world,
// prints one JSON line with each service's base URL and credentials, and runs until SIGINT or
// SIGTERM, then stops cleanly (requests in flight finish).
#pragma once

#include <cstdint>
#include <string>

namespace rh::app {

struct ServeOptions {
  std::uint64_t seed = 1;
  std::uint16_t shopify_port = 0;  // 0: an ephemeral port
  std::uint16_t gorgias_port = 0;
  std::uint16_t klaviyo_port = 0;
  std::uint16_t llm_port = 0;
  int server_threads = 1;
  // Where the mocks deliver their webhooks (a pipeline's intake), e.g.
  // "http://127.0.0.1:9000/webhooks/shopify"; empty: none are subscribed.
  std::string shopify_webhook_url;
  std::string gorgias_webhook_url;
  // Klaviyo's system webhooks (event:klaviyo.email_delivered and event:klaviyo.sent_sms), signed
  // with the secret printed in the JSON line; empty: none.
  std::string klaviyo_webhook_url;
  bool demo_world = true;
  // LLM cassettes: "off", "record" (forward to llm_upstream and append each exchange to
  // llm_cassette) or "replay" (answer from llm_cassette only; a request with no recording gets
  // an error naming it).
  std::string llm_cassette_mode = "off";
  std::string llm_cassette;
  // Record mode's upstream, an OpenAI- or Anthropic-compatible base URL over plain HTTP
  // ("http://127.0.0.1:8080"); TLS upstreams need a TLS-terminating proxy in front for now.
  std::string llm_upstream;
};

int RunServe(const ServeOptions& options);

}  // namespace rh::app
