// The Klaviyo mock's plumbing: routing, auth, revision, rate limits, JSON:API errors, paging,
// and the public methods (each locks the one mutex and calls into the Core).
#include "mocks/klaviyo/klaviyo_mock.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "core.h"
#include "mocks/common/ids.h"
#include "sim/crypto.h"

namespace rh::mocks::klaviyo {

RateLimits RateLimits::Spec() {
  RateLimits r;
  r.tiers = {
      {"XS", {1, 15, 0}},
      {"S", {3, 60, 0}},
      {"M", {10, 150, 0}},
      {"L", {75, 750, 0}},
      {"XL", {350, 3500, 0}},
      {"lists_create", {10, 150, 150}},
      {"segments_create", {1, 15, 100}},
      {"flows_create", {1, 15, 100}},
  };
  return r;
}

namespace detail {

namespace {

constexpr std::array kRoutes = {
    Route{sim::Method::kGet, "/api/profiles", "L", "profiles.list", &Core::GetProfiles},
    Route{sim::Method::kPost, "/api/profiles", "L", "profiles.create", &Core::CreateProfile},
    Route{sim::Method::kGet, "/api/profiles/{id}", "L", "profiles.get", &Core::GetProfile},
    Route{sim::Method::kPatch, "/api/profiles/{id}", "L", "profiles.update", &Core::UpdateProfile},
    Route{sim::Method::kPost, "/api/profile-import", "L", "profiles.import", &Core::ImportProfile},
    Route{sim::Method::kGet, "/api/lists", "L", "lists.list", &Core::GetLists},
    Route{sim::Method::kPost, "/api/lists", "lists_create", "lists.create", &Core::CreateList},
    Route{sim::Method::kGet, "/api/lists/{id}", "L", "lists.get", &Core::GetList},
    Route{sim::Method::kGet, "/api/lists/{id}/profiles", "L", "lists.profiles", &Core::GetListProfiles},
    Route{sim::Method::kPost, "/api/lists/{id}/relationships/profiles", "M", "lists.add", &Core::AddListProfiles},
    Route{sim::Method::kDelete, "/api/lists/{id}/relationships/profiles", "M", "lists.remove",
          &Core::RemoveListProfiles},
    Route{sim::Method::kGet, "/api/segments", "L", "segments.list", &Core::GetSegments},
    Route{sim::Method::kGet, "/api/segments/{id}", "L", "segments.get", &Core::GetSegment},
    Route{sim::Method::kGet, "/api/segments/{id}/profiles", "L", "segments.profiles", &Core::GetSegmentProfiles},
    Route{sim::Method::kPost, "/api/events", "XL", "events.create", &Core::CreateEvent},
    Route{sim::Method::kGet, "/api/events", "XL", "events.list", &Core::GetEvents},
    Route{sim::Method::kGet, "/api/events/{id}", "M", "events.get", &Core::GetEvent},
    Route{sim::Method::kGet, "/api/metrics", "M", "metrics.list", &Core::GetMetrics},
    Route{sim::Method::kGet, "/api/metrics/{id}", "M", "metrics.get", &Core::GetMetric},
    Route{sim::Method::kPost, "/api/profile-suppression-bulk-create-jobs", "L", "suppress.create",
          &Core::CreateSuppressionJob},
    Route{sim::Method::kGet, "/api/profile-suppression-bulk-create-jobs/{id}", "L", "suppress.get",
          &Core::GetSuppressionCreateJob},
    Route{sim::Method::kPost, "/api/profile-suppression-bulk-delete-jobs", "L", "unsuppress.create",
          &Core::DeleteSuppressionJob},
    Route{sim::Method::kGet, "/api/profile-suppression-bulk-delete-jobs/{id}", "L", "unsuppress.get",
          &Core::GetSuppressionDeleteJob},
    Route{sim::Method::kPost, "/api/profile-subscription-bulk-create-jobs", "L", "subscribe", &Core::Subscribe},
    Route{sim::Method::kPost, "/api/profile-subscription-bulk-delete-jobs", "L", "unsubscribe", &Core::Unsubscribe},
    Route{sim::Method::kGet, "/api/campaigns", "M", "campaigns.list", &Core::GetCampaigns},
    Route{sim::Method::kGet, "/api/campaigns/{id}", "M", "campaigns.get", &Core::GetCampaign},
    Route{sim::Method::kPost, "/api/campaign-send-jobs", "M", "campaigns.send", &Core::CreateCampaignSendJob},
    Route{sim::Method::kGet, "/api/flows", "S", "flows.list", &Core::GetFlows},
    Route{sim::Method::kGet, "/api/flows/{id}", "S", "flows.get", &Core::GetFlow},
};

bool IsAlnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

// "YYYY-MM-DD" or "YYYY-MM-DD.pre".
bool WellFormedRevision(std::string_view r) {
  if (r.ends_with(".pre")) r.remove_suffix(4);
  if (r.size() != 10 || r[4] != '-' || r[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(r[i]))) return false;
  }
  return true;
}

std::int64_t CeilSeconds(sim::Duration d) {
  const auto ns = d.count();
  return (ns + 999'999'999) / 1'000'000'000;
}

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

std::string KlaviyoTime(sim::WallTime t) { return sim::FormatRfc3339(t, std::chrono::minutes(0), 0); }

OrderedJson OptString(const std::optional<std::string>& s) { return s ? OrderedJson(*s) : OrderedJson(nullptr); }

Core::Core(Config c, sim::Executor& ex, sim::Rng r, sim::Trace* t)
    : config(std::move(c)), executor(ex), rng(r), trace(t), log(config.request_log_capacity) {}

std::string Core::NewUlid(sim::WallTime t) {
  // 48-bit milliseconds in 10 characters, then 80 random bits in 16.
  auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count());
  std::string id(26, '0');
  for (int i = 9; i >= 0; --i) {
    id[static_cast<std::size_t>(i)] = kCrockford[ms & 31];
    ms >>= 5;
  }
  for (std::size_t i = 10; i < 26; ++i) id[i] = kCrockford[rng.Below(32)];
  return id;
}

std::string Core::NewShortId(std::size_t length, const std::function<bool(const std::string&)>& taken) {
  for (;;) {
    std::string id(length, 'x');
    for (char& c : id) c = kAlnum[rng.Below(sizeof(kAlnum) - 1)];
    if (!taken(id)) return id;
  }
}

sim::Response Core::Document(int status, OrderedJson body) const {
  sim::Response r = JsonResponse(status, body);
  r.headers.Set("Content-Type", "application/vnd.api+json");
  return r;
}

sim::Response Core::ErrorResponse(const ApiError& e) {
  OrderedJson err = {{"id", Uuid4(rng)}, {"status", e.status}, {"code", e.code}, {"title", e.title},
                     {"detail", e.detail}};
  if (!e.pointer.empty()) {
    err["source"] = {{"pointer", e.pointer}};
  } else if (!e.parameter.empty()) {
    err["source"] = {{"parameter", e.parameter}};
  } else {
    err["source"] = {{"pointer", "/data/"}};
  }
  err["links"] = OrderedJson::object();
  err["meta"] = e.meta;
  return Document(e.status, OrderedJson{{"errors", OrderedJson::array({err})}});
}

// Choice (reference open question): 401 bodies use DRF's codes and titles, as Klaviyo's API
// is built on it: not_authenticated for a missing header, authentication_failed for a wrong key.
std::optional<std::string> Core::Authenticate(const sim::Request& request, ApiError& error) const {
  const auto header = request.headers.Get("Authorization");
  error.status = 401;
  if (!header || header->empty()) {
    error.code = "not_authenticated";
    error.title = "Authentication credentials were not provided.";
    error.detail = "Missing or invalid private key.";
    return std::nullopt;
  }
  error.code = "authentication_failed";
  error.title = "Incorrect authentication credentials.";
  error.detail = "Incorrect authentication credentials.";
  constexpr std::string_view kKeyScheme = "Klaviyo-API-Key ";
  constexpr std::string_view kBearer = "Bearer ";
  const std::string_view h = *header;
  if (h.starts_with(kKeyScheme)) {
    const std::string_view key = h.substr(kKeyScheme.size());
    const bool ok = config.api_keys.empty()
                        ? key.size() == 37 && key.starts_with("pk_") && IsAlnum(key.substr(3))
                        : std::find(config.api_keys.begin(), config.api_keys.end(), key) != config.api_keys.end();
    if (ok) return config.account_id;
    return std::nullopt;
  }
  if (h.starts_with(kBearer)) {
    const std::string_view token = h.substr(kBearer.size());
    if (std::find(config.oauth_tokens.begin(), config.oauth_tokens.end(), token) != config.oauth_tokens.end()) {
      return config.account_id + ":oauth:" + std::string(token);
    }
  }
  return std::nullopt;
}

// Choice (reference open question): a missing, malformed or unknown revision is a 400
// `invalid` error whose source is the `revision` parameter.
std::optional<ApiError> Core::CheckRevision(const sim::Request& request) const {
  const auto revision = request.headers.Get("revision");
  ApiError e;
  e.parameter = "revision";
  if (!revision || revision->empty()) {
    e.detail = "A revision header is required. Pass a revision in the form YYYY-MM-DD.";
    return e;
  }
  std::string_view r = *revision;
  if (!WellFormedRevision(r)) {
    e.detail = "Invalid revision '" + std::string(r) + "'. Pass a revision in the form YYYY-MM-DD.";
    return e;
  }
  const std::string_view date = r.substr(0, 10);
  if (date < "2023-02-22" || date > std::string_view(config.latest_revision)) {
    e.detail = "Revision '" + std::string(r) + "' is not a valid revision.";
    return e;
  }
  return std::nullopt;
}

std::optional<sim::Response> Core::Throttle(const std::string& account, const Route& route, sim::Moment now,
                                            sim::Headers& headers, std::string& log_line) {
  const RateLimits& limits = config.rate_limits;
  if (!limits.enabled) {
    log_line = "disabled";
    return std::nullopt;
  }
  const auto tier_it = limits.tiers.find(std::string(route.tier));
  if (tier_it == limits.tiers.end()) {
    log_line = "no tier " + std::string(route.tier);
    return std::nullopt;
  }
  const RateTier& tier = tier_it->second;
  const std::string key =
      account + "|" + std::string(limits.scope == RateLimits::Scope::kPerTier ? route.tier : route.name);
  auto it = windows.find(key);
  if (it == windows.end()) {
    Windows w{TokenBucket({static_cast<double>(tier.burst), static_cast<double>(tier.burst)}),
              TokenBucket({static_cast<double>(tier.steady), static_cast<double>(tier.steady) / 60.0}),
              std::nullopt};
    if (tier.daily > 0) w.daily.emplace(TokenBucket::Config{static_cast<double>(tier.daily), static_cast<double>(tier.daily) / 86400.0});
    it = windows.emplace(key, std::move(w)).first;
  }
  Windows& w = it->second;
  // Check every window on copies first, so a refusal by one takes nothing from the others.
  sim::Duration wait{0};
  std::string refused_by;
  const auto probe = [&](const TokenBucket& b, std::string_view name) {
    TokenBucket copy = b;
    const auto d = copy.TryTake(now.monotonic, 1);
    if (!d.admitted && d.retry_after > wait) {
      wait = d.retry_after;
      refused_by = name;
    }
  };
  probe(w.burst, "burst");
  probe(w.steady, "steady");
  if (w.daily) probe(*w.daily, "daily");
  const std::string tier_name(route.tier);
  if (!refused_by.empty()) {
    const std::int64_t seconds = std::max<std::int64_t>(1, CeilSeconds(wait));
    log_line = "refused " + tier_name + " by " + refused_by + " retry_after=" + std::to_string(seconds) + "s";
    ApiError e;
    e.status = 429;
    e.code = "throttled";
    e.title = "Request was throttled.";
    e.detail = "Request was throttled. Expected available in " + std::to_string(seconds) +
               (seconds == 1 ? " second." : " seconds.");
    e.pointer = "/data";
    sim::Response r = ErrorResponse(e);
    // The 429 carries only Retry-After, never the RateLimit-* headers (reference §3).
    r.headers.Set("Retry-After", std::to_string(seconds));
    return r;
  }
  w.burst.TryTake(now.monotonic, 1);
  const auto steady = w.steady.TryTake(now.monotonic, 1);
  if (w.daily) w.daily->TryTake(now.monotonic, 1);
  const auto remaining = static_cast<std::int64_t>(std::floor(steady.available));
  const double missing = static_cast<double>(tier.steady) - steady.available;
  const auto reset = std::min<std::int64_t>(
      60, static_cast<std::int64_t>(std::ceil(missing / (static_cast<double>(tier.steady) / 60.0) - 1e-9)));
  headers.Set("RateLimit-Limit", std::to_string(tier.steady));
  headers.Set("RateLimit-Remaining", std::to_string(remaining));
  headers.Set("RateLimit-Reset", std::to_string(std::max<std::int64_t>(0, reset)));
  log_line = "admitted " + tier_name + " burst " + std::to_string(static_cast<std::int64_t>(w.burst.Available(now.monotonic))) +
             "/" + std::to_string(tier.burst) + " steady " + std::to_string(remaining) + "/" + std::to_string(tier.steady);
  return std::nullopt;
}

sim::Response Core::HandleLocked(const sim::Request& request, sim::Moment now) {
  const std::string_view path = request.Path();
  if (path.starts_with("/_rehearsal/")) return HandleInspection(request, now);
  if (path == kShopifyIntakePath) return HandleShopifyIntake(request, now);

  RequestLogEntry entry;
  entry.at = now.monotonic;
  entry.method = std::string(sim::MethodName(request.method));
  entry.target = request.target;
  const auto finish = [&](sim::Response r) {
    entry.status = r.status;
    log.Add(entry);
    return r;
  };

  if (path.starts_with("/api/v1/") || path.starts_with("/api/v2/")) {
    ApiError e{410, "gone", "Gone.", "This legacy API endpoint has been retired.", "", "", OrderedJson::object()};
    return finish(ErrorResponse(e));
  }
  const Route* route = nullptr;
  std::optional<PathParams> params;
  bool path_known = false;
  for (const Route& r : kRoutes) {
    auto m = MatchPath(r.pattern, path);
    if (!m) continue;
    // A literal path beats a placeholder ("/api/lists/{id}" must not eat "/api/lists/x/profiles";
    // MatchPath already needs every segment to match, so the first match is exact).
    path_known = true;
    if (r.method == request.method) {
      route = &r;
      params = std::move(m);
      break;
    }
  }
  if (route == nullptr) {
    ApiError e;
    if (path_known) {
      e = {405, "method_not_allowed", "Method not allowed.",
           "Method \"" + std::string(sim::MethodName(request.method)) + "\" not allowed.", "", "", OrderedJson::object()};
    } else {
      e = {404, "not_found", "Not found.", "The path " + std::string(path) + " was not found.", "", "",
           OrderedJson::object()};
    }
    return finish(ErrorResponse(e));
  }

  ApiError auth_error;
  const auto account = Authenticate(request, auth_error);
  if (!account) return finish(ErrorResponse(auth_error));
  entry.account = *account;
  if (auto e = CheckRevision(request)) return finish(ErrorResponse(*e));

  sim::Headers limit_headers;
  if (auto throttled = Throttle(*account, *route, now, limit_headers, entry.rate_limit)) {
    return finish(std::move(*throttled));
  }

  Call call{request, now, std::move(*params), ""};
  if (!config.link_base.empty()) {
    call.link_base = config.link_base;
  } else {
    const std::string_view host = request.Host();
    const bool local = host.empty() || std::isdigit(static_cast<unsigned char>(host.front())) ||
                       host.starts_with("localhost");
    call.link_base = std::string(local ? "http://" : "https://") + std::string(host.empty() ? "a.klaviyo.com" : host);
  }
  Reply reply = (this->*(route->handler))(call);
  sim::Response response = reply ? std::move(*reply) : ErrorResponse(reply.error());
  for (const auto& [k, v] : limit_headers.fields()) response.headers.Set(k, v);
  return finish(std::move(response));
}

sim::Expected<Json, ApiError> Core::ParseDocument(const sim::Request& request, std::string_view type,
                                                  const std::vector<std::string_view>& allowed, bool needs_id) {
  const std::string_view ct = request.headers.GetOr("Content-Type", "");
  if (!ct.empty()) {
    std::string_view media = ct.substr(0, ct.find(';'));
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    if (!sim::EqualsIgnoreCase(media, "application/json") && !sim::EqualsIgnoreCase(media, "application/vnd.api+json")) {
      return sim::MakeUnexpected(ApiError{415, "unsupported_media_type", "Unsupported media type.",
                                          "Unsupported media type \"" + std::string(media) + "\" in request.", "", "",
                                          OrderedJson::object()});
    }
  }
  ApiError e;
  std::string why;
  auto doc = ParseJsonBody(request, &why);
  if (!doc) {
    e.detail = "JSON parse error - " + why + ".";
    e.pointer = "/data";
    return sim::MakeUnexpected(e);
  }
  if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_object()) {
    e.detail = "'data' is a required object.";
    e.pointer = "/data";
    return sim::MakeUnexpected(e);
  }
  Json data = (*doc)["data"];
  if (!data.contains("type") || !data["type"].is_string()) {
    e.detail = "'type' is a required field.";
    e.pointer = "/data/type";
    return sim::MakeUnexpected(e);
  }
  if (data["type"].get<std::string>() != type) {
    e.detail = "'" + data["type"].get<std::string>() + "' is not a valid type; expected '" + std::string(type) + "'.";
    e.pointer = "/data/type";
    return sim::MakeUnexpected(e);
  }
  if (needs_id && (!data.contains("id") || !data["id"].is_string())) {
    e.detail = "'id' is a required field.";
    e.pointer = "/data/id";
    return sim::MakeUnexpected(e);
  }
  if (data.contains("attributes")) {
    if (!data["attributes"].is_object()) {
      e.detail = "'attributes' must be an object.";
      e.pointer = "/data/attributes";
      return sim::MakeUnexpected(e);
    }
    for (const auto& [key, value] : data["attributes"].items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        e.detail = "'" + key + "' is not a valid field for the resource '" + std::string(type) + "'.";
        e.pointer = "/data/attributes/" + key;
        return sim::MakeUnexpected(e);
      }
    }
  } else {
    data["attributes"] = Json::object();
  }
  return data;
}

sim::Expected<std::optional<Filter>, ApiError> Core::ReadFilter(const Call& call, std::span<const FilterRule> rules) {
  const auto text = call.request.Query("filter");
  if (!text) return std::optional<Filter>();
  ApiError e;
  e.parameter = "filter";
  auto parsed = ParseFilter(*text);
  if (!parsed) {
    e.detail = parsed.error();
    return sim::MakeUnexpected(e);
  }
  if (auto err = ValidateFilter(*parsed, rules)) {
    e.detail = "Invalid filter provided: " + *err;
    return sim::MakeUnexpected(e);
  }
  return std::optional<Filter>(std::move(*parsed));
}

sim::Expected<Core::Page, ApiError> Core::ReadPage(const Call& call, std::size_t default_size,
                                                   std::size_t max_size) const {
  Page page{0, default_size};
  ApiError e;
  if (const auto size = call.request.Query("page[size]")) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), n);
    if (ec != std::errc() || end != size->data() + size->size() || n < 1 || n > max_size) {
      e.parameter = "page[size]";
      e.detail = "Invalid page size: expected an integer from 1 to " + std::to_string(max_size) + ".";
      return sim::MakeUnexpected(e);
    }
    page.size = n;
  }
  if (auto cursor = call.request.Query("page[cursor]")) {
    // The Node SDK sends the whole links.next URL as the cursor when it is not https.
    for (std::string_view marker : {"page[cursor]=", "page%5Bcursor%5D="}) {
      const auto at = cursor->find(marker);
      if (at != std::string::npos) {
        std::string rest = cursor->substr(at + marker.size());
        rest = rest.substr(0, rest.find('&'));
        cursor = sim::PercentDecode(rest, false);
        break;
      }
    }
    std::string decoded;
    std::size_t offset = 0;
    bool ok = sim::Base64Decode(*cursor, decoded) && decoded.starts_with("next::offset::");
    if (ok) {
      const std::string_view n = std::string_view(decoded).substr(14);
      const auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), offset);
      ok = ec == std::errc() && end == n.data() + n.size();
    }
    if (!ok) {
      e.parameter = "page[cursor]";
      e.detail = "Invalid cursor provided.";
      return sim::MakeUnexpected(e);
    }
    page.offset = offset;
  }
  return page;
}

OrderedJson Core::Paged(const Call& call, OrderedJson data, const Page& page, std::size_t total) const {
  const std::string self = call.link_base + std::string(call.request.Path());
  const auto link_for = [&](std::size_t offset) {
    std::string query;
    for (const auto& [k, v] : call.request.QueryParams()) {
      if (k == "page[cursor]") continue;
      query += (query.empty() ? "" : "&") + sim::PercentEncode(k) + "=" + sim::PercentEncode(v);
    }
    query += (query.empty() ? "" : "&") + sim::PercentEncode("page[cursor]") + "=" +
             sim::PercentEncode(sim::Base64Encode("next::offset::" + std::to_string(offset)));
    return self + "?" + query;
  };
  const std::string raw(call.request.RawQuery());
  OrderedJson links = {{"self", raw.empty() ? self : self + "?" + raw}};
  links["next"] = page.offset + page.size < total ? OrderedJson(link_for(page.offset + page.size)) : OrderedJson(nullptr);
  links["prev"] = page.offset > 0 ? OrderedJson(link_for(page.offset > page.size ? page.offset - page.size : 0))
                                  : OrderedJson(nullptr);
  return OrderedJson{{"data", std::move(data)}, {"links", std::move(links)}};
}

OrderedJson Core::SparseAttributes(const Call& call, std::string_view type, OrderedJson attributes) const {
  const auto fields = call.request.Query("fields[" + std::string(type) + "]");
  if (!fields) return attributes;
  std::vector<std::string> keep;
  std::string_view rest = *fields;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    keep.emplace_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  OrderedJson out = OrderedJson::object();
  for (auto& [k, v] : attributes.items()) {
    if (std::find(keep.begin(), keep.end(), k) != keep.end()) out[k] = v;
  }
  return out;
}

}  // namespace detail

// --- KlaviyoMock ----------------------------------------------------------------------------

KlaviyoMock::KlaviyoMock(Config config, sim::Executor& executor, sim::Rng rng, sim::Trace* trace)
    : core_(std::make_unique<detail::Core>(std::move(config), executor, rng, trace)) {}

KlaviyoMock::~KlaviyoMock() {
  std::lock_guard lock(core_->mu);
  core_->destroying = true;
  for (auto& [id, run] : core_->runs) {
    if (run.timer) core_->executor.Cancel(*run.timer);
  }
  for (auto& [id, timer] : core_->campaign_timers) core_->executor.Cancel(timer);
}

sim::Response KlaviyoMock::Handle(const sim::Request& request, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  try {
    return core_->HandleLocked(request, now);
  } catch (const std::exception& e) {
    // A bug, or an input nothing anticipated: one request answered 500 in Klaviyo's JSON:API
    // envelope with the reason kept in the request log, never an exception out of Handle.
    RequestLogEntry entry;
    entry.at = now.monotonic;
    entry.method = std::string(sim::MethodName(request.method));
    entry.target = request.target;
    entry.status = 500;
    entry.rate_limit = std::string("failed: ") + e.what();
    core_->log.Add(std::move(entry));
    return core_->ErrorResponse(
        detail::ApiError{500, "error", "A server error occurred.", "A server error occurred.", "", "", OrderedJson::object()});
  }
}

sim::Expected<std::string, std::string> KlaviyoMock::SeedProfile(const ProfileSeed& seed, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedProfileLocked(seed, now);
}

std::string KlaviyoMock::SeedList(std::string name, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  auto id = core_->NewShortId(6, [&](const std::string& x) { return core_->state.lists.count(x) > 0; });
  core_->state.lists[id] = List{id, std::move(name), "single_opt_in", now.wall, now.wall, {}};
  return id;
}

std::string KlaviyoMock::SeedMetric(std::string name, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->MetricNamed(name, now.wall).id;
}

sim::Expected<std::string, std::string> KlaviyoMock::SeedSegment(std::string name, std::vector<Condition> conditions,
                                                                 sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedSegmentLocked(std::move(name), std::move(conditions), now);
}

sim::Expected<std::string, std::string> KlaviyoMock::ScheduleCampaign(Campaign campaign, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->ScheduleCampaignLocked(std::move(campaign), now);
}

sim::Expected<std::string, std::string> KlaviyoMock::SeedFlow(Flow flow, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedFlowLocked(std::move(flow), now);
}

sim::Expected<std::string, std::string> KlaviyoMock::SeedJson(std::string_view what, const Json& doc,
                                                              sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedJsonLocked(what, doc, now);
}

bool KlaviyoMock::Suppress(std::string_view email, std::string reason, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  Profile* p = core_->FindByEmail(email);
  return p != nullptr && core_->SuppressProfile(*p, reason, now.wall);
}

bool KlaviyoMock::Unsuppress(std::string_view email, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  Profile* p = core_->FindByEmail(email);
  return p != nullptr && core_->UnsuppressProfile(*p, now.wall);
}

bool KlaviyoMock::SetConsent(std::string_view email, Channel channel, std::string consent, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  Profile* p = core_->FindByEmail(email);
  if (p == nullptr) return false;
  (channel == Channel::kEmail ? p->email_consent : p->sms_consent) = std::move(consent);
  p->updated = now.wall;
  return true;
}

void KlaviyoMock::SetRateLimits(const RateLimits& limits) {
  std::lock_guard lock(core_->mu);
  core_->config.rate_limits = limits;
  core_->windows.clear();
}

std::vector<SendRecord> KlaviyoMock::Sends() const {
  std::lock_guard lock(core_->mu);
  return core_->state.sends;
}

std::vector<RequestLogEntry> KlaviyoMock::Requests() const {
  std::lock_guard lock(core_->mu);
  return {core_->log.entries().begin(), core_->log.entries().end()};
}

std::optional<Profile> KlaviyoMock::FindProfileByEmail(std::string_view email) const {
  std::lock_guard lock(core_->mu);
  const Profile* p = core_->FindByEmail(email);
  return p ? std::optional<Profile>(*p) : std::nullopt;
}

State KlaviyoMock::Snapshot() const {
  std::lock_guard lock(core_->mu);
  return core_->state;
}

}  // namespace rh::mocks::klaviyo
