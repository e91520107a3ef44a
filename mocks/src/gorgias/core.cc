// The transport-facing half of the Gorgias mock: authentication, the per-account leaky
// buckets and their headers, routing (404, 405), permissions (403), body parsing (400, 415),
// the request log, and the helpers every handler shares (field errors, the error envelope,
// datetimes, events). Deterministic: a function of the state, the request and `now`.
#include <algorithm>
#include <charconv>
#include <chrono>

#include "core.h"
#include "mocks/common/json_http.h"
#include "sim/crypto.h"

namespace rh::mocks::gorgias::detail {

// ---------------------------------------------------------------------------------------------
// Field errors and readers.

void FieldErrors::Add(const std::vector<std::string>& path, std::string_view message) {
  if (data_.is_null()) data_ = OrderedJson::object();
  OrderedJson* node = &data_;
  for (const std::string& key : path) {
    if (!node->is_object()) *node = OrderedJson::object();
    node = &(*node)[key];
  }
  if (!node->is_array()) *node = OrderedJson::array();
  node->push_back(std::string(message));
  ++count_;
}

FieldPath operator/(FieldPath path, std::string_view key) {
  path.emplace_back(key);
  return path;
}

const OrderedJson* Find(const OrderedJson& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  const auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

std::optional<std::uint64_t> AsUint(const OrderedJson& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer()) {
    const auto v = value.get<std::int64_t>();
    if (v >= 0) return static_cast<std::uint64_t>(v);
  }
  return std::nullopt;
}

bool ReadString(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
                std::optional<std::string>& out, bool nullable) {
  const OrderedJson* v = Find(obj, key);
  if (v == nullptr) return false;
  if (v->is_null()) {
    if (!nullable) errors.Add(at / key, "Field may not be null.");
    out.reset();
    return nullable;
  }
  if (!v->is_string()) {
    errors.Add(at / key, kNotString);
    return false;
  }
  out = v->get<std::string>();
  return true;
}

bool ReadBool(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
              std::optional<bool>& out) {
  const OrderedJson* v = Find(obj, key);
  if (v == nullptr) return false;
  if (!v->is_boolean()) {
    errors.Add(at / key, kNotBoolean);
    return false;
  }
  out = v->get<bool>();
  return true;
}

bool ReadUint(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
              std::optional<std::uint64_t>& out) {
  const OrderedJson* v = Find(obj, key);
  if (v == nullptr || v->is_null()) return false;
  const auto n = AsUint(*v);
  if (!n) {
    errors.Add(at / key, kNotInteger);
    return false;
  }
  out = *n;
  return true;
}

bool ReadDatetime(const OrderedJson& obj, std::string_view key, const FieldPath& at, FieldErrors& errors,
                  std::optional<sim::WallTime>& out) {
  const OrderedJson* v = Find(obj, key);
  if (v == nullptr) return false;
  if (v->is_null()) {
    out.reset();
    return true;
  }
  sim::WallTime t;
  if (!v->is_string() || !sim::ParseRfc3339(v->get<std::string>(), t)) {
    errors.Add(at / key, kNotDatetime);
    return false;
  }
  out = t;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Small shared helpers.

std::int64_t Micros(sim::WallTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

std::optional<std::uint64_t> ParseUintText(std::string_view text) {
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

std::string FullName(const std::string& first, const std::string& last) {
  if (first.empty()) return last;
  if (last.empty()) return first;
  return first + " " + last;
}

const sim::Request& NoRequest() {
  static const sim::Request request;
  return request;
}

// ---------------------------------------------------------------------------------------------
// Output helpers.

std::string Datetime(sim::WallTime t) { return sim::FormatRfc3339(t, std::chrono::minutes(0), 6); }

OrderedJson Datetime(const std::optional<sim::WallTime>& t) {
  return t ? OrderedJson(Datetime(*t)) : OrderedJson(nullptr);
}

OrderedJson OptString(const std::optional<std::string>& s) { return s ? OrderedJson(*s) : OrderedJson(nullptr); }

OrderedJson OptId(const std::optional<std::uint64_t>& id) { return id ? OrderedJson(*id) : OrderedJson(nullptr); }

sim::Response ErrorResponse(const ApiError& error) {
  OrderedJson body = {{"msg", error.msg}};
  if (!error.data.is_null()) body["data"] = error.data;
  return JsonResponse(error.status, OrderedJson{{"error", std::move(body)}});
}

ApiError NotFound() { return {404, "Resource not found."}; }

ApiError ValidationError(std::string_view msg, const FieldErrors& errors) {
  return {400, std::string(msg), errors.data()};
}

sim::Response EmptyResponse(int status) {
  sim::Response response;
  response.status = status;
  return response;
}

std::string DescribeErrors(const ApiError& error) {
  std::string out = std::to_string(error.status) + " " + error.msg;
  if (!error.data.is_null()) out += ": " + error.data.dump(-1, ' ', false, kReplaceInvalidUtf8);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Core.

namespace {

LeakyBucket::Config BucketConfig(std::int64_t limit, sim::Duration window) {
  return {limit, window / limit};
}

}  // namespace

Core::Core(Config config_in, sim::Rng rng_in, sim::Executor* executor_in, WebhookEmitter* webhooks_in)
    : config(std::move(config_in)),
      rng(rng_in.Fork("gorgias.draws")),
      executor(executor_in),
      webhooks(webhooks_in),
      // Gorgias ids are small increasing integers; these starts and gaps look like a live
      // account's (tickets in the tens of millions, as in the reference's examples).
      user_seq(1, 1, rng_in.Fork("gorgias.ids.users")),
      customer_seq(3900, 7, rng_in.Fork("gorgias.ids.customers")),
      channel_seq(7700, 3, rng_in.Fork("gorgias.ids.channels")),
      ticket_seq(86538200, 9, rng_in.Fork("gorgias.ids.tickets")),
      message_seq(178450000, 5, rng_in.Fork("gorgias.ids.messages")),
      tag_seq(100, 3, rng_in.Fork("gorgias.ids.tags")),
      macro_seq(200, 2, rng_in.Fork("gorgias.ids.macros")),
      event_seq(900000000, 11, rng_in.Fork("gorgias.ids.events")),
      integration_seq(10, 1, rng_in.Fork("gorgias.ids.integrations")),
      call_seq(1, 1, rng_in.Fork("gorgias.ids.calls")),
      api_key_bucket(BucketConfig(config.rate_limits.api_key_limit, config.rate_limits.window)),
      oauth_bucket(BucketConfig(config.rate_limits.oauth_limit, config.rate_limits.window)),
      request_log(config.request_log_capacity) {
  state.account = config.account;
}

Core::~Core() {
  if (executor == nullptr) return;
  for (const PendingSend& p : pending_sends) {
    if (p.timer) executor->Cancel(*p.timer);
  }
}

void Core::ApplyRateLimits() {
  const RateLimits& r = config.rate_limits;
  RH_CHECK(r.api_key_limit > 0 && r.oauth_limit > 0 && r.window.count() > 0, "Gorgias rate limits must be positive");
  api_key_bucket.Reconfigure(BucketConfig(r.api_key_limit, r.window));
  oauth_bucket.Reconfigure(BucketConfig(r.oauth_limit, r.window));
}

std::uint64_t Core::NextFreeId(IdSequence& seq, const std::function<bool(std::uint64_t)>& taken) {
  for (;;) {
    const std::uint64_t id = seq.Next();
    if (!taken(id)) return id;
  }
}

const std::string& Core::ChangeContext(Ctx& ctx) {
  if (ctx.change_context.empty()) ctx.change_context = Uuid4(rng);
  return ctx.change_context;
}

void Core::AddEvent(Ctx& ctx, std::string_view type, std::string_view object_type, std::uint64_t object_id,
                    OrderedJson data) {
  if (ctx.quiet) return;
  Event e;
  e.id = NextFreeId(event_seq, [&](std::uint64_t id) { return state.events.contains(id); });
  e.context = ChangeContext(ctx);
  e.created = ctx.now.wall;
  e.data = std::move(data);
  e.object_id = object_id;
  e.object_type = std::string(object_type);
  e.type = std::string(type);
  e.user_id = ctx.user_id;
  state.events.emplace(e.id, std::move(e));
}

sim::Response Core::FailedRequest(const sim::Request& request, sim::Moment now, std::string_view reason) {
  sim::Response response = ErrorResponse({500, "Internal Server Error"});
  RequestLogEntry entry;
  entry.at = now.monotonic;
  entry.method = std::string(sim::MethodName(request.method));
  entry.target = request.target;
  entry.status = response.status;
  entry.rate_limit = "failed: " + std::string(reason);
  request_log.Add(std::move(entry));
  return response;
}

sim::Response Core::Handle(const sim::Request& request, sim::Moment now) {
  const std::string_view path = request.Path();
  if (path == "/_rehearsal" || path.starts_with("/_rehearsal/")) return HandleInspection(request, now);
  return HandleApi(request, now);
}

// Choice: authentication comes first, then the rate limit, then routing, as in a Flask app
// whose before-request hooks authenticate (Gorgias's 404s are only seen by authenticated
// callers). A 401 counts against no bucket, since it belongs to no account, so it carries no
// X-Gorgias-Account-Api-Call-Limit header; every authenticated response does.
sim::Response Core::HandleApi(const sim::Request& request, sim::Moment now) {
  RequestLogEntry entry;
  entry.at = now.monotonic;
  entry.method = std::string(sim::MethodName(request.method));
  entry.target = request.target;

  std::string why;
  const std::optional<Caller> caller = Authenticate(request, now, why);
  if (!caller) {
    sim::Response response = ErrorResponse({401, why});
    entry.status = response.status;
    entry.rate_limit = "not counted (unauthenticated)";
    request_log.Add(std::move(entry));
    return response;
  }

  const bool oauth = caller->kind == AuthKind::kOAuth;
  LeakyBucket& bucket = oauth ? oauth_bucket : api_key_bucket;
  entry.account = state.account.domain + (oauth ? "/oauth" : "/api-key");
  const std::string limit = std::to_string(bucket.config().capacity);
  sim::Response response;
  std::string header;
  bool refused = false;
  if (config.rate_limits.enabled) {
    const LeakyBucket::Decision d = bucket.TryAdmit(now.monotonic);
    header = std::to_string(d.level) + "/" + limit;
    if (!d.admitted) {
      refused = true;
      // Whole seconds, rounded up, never 0: a client that waits exactly this long gets in.
      const std::int64_t ns = d.retry_after.count();
      const std::int64_t seconds = std::max<std::int64_t>(1, (ns + 999'999'999) / 1'000'000'000);
      response = ErrorResponse({429, "Too many requests: the API call limit of this account is reached.",
                                OrderedJson{{"retry_after", seconds}}});
      response.headers.Set("Retry-After", std::to_string(seconds));
      entry.rate_limit = "refused " + header + " retry_after=" + std::to_string(seconds) + "s";
    } else {
      entry.rate_limit = "admitted " + header;
    }
  } else {
    header = "0/" + limit;
    entry.rate_limit = "not limited";
  }
  if (!refused) response = Dispatch(request, now, *caller);
  response.headers.Set("X-Gorgias-Account-Api-Call-Limit", header);
  entry.status = response.status;
  request_log.Add(std::move(entry));
  return response;
}

std::optional<Caller> Core::Authenticate(const sim::Request& request, sim::Moment now, std::string& why) {
  const std::optional<std::string_view> header = request.headers.Get("Authorization");
  if (!header || header->empty()) {
    why = "Missing credentials: use HTTP Basic with an API key, or an OAuth2 Bearer token.";
    return std::nullopt;
  }
  const std::string_view value = *header;
  const auto space = value.find(' ');
  const std::string_view scheme = value.substr(0, space);
  std::string_view rest = space == std::string_view::npos ? std::string_view{} : value.substr(space + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);

  if (sim::EqualsIgnoreCase(scheme, "Basic")) {
    std::string decoded;
    const auto colon = sim::Base64Decode(rest, decoded) ? decoded.find(':') : std::string::npos;
    if (colon == std::string::npos) {
      why = "Invalid credentials.";
      return std::nullopt;
    }
    const std::string_view email = std::string_view(decoded).substr(0, colon);
    const std::string_view secret = std::string_view(decoded).substr(colon + 1);
    for (const auto& [id, user] : state.users) {
      if (!sim::EqualsIgnoreCase(user.email, email) || !user.active) continue;
      for (const ApiKey& key : state.api_keys) {
        if (key.user_id == id && sim::ConstantTimeEquals(key.key, secret)) {
          return Caller{AuthKind::kApiKey, id, nullptr};
        }
      }
      if (!user.password.empty() && sim::ConstantTimeEquals(user.password, secret)) {
        why = "Passwords are not accepted to authenticate API requests: use an API key.";
        return std::nullopt;
      }
    }
    why = "Invalid credentials.";
    return std::nullopt;
  }
  if (sim::EqualsIgnoreCase(scheme, "Bearer")) {
    for (const OAuthToken& token : state.oauth_tokens) {
      if (!sim::ConstantTimeEquals(token.access_token, rest)) continue;
      if (token.expires_at && now.monotonic >= *token.expires_at) {
        why = "The access token has expired.";
        return std::nullopt;
      }
      const auto user = state.users.find(token.user_id);
      if (user == state.users.end() || !user->second.active) break;
      return Caller{AuthKind::kOAuth, token.user_id, &token};
    }
    why = "Invalid access token.";
    return std::nullopt;
  }
  why = "Unsupported authorization scheme.";
  return std::nullopt;
}

bool Core::Permits(const Caller& caller, const Access& access) const {
  const auto user = state.users.find(caller.user_id);
  if (user == state.users.end()) return false;
  const std::string& role = user->second.role;
  if (access.write && role == "observer-agent") return false;
  if (access.admin_only && role != "admin") return false;
  if (caller.kind == AuthKind::kOAuth && caller.token != nullptr && !caller.token->scopes.empty()) {
    const std::string read = std::string(access.scope) + ":read";
    const std::string write = std::string(access.scope) + ":write";
    for (const std::string& s : caller.token->scopes) {
      if (s == "write:all" || s == write || (!access.write && s == read)) return true;
    }
    return false;
  }
  return true;
}

const std::vector<Route>& Core::Routes() {
  using M = sim::Method;
  static const std::vector<Route> routes = {
      {M::kGet, "/api/tickets", &Core::ListTickets, {"tickets"}},
      {M::kPost, "/api/tickets", &Core::CreateTicket, {"tickets", true}},
      {M::kGet, "/api/tickets/{id}", &Core::GetTicket, {"tickets"}},
      {M::kPut, "/api/tickets/{id}", &Core::UpdateTicket, {"tickets", true}},
      {M::kDelete, "/api/tickets/{id}", &Core::DeleteTicket, {"tickets", true}},
      {M::kGet, "/api/tickets/{id}/tags", &Core::ListTicketTags, {"tickets"}},
      {M::kPost, "/api/tickets/{id}/tags", &Core::AddTicketTags, {"tickets", true}},
      {M::kPut, "/api/tickets/{id}/tags", &Core::ReplaceTicketTags, {"tickets", true}},
      {M::kDelete, "/api/tickets/{id}/tags", &Core::RemoveTicketTags, {"tickets", true}},
      {M::kGet, "/api/tickets/{id}/messages", &Core::ListTicketMessages, {"tickets"}},
      {M::kPost, "/api/tickets/{id}/messages", &Core::CreateTicketMessage, {"tickets", true}},
      {M::kGet, "/api/tickets/{id}/messages/{mid}", &Core::GetTicketMessage, {"tickets"}},
      {M::kPut, "/api/tickets/{id}/messages/{mid}", &Core::UpdateTicketMessage, {"tickets", true}},
      {M::kDelete, "/api/tickets/{id}/messages/{mid}", &Core::DeleteTicketMessage, {"tickets", true}},
      {M::kGet, "/api/messages", &Core::ListMessages, {"tickets"}},
      {M::kGet, "/api/customers", &Core::ListCustomers, {"customers"}},
      {M::kPost, "/api/customers", &Core::CreateCustomer, {"customers", true}},
      {M::kGet, "/api/customers/{id}", &Core::GetCustomer, {"customers"}},
      {M::kPut, "/api/customers/{id}", &Core::UpdateCustomer, {"customers", true}},
      {M::kDelete, "/api/customers/{id}", &Core::DeleteCustomer, {"customers", true}},
      {M::kPut, "/api/customers/{id}/data", &Core::PutCustomerData, {"customers", true}},
      {M::kGet, "/api/users", &Core::ListUsers, {"users"}},
      {M::kGet, "/api/users/{id}", &Core::GetUser, {"users"}},
      {M::kGet, "/api/tags", &Core::ListTags, {"tags"}},
      {M::kPost, "/api/tags", &Core::CreateTag, {"tags", true}},
      {M::kGet, "/api/tags/{id}", &Core::GetTag, {"tags"}},
      {M::kPut, "/api/tags/{id}", &Core::UpdateTag, {"tags", true}},
      {M::kDelete, "/api/tags/{id}", &Core::DeleteTag, {"tags", true}},
      {M::kGet, "/api/macros", &Core::ListMacros, {"macros"}},
      {M::kPost, "/api/macros", &Core::CreateMacro, {"macros", true}},
      {M::kGet, "/api/macros/{id}", &Core::GetMacro, {"macros"}},
      {M::kPut, "/api/macros/{id}", &Core::UpdateMacro, {"macros", true}},
      {M::kDelete, "/api/macros/{id}", &Core::DeleteMacro, {"macros", true}},
      {M::kGet, "/api/events", &Core::ListEvents, {"events"}},
      {M::kGet, "/api/events/{id}", &Core::GetEvent, {"events"}},
      {M::kGet, "/api/integrations", &Core::ListIntegrations, {"integrations"}},
      {M::kPost, "/api/integrations", &Core::CreateIntegration, {"integrations", true, true}},
      {M::kGet, "/api/integrations/{id}", &Core::GetIntegration, {"integrations"}},
      {M::kPut, "/api/integrations/{id}", &Core::UpdateIntegration, {"integrations", true, true}},
      {M::kDelete, "/api/integrations/{id}", &Core::DeleteIntegration, {"integrations", true, true}},
      {M::kGet, "/api/account", &Core::GetAccount, {"account"}},
  };
  return routes;
}

sim::Response Core::Dispatch(const sim::Request& request, sim::Moment now, const Caller& caller) {
  const std::string_view path = request.Path();
  const Route* route = nullptr;
  std::optional<PathParams> params;
  std::string allow;
  for (const Route& r : Routes()) {
    auto p = MatchPath(r.pattern, path);
    if (!p) continue;
    if (r.method == request.method) {
      route = &r;
      params = std::move(p);
      break;
    }
    if (!allow.empty()) allow += ", ";
    allow += sim::MethodName(r.method);
  }
  if (route == nullptr) {
    if (allow.empty()) return ErrorResponse(NotFound());
    sim::Response response = ErrorResponse({405, "The specified HTTP method is not allowed."});
    response.headers.Set("Allow", allow);
    return response;
  }
  if (!Permits(caller, route->access)) {
    return ErrorResponse({403, "You don't have the permission to perform this action."});
  }

  Ctx ctx{request, now, caller.user_id, std::move(*params), nullptr, {}};
  const bool has_body = request.method != sim::Method::kGet && request.method != sim::Method::kHead;
  if (has_body && !request.body.empty()) {
    // Choice: a body that declares another media type (XML, multipart, form) is refused with
    // 415; a body without Content-Type is read as JSON.
    if (request.headers.Has("Content-Type") && !HasJsonContentType(request)) {
      return ErrorResponse({415, "Unsupported Content-Type: the API only accepts application/json."});
    }
    ctx.body = ParseOrderedJsonText(request.body);
    if (ctx.body.is_discarded()) {
      return ErrorResponse({400, "Failed to decode JSON object: the request body is not valid JSON."});
    }
  }
  Reply reply = (this->*(route->handler))(ctx);
  return reply ? std::move(*reply) : ErrorResponse(reply.error());
}

}  // namespace rh::mocks::gorgias::detail
