// Klaviyo's system webhooks (reference klaviyo-api.md §10): topics `event:klaviyo.<metric>`,
// batched JSON bodies with a `meta` block, and the headers Klaviyo-Webhook-Id, Klaviyo-Timestamp
// and Klaviyo-Signature = lowercase hex of HMAC-SHA256(secret_key, raw body bytes followed by the
// Klaviyo-Timestamp value). The signing and timestamp functions are here so a receiver (a test,
// a pipeline) can verify a delivery without the mock's internals. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace rh::mocks::klaviyo {

// A system webhook of the account (what POST /api/webhooks creates).
struct SystemWebhookConfig {
  std::string name;
  std::string host;  // where deliveries go: a sim service name or "127.0.0.1:port"
  std::string path = "/";
  std::string secret_key;
  // Topic ids, e.g. "event:klaviyo.email_delivered", "event:klaviyo.sent_sms".
  std::vector<std::string> topics;
};

// The topics the mock produces: each message its flows and campaigns send.
inline constexpr std::string_view kTopicEmailDelivered = "event:klaviyo.email_delivered";
inline constexpr std::string_view kTopicSentSms = "event:klaviyo.sent_sms";

// lowercase hex of HMAC-SHA256(secret, body || timestamp): body first, no separator.
std::string KlaviyoWebhookSignature(std::string_view secret, std::string_view body, std::string_view timestamp);

// The Klaviyo-Timestamp header value. Choice: IMF-fixdate ("Tue, 14 Apr 2026 03:50:12 GMT"), the
// format two of the reference's three implementations read; the reference leaves it open.
std::string KlaviyoWebhookTimestamp(sim::WallTime t);

}  // namespace rh::mocks::klaviyo
