#include "pipeline/webhook_intake.h"

#include <charconv>
#include <utility>

#include "sim/crypto.h"
#include "sim/untrusted_text.h"

namespace rh::pipeline {
namespace {

// The body as JSON; a discarded value when it is malformed or nested deeper than any webhook
// (nlohmann's recursive destructor would overflow the stack on a document 100,000 deep).
nlohmann::json ParseBoundedJson(std::string_view body) {
  if (!sim::JsonNestingWithin(body)) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}


sim::Response Answer(int status, std::string_view text) {
  return sim::Response::Json(status, nlohmann::json{{"status", text}}.dump());
}

sim::Response Refuse(int status, std::string_view error) {
  return sim::Response::Json(status, nlohmann::json{{"error", error}}.dump());
}

// Gorgias renders template values as strings, so an id may arrive as 12 or "12".
std::optional<std::uint64_t> CoerceId(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    std::uint64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

std::string IdText(const nlohmann::json& value) {
  if (auto id = CoerceId(value)) return std::to_string(*id);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// The member as text ("" when absent or null, its JSON text when not a string), for deduplication
// keys: a number where Gorgias sends a string must not throw (the fuzzer found
// "updated_datetime": 9, which escaped Handle as nlohmann's type_error).
std::string MemberText(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

bool SignatureVerifier::Genuine(std::optional<std::string_view> signature, std::string_view expected) const {
  return signature && sim::ConstantTimeEquals(*signature, expected);
}

WebhookIntake::WebhookIntake(IntakeConfig config, EventSink& sink, sim::Trace* trace,
                             std::shared_ptr<const SignatureVerifier> verifier)
    : config_(std::move(config)),
      verifier_(verifier ? std::move(verifier) : std::make_shared<const SignatureVerifier>()),
      sink_(sink),
      trace_(trace) {}

sim::Response WebhookIntake::Handle(const sim::Request& request, sim::Moment now) {
  const std::string_view path = request.Path();
  const bool shopify = path == "/webhooks/shopify";
  const bool gorgias = path == "/webhooks/gorgias";
  if (!shopify && !gorgias) return Refuse(404, "no such route");
  if (request.method != sim::Method::kPost) {
    sim::Response r = Refuse(405, "POST only");
    r.headers.Set("Allow", "POST");
    return r;
  }
  return shopify ? HandleShopify(request, now) : HandleGorgias(request, now);
}

sim::Response WebhookIntake::HandleShopify(const sim::Request& request, sim::Moment now) {
  // The signature comes first: nothing about an unsigned body is trusted, not even its JSON.
  const auto signature = request.headers.Get("X-Shopify-Hmac-Sha256");
  const std::string expected = sim::Base64Encode(sim::HmacSha256(config_.shopify_api_secret, request.body));
  if (!verifier_->Genuine(signature, expected)) {
    {
      std::lock_guard lock(mu_);
      ++stats_.rejected_signature;
    }
    Note(now, "intake.rejected", {{"source", "shopify"}, {"reason", signature ? "wrong signature" : "missing signature"}});
    return Refuse(401, "invalid webhook signature");
  }
  ShopifyEvent event;
  // Header values reach JSON (the decision log, traces) later: made valid UTF-8 here, once.
  event.topic = sim::ToValidUtf8(request.headers.GetOr("X-Shopify-Topic", ""));
  event.webhook_id = sim::ToValidUtf8(request.headers.GetOr("X-Shopify-Webhook-Id", ""));
  event.event_id = sim::ToValidUtf8(request.headers.GetOr("X-Shopify-Event-Id", ""));
  event.triggered_at = sim::ToValidUtf8(request.headers.GetOr("X-Shopify-Triggered-At", ""));
  event.payload = ParseBoundedJson(request.body);
  if (event.topic.empty() || event.webhook_id.empty() || !event.payload.is_object()) {
    {
      std::lock_guard lock(mu_);
      ++stats_.rejected_malformed;
    }
    Note(now, "intake.rejected", {{"source", "shopify"}, {"reason", "malformed"}, {"topic", event.topic}});
    return Refuse(400, "expected X-Shopify-Topic, X-Shopify-Webhook-Id and a JSON object body");
  }
  event.dedupe_key = "shopify:" + event.webhook_id;
  if (!FirstTime(event.dedupe_key)) {
    Note(now, "intake.duplicate", {{"source", "shopify"}, {"topic", event.topic}, {"webhook_id", event.webhook_id}});
    return Answer(200, "duplicate");
  }
  Note(now, "intake.accepted", {{"source", "shopify"}, {"topic", event.topic}, {"webhook_id", event.webhook_id}});
  const std::string key = event.dedupe_key;
  return AnswerReceipt(sink_.OnShopify(std::move(event), now), now, "shopify", key);
}

sim::Response WebhookIntake::HandleGorgias(const sim::Request& request, sim::Moment now) {
  const auto signature = request.headers.Get("X-Gorgias-Signature");
  const std::string expected = sim::HexEncode(sim::HmacSha256(config_.gorgias_hmac_secret, request.body));
  if (!verifier_->Genuine(signature, expected)) {
    {
      std::lock_guard lock(mu_);
      ++stats_.rejected_signature;
    }
    Note(now, "intake.rejected", {{"source", "gorgias"}, {"reason", signature ? "wrong signature" : "missing signature"}});
    return Refuse(401, "invalid webhook signature");
  }
  nlohmann::json body = ParseBoundedJson(request.body);
  std::optional<std::uint64_t> ticket_id;
  if (body.is_object() && body.contains("ticket") && body["ticket"].is_object()) {
    ticket_id = CoerceId(body["ticket"].value("id", nlohmann::json()));
  }
  if (!ticket_id) {
    {
      std::lock_guard lock(mu_);
      ++stats_.rejected_malformed;
    }
    Note(now, "intake.rejected", {{"source", "gorgias"}, {"reason", "malformed"}});
    return Refuse(400, "expected a JSON object with ticket.id");
  }
  GorgiasEvent event;
  event.ticket_id = *ticket_id;
  event.ticket = std::move(body["ticket"]);
  if (body.contains("message") && body["message"].is_object()) event.message = std::move(body["message"]);
  event.trigger = sim::ToValidUtf8(request.Query("event").value_or(event.message.is_null() ? "ticket-updated" : "ticket-message-created"));
  event.dedupe_key = "gorgias:" + event.trigger + ":" + std::to_string(event.ticket_id) + ":" +
                     (event.message.is_null() ? MemberText(event.ticket, "updated_datetime")
                                              : IdText(event.message.value("id", nlohmann::json())));
  if (!FirstTime(event.dedupe_key)) {
    Note(now, "intake.duplicate", {{"source", "gorgias"}, {"trigger", event.trigger}, {"ticket", event.ticket_id}});
    return Answer(200, "duplicate");
  }
  Note(now, "intake.accepted", {{"source", "gorgias"}, {"trigger", event.trigger}, {"ticket", event.ticket_id}});
  const std::string key = event.dedupe_key;
  return AnswerReceipt(sink_.OnGorgias(std::move(event), now), now, "gorgias", key);
}

sim::Response WebhookIntake::AnswerReceipt(EventReceipt receipt, sim::Moment now, std::string_view source,
                                    const std::string& key) {
  switch (receipt) {
    case EventReceipt::kAccepted:
      return Answer(200, "accepted");
    case EventReceipt::kDuplicate:
      // Known to the sink from before a restart: the intake's count follows the sink's word.
      {
        std::lock_guard lock(mu_);
        --stats_.accepted;
        ++stats_.duplicates;
      }
      Note(now, "intake.duplicate", {{"source", source}, {"key", key}, {"known", "inbox"}});
      return Answer(200, "duplicate");
    case EventReceipt::kStale:
      {
        std::lock_guard lock(mu_);
        --stats_.accepted;
        ++stats_.stale;
      }
      Note(now, "intake.stale", {{"source", source}, {"key", key}});
      return Answer(200, "stale");
    case EventReceipt::kNotRecorded:
      break;
  }
  Forget(key);
  {
    std::lock_guard lock(mu_);
    --stats_.accepted;
    ++stats_.not_recorded;
  }
  Note(now, "intake.not_recorded", {{"source", source}, {"key", key}});
  sim::Response r = Refuse(503, "the webhook could not be recorded; retry later");
  r.headers.Set("Retry-After", "5");
  return r;
}

void WebhookIntake::Forget(const std::string& key) {
  std::lock_guard lock(mu_);
  seen_.erase(key);
  // Its old place in seen_order_ stays: when that ages out the key may be forgotten early, which
  // only sends a retry on to the sink, whose inbox knows it.
}

bool WebhookIntake::FirstTime(const std::string& key) {
  std::lock_guard lock(mu_);
  if (!seen_.insert(key).second) {
    ++stats_.duplicates;
    return false;
  }
  seen_order_.push_back(key);
  if (seen_order_.size() > config_.dedupe_capacity) {
    seen_.erase(seen_order_.front());
    seen_order_.pop_front();
  }
  ++stats_.accepted;
  return true;
}

void WebhookIntake::Note(sim::Moment now, std::string_view kind, std::vector<sim::TraceField> fields) {
  if (trace_ != nullptr) trace_->Record(now.monotonic, "pipeline", kind, std::move(fields));
}

IntakeStats WebhookIntake::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace rh::pipeline
