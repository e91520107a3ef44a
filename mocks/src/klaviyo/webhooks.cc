// Klaviyo's system webhooks: each message the mock's flows and campaigns send becomes its topic's
// event (event:klaviyo.email_delivered or event:klaviyo.sent_sms), delivered to every webhook
// subscribed to the topic as a batched body of one item, signed as the reference says (§10).
// Deterministic: ids from the mock's Rng, times from the send record.
#include "mocks/klaviyo/webhooks.h"

#include <array>
#include <cstdio>

#include "core.h"
#include "sim/crypto.h"

namespace rh::mocks::klaviyo {

std::string KlaviyoWebhookSignature(std::string_view secret, std::string_view body, std::string_view timestamp) {
  std::string message(body);
  message.append(timestamp);
  return sim::HexEncode(sim::HmacSha256(secret, message));
}

std::string KlaviyoWebhookTimestamp(sim::WallTime t) {
  static constexpr std::array<const char*, 7> kDays = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
  const auto days = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(seconds)));
  const std::chrono::year_month_day ymd(days);
  const std::int64_t day_number = days.time_since_epoch().count();
  const std::int64_t in_day = seconds - day_number * 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02lld:%02lld:%02lld GMT",
                kDays[static_cast<std::size_t>(((day_number % 7) + 7) % 7)], static_cast<unsigned>(ymd.day()),
                kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60));
  return buf;
}

namespace detail {
namespace {

constexpr std::size_t kProducedCapacity = 10'000;

std::string MicrosecondTime(sim::WallTime t) { return sim::FormatRfc3339(t, std::chrono::minutes(0), 6); }

}  // namespace

void Core::ProduceSendWebhooks(const SendRecord& record) {
  const std::string_view topic = record.channel == Channel::kEmail ? kTopicEmailDelivered : kTopicSentSms;
  const std::string metric_name = record.channel == Channel::kEmail ? "Received Email" : "Sent SMS";
  for (std::size_t i = 0; i < config.webhooks.size(); ++i) {
    const SystemWebhookConfig& hook = config.webhooks[i];
    if (std::find(hook.topics.begin(), hook.topics.end(), topic) == hook.topics.end()) continue;
    // The webhook's id: a ULID fixed by its position, so every delivery of one webhook names it alike.
    const std::string webhook_id = "01KP4928STE8FKCWB6WDHZ4" + std::string(1, "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[i % 32]) + "B7";
    const std::string event_id = NewShortId(11, [](const std::string&) { return false; });
    const std::int64_t epoch_s = std::chrono::floor<std::chrono::seconds>(record.at.time_since_epoch()).count();
    OrderedJson properties = {{"$message", record.message}, {"Campaign Name", record.source_name}};
    properties[record.channel == Channel::kEmail ? "email_address" : "phone_number"] = record.to;
    OrderedJson item = {
        {"topic", std::string(topic)},
        {"external_id", event_id},
        {"payload",
         {{"data",
           {{"type", "event"},
            {"id", event_id},
            {"attributes",
             {{"timestamp", epoch_s}, {"datetime", KlaviyoTime(record.at)}, {"event_properties", properties}}},
            {"relationships",
             {{"profile", {{"data", {{"type", "profile"}, {"id", record.profile_id}}}}},
              {"metric", {{"data", {{"type", "metric"}, {"id", MetricNamed(metric_name, record.at).id}}}}}}}}}}}};
    const OrderedJson body = {{"meta",
                               {{"klaviyo_account_id", config.account_id},
                                {"klaviyo_webhook_id", webhook_id},
                                {"timestamp", MicrosecondTime(record.at)},
                                {"version", "2024-06-28"}}},
                              {"data", OrderedJson::array({item})}};
    sim::Request r;
    r.method = sim::Method::kPost;
    r.target = hook.path;
    r.body = body.dump(-1, ' ', false, kReplaceInvalidUtf8);
    const std::string timestamp = KlaviyoWebhookTimestamp(record.at);
    r.headers.Set("Host", hook.host);
    r.headers.Set("Content-Type", "application/json");
    r.headers.Set("Klaviyo-Webhook-Id", webhook_id);
    r.headers.Set("Klaviyo-Timestamp", timestamp);
    r.headers.Set("Klaviyo-Signature", KlaviyoWebhookSignature(hook.secret_key, r.body, timestamp));
    if (config.webhook_emitter != nullptr) {
      config.webhook_emitter->Emit(Webhook{"klaviyo-webhook-" + std::to_string(i), std::string(topic), event_id, r});
    }
    if (produced_webhooks.size() >= kProducedCapacity) produced_webhooks.erase(produced_webhooks.begin());
    produced_webhooks.push_back(std::move(r));
  }
}

}  // namespace detail

std::vector<sim::Request> KlaviyoMock::ProducedWebhooks() const {
  std::lock_guard lock(core_->mu);
  return core_->produced_webhooks;
}

}  // namespace rh::mocks::klaviyo
