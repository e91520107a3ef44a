#include "pipeline/clients/klaviyo_client.h"

#include <algorithm>

#include "json_read.h"

namespace rh::pipeline::clients {
namespace {

using detail::Json;

constexpr std::size_t kJobLimit = 100;  // e-mails per suppression job (Klaviyo's maximum)

KlaviyoProfile ParseProfile(const Json& resource) {
  KlaviyoProfile p;
  p.id = detail::Str(resource, "id");
  const Json* a = detail::Object(resource, "attributes");
  if (a == nullptr) return p;
  p.email = detail::Str(*a, "email");
  p.phone_number = detail::Str(*a, "phone_number");
  p.external_id = detail::Str(*a, "external_id");
  p.first_name = detail::Str(*a, "first_name");
  p.last_name = detail::Str(*a, "last_name");
  if (const Json* props = detail::Object(*a, "properties")) p.properties = *props;
  const Json* subs = detail::Object(*a, "subscriptions");
  const Json* email = subs != nullptr ? detail::Object(*subs, "email") : nullptr;
  const Json* marketing = email != nullptr ? detail::Object(*email, "marketing") : nullptr;
  if (marketing != nullptr) {
    p.can_receive_email_marketing = detail::Bool(*marketing, "can_receive_email_marketing", false);
    p.email_consent = detail::Str(*marketing, "consent");
    if (const Json* list = detail::Array(*marketing, "suppression")) {
      for (const Json& s : *list) p.suppressions.push_back({detail::Str(s, "reason"), detail::Time(s, "timestamp")});
    }
  }
  return p;
}

// The `data` member of a JSON:API document.
const Json* Data(const std::optional<Json>& doc) { return doc ? detail::Member(*doc, "data") : nullptr; }

}  // namespace

KlaviyoClient::KlaviyoClient(KlaviyoConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                             sim::Trace* trace)
    : config_(std::move(config)),
      caller_(http, executor, rng, trace, "klaviyo", config_.retry,
              [low_water = config_.low_water](const sim::Response& response, std::int64_t in_flight) {
                return KlaviyoPause(response.headers, low_water, in_flight);
              }) {}

sim::Request KlaviyoClient::Make(sim::Method method, std::string path_and_query, std::string body) const {
  sim::Request r;
  r.method = method;
  r.target = std::move(path_and_query);
  r.headers.Set("Host", config_.host);
  r.headers.Set("Authorization", "Klaviyo-API-Key " + config_.api_key);
  r.headers.Set("revision", config_.revision);
  r.headers.Set("Accept", "application/vnd.api+json");
  if (!body.empty()) {
    r.headers.Set("Content-Type", "application/vnd.api+json");
    r.body = std::move(body);
  }
  return r;
}

CallOptions KlaviyoClient::Options(std::string operation, std::string tier) const {
  // Private keys of one account share its quota; limits are per tier of endpoints.
  return CallOptions{std::move(operation), config_.host, std::move(tier), true};
}

sim::Task<CallResult<std::optional<KlaviyoProfile>>> KlaviyoClient::GetProfileByEmail(std::string email) {
  // The string is quoted as JSON (Klaviyo's own FilterBuilder does the same), the whole filter
  // URI-encoded.
  const std::string filter = "equals(email," + Json(email).dump() + ")";
  sim::Request request = Make(sim::Method::kGet, "/api/profiles?filter=" + sim::PercentEncode(filter) +
                                                     "&additional-fields%5Bprofile%5D=subscriptions");
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("klaviyo.get_profile", "L"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  const std::optional<Json> doc = detail::ParseJson(response->body);
  const Json* data = Data(doc);
  if (data == nullptr || !data->is_array()) co_return sim::MakeUnexpected(detail::Malformed("no \"data\" list"));
  if (data->empty()) co_return std::optional<KlaviyoProfile>();
  co_return std::optional<KlaviyoProfile>(ParseProfile(data->front()));
}

sim::Task<CallResult<KlaviyoProfileRef>> KlaviyoClient::CreateProfile(KlaviyoProfileInput profile) {
  Json attributes = Json::object();
  const std::pair<const char*, const std::string*> fields[] = {{"email", &profile.email},
                                                               {"phone_number", &profile.phone_number},
                                                               {"external_id", &profile.external_id},
                                                               {"first_name", &profile.first_name},
                                                               {"last_name", &profile.last_name}};
  for (const auto& [key, value] : fields) {
    if (!value->empty()) attributes[key] = *value;
  }
  if (profile.properties.is_object() && !profile.properties.empty()) attributes["properties"] = profile.properties;
  const Json body = {{"data", {{"type", "profile"}, {"attributes", attributes}}}};
  sim::Request request = Make(sim::Method::kPost, "/api/profiles", body.dump());
  // Repeating a create is safe: the second one is a 409 naming the profile the first made.
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("klaviyo.create_profile", "L"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) {
    const CallError& error = response.error();
    if (error.kind == CallErrorKind::kClientError && error.status == 409) {
      // duplicate_profile: the answer is the existing profile's id.
      const std::optional<Json> doc = detail::ParseJson(error.body);
      const Json* errors = doc ? detail::Array(*doc, "errors") : nullptr;
      if (errors != nullptr) {
        for (const Json& e : *errors) {
          const Json* meta = detail::Object(e, "meta");
          const std::string id = meta != nullptr ? detail::Str(*meta, "duplicate_profile_id") : "";
          if (!id.empty()) co_return KlaviyoProfileRef{id, false};
        }
      }
    }
    co_return sim::MakeUnexpected(error);
  }
  const std::optional<Json> doc = detail::ParseJson(response->body);
  const Json* data = Data(doc);
  const std::string id = data != nullptr ? detail::Str(*data, "id") : "";
  if (id.empty()) co_return sim::MakeUnexpected(detail::Malformed("the created profile has no id", response->status));
  co_return KlaviyoProfileRef{id, true};
}

sim::Task<CallResult<std::vector<KlaviyoJob>>> KlaviyoClient::SuppressionJobs(std::vector<std::string> emails,
                                                                             bool suppress) {
  const std::string type = suppress ? "profile-suppression-bulk-create-job" : "profile-suppression-bulk-delete-job";
  const std::string path = suppress ? "/api/profile-suppression-bulk-create-jobs" : "/api/profile-suppression-bulk-delete-jobs";
  std::vector<KlaviyoJob> jobs;
  for (std::size_t start = 0; start < emails.size(); start += kJobLimit) {
    Json profiles = Json::array();
    for (std::size_t i = start; i < std::min(emails.size(), start + kJobLimit); ++i) {
      profiles.push_back({{"type", "profile"}, {"attributes", {{"email", emails[i]}}}});
    }
    const Json body = {{"data", {{"type", type}, {"attributes", {{"profiles", {{"data", profiles}}}}}}}};
    sim::Request request = Make(sim::Method::kPost, path, body.dump());
    // Suppressing twice is suppressing once: safe to repeat.
    sim::Task<CallResult<sim::Response>> calling =
        caller_.Call(std::move(request), Options(suppress ? "klaviyo.suppress" : "klaviyo.unsuppress", "L"));
    CallResult<sim::Response> response = co_await std::move(calling);
    if (!response) co_return sim::MakeUnexpected(response.error());
    const std::optional<Json> doc = detail::ParseJson(response->body);
    const Json* data = Data(doc);
    KlaviyoJob job;
    if (data != nullptr && data->is_object()) {
      job.id = detail::Str(*data, "id");
      job.type = detail::Str(*data, "type");
      if (const Json* a = detail::Object(*data, "attributes")) {
        job.status = detail::Str(*a, "status");
        job.total_count = detail::I64(*a, "total_count");
      }
    }
    if (job.id.empty()) co_return sim::MakeUnexpected(detail::Malformed("the job has no id", response->status));
    jobs.push_back(std::move(job));
  }
  co_return jobs;
}

sim::Task<CallResult<std::vector<KlaviyoJob>>> KlaviyoClient::SuppressProfiles(std::vector<std::string> emails) {
  sim::Task<CallResult<std::vector<KlaviyoJob>>> jobs = SuppressionJobs(std::move(emails), true);
  co_return co_await std::move(jobs);
}

sim::Task<CallResult<std::vector<KlaviyoJob>>> KlaviyoClient::UnsuppressProfiles(std::vector<std::string> emails) {
  sim::Task<CallResult<std::vector<KlaviyoJob>>> jobs = SuppressionJobs(std::move(emails), false);
  co_return co_await std::move(jobs);
}

sim::Task<CallResult<bool>> KlaviyoClient::CreateEvent(KlaviyoEvent event) {
  Json profile = {{"type", "profile"}};
  if (!event.profile_id.empty()) {
    profile["id"] = event.profile_id;
  } else {
    profile["attributes"] = {{"email", event.email}};
  }
  Json attributes = {{"properties", event.properties.is_object() ? event.properties : Json::object()},
                     {"metric", {{"data", {{"type", "metric"}, {"attributes", {{"name", event.metric}}}}}}},
                     {"profile", {{"data", profile}}}};
  if (!event.unique_id.empty()) attributes["unique_id"] = event.unique_id;
  if (!event.time.empty()) attributes["time"] = event.time;
  if (event.value) attributes["value"] = *event.value;
  if (!event.value_currency.empty()) attributes["value_currency"] = event.value_currency;
  const Json body = {{"data", {{"type", "event"}, {"attributes", attributes}}}};
  sim::Request request = Make(sim::Method::kPost, "/api/events", body.dump());
  CallOptions options = Options("klaviyo.create_event", "XL");
  // With a unique_id Klaviyo keeps only the first of repeats; without one a retry could count twice.
  options.idempotent = !event.unique_id.empty();
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), std::move(options));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  co_return true;
}

}  // namespace rh::pipeline::clients
