// The harness's side of the Gorgias mock, apart from the real API: seeding (users, keys,
// tokens, integrations, customers with their Shopify data, tickets as imports), a customer
// writing in, and reading what reached customers, events, the request log and integration
// calls; configuration of limits and sending. The routes under /_rehearsal/ take no auth, count
// against no bucket and stay out of the request log. See gorgias_mock.h for the route list.
#include <algorithm>

#include "core.h"
#include "mocks/gorgias/channels.h"

namespace rh::mocks::gorgias::detail {

namespace {

// The ranges the inspection routes accept (see NumberWithin): wide enough for any plan a scenario
// models, narrow enough that no bucket, timer or counter overflows.
constexpr std::int64_t kMaxRequestsPerWindow = 1'000'000;
constexpr double kMinWindowSeconds = 0.001;
constexpr double kMaxWindowSeconds = 86'400;
constexpr std::int64_t kMaxDelayMs = 86'400'000;  // a day
constexpr std::int64_t kMaxForcedFailures = 1'000'000;
constexpr std::uint64_t kMaxTokenLifetimeSeconds = 10ull * 365 * 86'400;

sim::Response BadRequest(std::string msg) { return ErrorResponse({400, std::move(msg)}); }

OrderedJson DeliveryJson(const CustomerDelivery& d) {
  return {{"message_id", d.message_id == 0 ? OrderedJson(nullptr) : OrderedJson(d.message_id)},
          {"ticket_id", d.ticket_id},
          {"channel", d.channel},
          {"to", d.to},
          {"from", d.from},
          {"subject", OptString(d.subject)},
          {"body_text", d.body_text},
          {"fate", std::string(DeliveryFateName(d.fate))},
          {"reason", d.reason},
          {"created_datetime", Datetime(d.created)},
          {"decided_datetime", Datetime(d.decided)}};
}

OrderedJson HeadersJson(const sim::Headers& headers) {
  OrderedJson out = OrderedJson::object();
  for (const auto& [k, v] : headers.fields()) out[k] = v;
  return out;
}

OrderedJson CallJson(const IntegrationCall& c) {
  return {{"id", c.id},
          {"integration_id", c.integration_id},
          {"trigger", c.trigger},
          {"delivery_id", c.delivery_id},
          {"created_datetime", Datetime(c.created)},
          {"status_code", c.status_code},
          {"attempts", c.attempts},
          {"outcome", c.outcome},
          {"error", c.error},
          {"request", {{"method", c.method}, {"url", c.url}, {"headers", HeadersJson(c.headers)}, {"body", c.body}}}};
}

template <class T>
sim::Response IdResponse(const sim::Expected<std::uint64_t, T>& result) {
  if (!result) return BadRequest(result.error());
  return JsonResponse(201, OrderedJson{{"id", *result}});
}

// The lowest-id admin, who stands in for "the caller" when seeds omit an agent sender.
std::optional<std::uint64_t> FirstAdmin(const State& state) {
  for (const auto& [id, user] : state.users) {
    if (user.role == "admin") return id;
  }
  return std::nullopt;
}

}  // namespace

std::uint64_t Core::AddUserLocked(User user, sim::WallTime now) {
  if (user.id == 0) user.id = NextFreeId(user_seq, [&](std::uint64_t id) { return state.users.contains(id); });
  if (user.created == sim::WallTime{}) user.created = now;
  const std::uint64_t id = user.id;
  state.users.insert_or_assign(id, std::move(user));
  return id;
}

sim::Expected<std::uint64_t, std::string> Core::SeedIntegrationLocked(const OrderedJson& body, sim::WallTime now) {
  if (!body.is_object()) return sim::MakeUnexpected(std::string("an integration is a JSON object"));
  Integration integration;
  const std::string type = body.value("type", "");
  if (type.empty()) return sim::MakeUnexpected(std::string("an integration needs a type"));
  if (type == "http") {
    FieldErrors errors;
    ParseIntegration(body, errors, integration, true);
    if (!errors.empty()) return sim::MakeUnexpected("invalid http integration: " + errors.data().dump(-1, ' ', false, kReplaceInvalidUtf8));
  } else {
    integration.type = type;
    integration.name = body.value("name", type);
    if (const OrderedJson* meta = Find(body, "meta")) integration.meta = *meta;
  }
  if (const OrderedJson* id = Find(body, "id"); id != nullptr && AsUint(*id)) integration.id = *AsUint(*id);
  if (integration.id == 0) {
    integration.id = NextFreeId(integration_seq, [&](std::uint64_t id) { return state.integrations.contains(id); });
  }
  integration.created = integration.updated = now;
  const std::uint64_t id = integration.id;
  state.integrations.insert_or_assign(id, std::move(integration));
  return id;
}

sim::Expected<std::uint64_t, std::string> Core::SeedCustomerLocked(const OrderedJson& body, sim::Moment now) {
  if (!body.is_object()) return sim::MakeUnexpected(std::string("a customer is a JSON object"));
  FieldErrors errors;
  Customer c;
  bool channels_given = false;
  ParseCustomerFields(body, errors, c, nullptr, channels_given);
  std::optional<sim::WallTime> created;
  ReadDatetime(body, "created_datetime", {}, errors, created);
  if (!errors.empty()) return sim::MakeUnexpected("invalid customer: " + errors.data().dump(-1, ' ', false, kReplaceInvalidUtf8));
  if (const OrderedJson* id = Find(body, "id"); id != nullptr && AsUint(*id)) {
    c.id = *AsUint(*id);
    if (state.customers.contains(c.id)) return sim::MakeUnexpected("customer " + std::to_string(c.id) + " exists");
  }
  if (c.email && FindCustomerByEmail(*c.email) != nullptr) {
    return sim::MakeUnexpected("a customer with email " + *c.email + " exists");
  }
  if (const OrderedJson* integrations = Find(body, "integrations"); integrations != nullptr && !integrations->is_null()) {
    if (!integrations->is_object()) return sim::MakeUnexpected(std::string("integrations must be an object keyed by id"));
    c.integrations = *integrations;
  }
  if (created) c.created = *created;
  return InsertCustomer(std::move(c), now.wall);
}

sim::Expected<std::uint64_t, std::string> Core::SeedTicketLocked(const OrderedJson& body, sim::Moment now) {
  Ctx ctx{NoRequest(), now, FirstAdmin(state), {}, nullptr, {}, true};
  auto created = CreateTicketFrom(ctx, body, /*import=*/true);
  if (!created) return sim::MakeUnexpected(DescribeErrors(created.error()));
  return *created;
}

sim::Expected<CustomerMessageResult, std::string> Core::CustomerWritesLocked(const CustomerMessage& in,
                                                                             sim::Moment now) {
  const ChannelRule* rule = FindChannelRule(in.channel);
  if (rule == nullptr) return sim::MakeUnexpected("unknown channel '" + in.channel + "'");
  if (rule->route == ChannelRoute::kInternal) return sim::MakeUnexpected(std::string("customers do not write internal notes"));
  Ctx ctx{NoRequest(), now, std::nullopt, {}, nullptr, {}};

  // Who writes: by id, by email, or by an address on the channel (created when unknown).
  std::optional<std::uint64_t> customer_id = in.customer_id;
  const std::string channel_type(rule->customer_channel_types[0]);
  const std::string address = !in.address.empty() ? in.address : in.email;
  if (customer_id && !state.customers.contains(*customer_id)) {
    return sim::MakeUnexpected("customer " + std::to_string(*customer_id) + " does not exist");
  }
  const Ticket* existing = nullptr;
  if (in.ticket_id) {
    const auto t = state.tickets.find(*in.ticket_id);
    if (t == state.tickets.end()) return sim::MakeUnexpected("ticket " + std::to_string(*in.ticket_id) + " does not exist");
    existing = &t->second;
    if (!customer_id && in.email.empty() && in.address.empty()) customer_id = existing->customer_id;
  }
  if (!customer_id && !in.email.empty()) {
    if (!LooksLikeEmail(in.email)) return sim::MakeUnexpected("'" + in.email + "' is not an email address");
    if (const Customer* c = FindCustomerByEmail(in.email)) customer_id = c->id;
  }
  if (!customer_id && !address.empty()) {
    for (const auto& [id, c] : state.customers) {
      for (const CustomerChannel& ch : c.channels) {
        if (!customer_id && ch.address == address && (channel_type.empty() || ch.type == channel_type)) customer_id = id;
      }
    }
  }
  if (!customer_id && address.empty()) return sim::MakeUnexpected(std::string("a customer id, an email or an address is needed"));
  if (!customer_id) {
    Customer c;
    if (!in.email.empty()) c.email = in.email;
    customer_id = InsertCustomer(std::move(c), now.wall);
    AddEvent(ctx, "customer-created", "Customer", *customer_id);
  }
  // The channel the customer wrote on becomes one of theirs (an email, a phone, a chat).
  Customer& customer = state.customers.at(*customer_id);
  if (!channel_type.empty() && !address.empty()) {
    const bool known = std::any_of(customer.channels.begin(), customer.channels.end(), [&](const CustomerChannel& ch) {
      return ch.type == channel_type && ch.address == address;
    });
    if (!known) {
      CustomerChannel ch;
      ch.id = channel_seq.Next();
      ch.type = channel_type;
      ch.address = address;
      ch.preferred = customer.channels.empty();
      ch.created = ch.updated = now.wall;
      customer.channels.push_back(std::move(ch));
    }
  }

  const std::string from = !address.empty() ? address : customer.email.value_or("");
  const bool phone_like = in.channel == "sms" || in.channel == "whatsapp" || in.channel == "phone";
  const std::string to = phone_like ? state.account.support_phone : state.account.support_email;
  OrderedJson source = {{"type", in.channel == "whatsapp" ? "whatsapp-message" : in.channel},
                        {"from", {{"address", from}, {"name", customer.name}}},
                        {"to", OrderedJson::array({{{"address", to}, {"name", state.account.domain}}})}};
  OrderedJson message = {{"channel", in.channel},
                         {"via", IsKnownVia(in.channel) ? in.channel : std::string("api")},
                         {"from_agent", false},
                         {"sender", {{"id", *customer_id}}},
                         {"source", std::move(source)},
                         {"body_text", in.body_text}};
  if (in.subject) message["subject"] = *in.subject;

  CustomerMessageResult result;
  result.customer_id = *customer_id;
  if (existing == nullptr) {
    OrderedJson body = {{"channel", in.channel},
                        {"via", message["via"]},
                        {"customer", {{"id", *customer_id}}},
                        {"messages", OrderedJson::array({message})}};
    if (in.subject) body["subject"] = *in.subject;
    auto created = CreateTicketFrom(ctx, body, false);
    if (!created) return sim::MakeUnexpected(DescribeErrors(created.error()));
    result.ticket_id = *created;
    result.message_id = state.tickets.at(*created).message_ids.front();
    result.new_ticket = true;
    return result;
  }
  Ticket& ticket = state.tickets.at(existing->id);
  FieldErrors errors;
  const auto draft = ParseMessage(message, {}, errors, ctx, &ticket);
  if (!draft) return sim::MakeUnexpected("invalid message: " + errors.data().dump(-1, ' ', false, kReplaceInvalidUtf8));
  result.ticket_id = ticket.id;
  result.message_id = InsertMessage(ctx, ticket, *draft, false);
  AddEvent(ctx, "ticket-message-created", "TicketMessage", result.message_id, {{"ticket_id", ticket.id}});
  if (ticket.status == "closed") {
    ticket.status = "open";
    ticket.closed.reset();
    AddEvent(ctx, "ticket-reopened", "Ticket", ticket.id);
  }
  Fire("ticket-message-created", ticket, &state.messages.at(result.message_id), now.wall);
  return result;
}

sim::Response Core::HandleInspection(const sim::Request& request, sim::Moment now) {
  // The routes read their JSON leniently (json::value with defaults), which throws on a value
  // of the wrong type; that is the harness's input error, answered as a 400.
  try {
    return InspectionRoute(request, now);
  } catch (const nlohmann::json::exception& e) {
    return BadRequest(std::string("a field has the wrong type: ") + e.what());
  }
}

namespace {

// POST /_rehearsal/users: a user, and the API keys it signs in with.
sim::Response SeedUser(Core& core, const OrderedJson& body, sim::Moment now) {
  if (!body.is_object() || !body.contains("email")) return BadRequest("a user needs an email");
  User user;
  user.id = body.value("id", std::uint64_t{0});
  user.email = body.value("email", "");
  user.firstname = body.value("firstname", "");
  user.lastname = body.value("lastname", "");
  user.role = body.value("role", "admin");
  user.password = body.value("password", "");
  const std::uint64_t id = core.AddUserLocked(std::move(user), now.wall);
  if (const OrderedJson* keys = Find(body, "api_keys"); keys != nullptr && keys->is_array()) {
    for (const OrderedJson& key : *keys) {
      if (key.is_string()) core.state.api_keys.push_back({id, key.get<std::string>()});
    }
  }
  return JsonResponse(201, OrderedJson{{"id", id}});
}

// POST /_rehearsal/oauth-tokens: an OAuth token for a user, with scopes and a lifetime.
sim::Response SeedOAuthToken(Core& core, const OrderedJson& body, sim::Moment now) {
  if (!body.is_object() || !body.value("access_token", OrderedJson()).is_string() ||
      !AsUint(body.value("user_id", OrderedJson()))) {
    return BadRequest("a token needs an access_token and a user_id");
  }
  OAuthToken token;
  token.access_token = body["access_token"].get<std::string>();
  token.user_id = *AsUint(body["user_id"]);
  if (const OrderedJson* scopes = Find(body, "scopes"); scopes != nullptr && scopes->is_array()) {
    for (const OrderedJson& s : *scopes) {
      if (s.is_string()) token.scopes.push_back(s.get<std::string>());
    }
  }
  if (const OrderedJson* ttl = Find(body, "expires_in_s"); ttl != nullptr && AsUint(*ttl)) {
    if (*AsUint(*ttl) > kMaxTokenLifetimeSeconds) return BadRequest("expires_in_s is at most ten years");
    token.expires_at = now.monotonic + sim::Sec(static_cast<std::int64_t>(*AsUint(*ttl)));
  }
  core.state.oauth_tokens.push_back(std::move(token));
  return EmptyResponse(201);
}

// POST /_rehearsal/customer-messages: a customer writes (a new ticket or a message on one).
sim::Response PostCustomerMessage(Core& core, const OrderedJson& body, sim::Moment now) {
  if (!body.is_object()) return BadRequest("a customer message is a JSON object");
  CustomerMessage message;
  message.channel = body.value("channel", "email");
  if (const OrderedJson* id = Find(body, "customer_id"); id != nullptr && AsUint(*id)) message.customer_id = AsUint(*id);
  message.email = body.value("email", "");
  message.address = body.value("address", "");
  if (const OrderedJson* s = Find(body, "subject"); s != nullptr && s->is_string()) message.subject = s->get<std::string>();
  message.body_text = body.value("body_text", "");
  if (const OrderedJson* id = Find(body, "ticket_id"); id != nullptr && AsUint(*id)) message.ticket_id = AsUint(*id);
  const auto result = core.CustomerWritesLocked(message, now);
  if (!result) return BadRequest(result.error());
  return JsonResponse(201, OrderedJson{{"ticket_id", result->ticket_id},
                                       {"message_id", result->message_id},
                                       {"customer_id", result->customer_id},
                                       {"new_ticket", result->new_ticket}});
}

// PUT /_rehearsal/rate-limits: a plan, or limits and a window within bounds.
sim::Response PutRateLimits(Core& core, const OrderedJson& body) {
  if (!body.is_object()) return BadRequest("rate limits are a JSON object");
  RateLimits r = core.config.rate_limits;
  const OrderedJson* plan = Find(body, "plan");
  if (plan != nullptr) {
    const std::string name = plan->is_string() ? plan->get<std::string>() : "";
    if (name == "standard") r = RateLimits::Standard();
    else if (name == "enterprise") r = RateLimits::Enterprise();
    else return BadRequest("plan is standard or enterprise");
  }
  if (const OrderedJson* v = Find(body, "enabled"); v != nullptr) {
    if (!v->is_boolean()) return BadRequest("enabled is a boolean");
    r.enabled = v->get<bool>();
  }
  // Bounds that keep every bucket's drain time at least a microsecond and its arithmetic far
  // from overflow: up to a million requests per window, windows of 1 ms to a day.
  for (const auto& [key, limit] : {std::pair{"api_key_limit", &r.api_key_limit}, std::pair{"oauth_limit", &r.oauth_limit}}) {
    const OrderedJson* v = Find(body, key);
    if (v == nullptr) continue;
    const auto n = IntegerWithin(*v, 1, kMaxRequestsPerWindow);
    if (!n) return BadRequest(std::string(key) + " is an integer from 1 to " + std::to_string(kMaxRequestsPerWindow));
    *limit = *n;
  }
  if (const OrderedJson* w = Find(body, "window_s"); w != nullptr) {
    const auto seconds = NumberWithin(*w, kMinWindowSeconds, kMaxWindowSeconds);
    if (!seconds) return BadRequest("window_s is a number of seconds from 0.001 to 86400");
    r.window = std::chrono::duration_cast<sim::Duration>(std::chrono::duration<double>(*seconds));
  }
  if (r.window / r.api_key_limit < std::chrono::microseconds(1) || r.window / r.oauth_limit < std::chrono::microseconds(1)) {
    return BadRequest("window_s / limit must be at least a microsecond");
  }
  core.config.rate_limits = r;
  core.ApplyRateLimits();
  return EmptyResponse(204);
}

// PUT /_rehearsal/sending: the delay, jitter, failure rate and silent drop of sending.
sim::Response PutSending(Core& core, const OrderedJson& body) {
  if (!body.is_object()) return BadRequest("sending is a JSON object");
  Sending s = core.config.sending;
  for (const auto& [key, field] : {std::pair{"delay_ms", &s.delay}, std::pair{"jitter_ms", &s.jitter}}) {
    const OrderedJson* v = Find(body, key);
    if (v == nullptr) continue;
    const auto ms = IntegerWithin(*v, 0, kMaxDelayMs);
    if (!ms) return BadRequest(std::string(key) + " is an integer from 0 to " + std::to_string(kMaxDelayMs));
    *field = sim::Ms(*ms);
  }
  if (const OrderedJson* v = Find(body, "failure_rate"); v != nullptr) {
    const auto rate = NumberWithin(*v, 0.0, 1.0);
    if (!rate) return BadRequest("failure_rate is a number from 0 to 1");
    s.failure_rate = *rate;
  }
  const OrderedJson* drop = Find(body, "silent_drop");
  const std::string drop_name = drop != nullptr && drop->is_string() ? drop->get<std::string>() : "";
  if (drop_name == "marked_sent") s.silent_drop = SilentDrop::kMarkedSent;
  if (drop_name == "never_sent") s.silent_drop = SilentDrop::kNeverSent;
  core.config.sending = s;
  return EmptyResponse(204);
}

// POST /_rehearsal/send-failures: the next `count` sends fail with `error`.
sim::Response PostSendFailures(Core& core, const OrderedJson& body) {
  const OrderedJson* count = body.is_object() ? Find(body, "count") : nullptr;
  const auto n = count != nullptr ? IntegerWithin(*count, 0, kMaxForcedFailures) : std::nullopt;
  if (!n) return BadRequest("send failures need a count from 0 to " + std::to_string(kMaxForcedFailures));
  const OrderedJson* error = Find(body, "error");
  if (error != nullptr && !error->is_string()) return BadRequest("error is a string");
  core.forced_failures = static_cast<int>(*n);
  core.forced_failure_error = error != nullptr ? error->get<std::string>() : core.config.sending.failure_error;
  return EmptyResponse(204);
}

}  // namespace

sim::Response Core::InspectionRoute(const sim::Request& request, sim::Moment now) {
  using M = sim::Method;
  const std::string_view path = request.Path();
  OrderedJson body;
  if (!request.body.empty()) {
    body = ParseOrderedJsonText(request.body);
    if (body.is_discarded()) return BadRequest("the body is not valid JSON");
  }
  const auto is = [&](M method, std::string_view pattern) {
    return request.method == method && MatchPath(pattern, path).has_value();
  };

  if (is(M::kPost, "/_rehearsal/users")) return SeedUser(*this, body, now);
  if (is(M::kPost, "/_rehearsal/api-keys")) {
    if (!body.is_object() || !AsUint(body.value("user_id", OrderedJson())) || !body.value("key", OrderedJson()).is_string()) {
      return BadRequest("an API key needs a user_id and a key");
    }
    state.api_keys.push_back({*AsUint(body["user_id"]), body["key"].get<std::string>()});
    return EmptyResponse(201);
  }
  if (is(M::kPost, "/_rehearsal/oauth-tokens")) return SeedOAuthToken(*this, body, now);
  if (is(M::kPost, "/_rehearsal/integrations")) return IdResponse(SeedIntegrationLocked(body, now.wall));
  if (is(M::kPost, "/_rehearsal/customers")) return IdResponse(SeedCustomerLocked(body, now));
  if (is(M::kPut, "/_rehearsal/customers/{id}/integrations/{iid}")) {
    const auto params = MatchPath("/_rehearsal/customers/{id}/integrations/{iid}", path);
    const auto id = params->GetUint("id");
    const auto iid = params->GetUint("iid");
    const auto it = id ? state.customers.find(*id) : state.customers.end();
    if (it == state.customers.end() || !iid) return ErrorResponse(NotFound());
    it->second.integrations[std::to_string(*iid)] = body;
    it->second.updated = now.wall;
    return EmptyResponse(204);
  }
  if (is(M::kPost, "/_rehearsal/tickets")) return IdResponse(SeedTicketLocked(body, now));
  if (is(M::kPost, "/_rehearsal/customer-messages")) return PostCustomerMessage(*this, body, now);
  if (is(M::kGet, "/_rehearsal/deliveries")) {
    OrderedJson data = OrderedJson::array();
    for (const CustomerDelivery& d : deliveries) data.push_back(DeliveryJson(d));
    return JsonResponse(200, OrderedJson{{"data", std::move(data)}});
  }
  if (is(M::kGet, "/_rehearsal/events")) {
    OrderedJson data = OrderedJson::array();
    for (const auto& [id, e] : state.events) data.push_back(EventJson(e));
    return JsonResponse(200, OrderedJson{{"data", std::move(data)}});
  }
  if (is(M::kGet, "/_rehearsal/requests")) {
    return JsonResponse(200, OrderedJson{{"data", RequestLogEntriesJson(request_log, LogTime::kSeconds)},
                                         {"dropped", request_log.dropped()}});
  }
  if (is(M::kGet, "/_rehearsal/integration-calls")) {
    OrderedJson data = OrderedJson::array();
    for (const IntegrationCall& c : IntegrationCallsWithStatus()) data.push_back(CallJson(c));
    return JsonResponse(200, OrderedJson{{"data", std::move(data)}});
  }
  if (is(M::kGet, "/_rehearsal/rate-limits")) {
    const RateLimits& r = config.rate_limits;
    return JsonResponse(200, OrderedJson{{"enabled", r.enabled},
                                         {"window_s", sim::ToSeconds(r.window)},
                                         {"api_key", {{"limit", r.api_key_limit}, {"level", api_key_bucket.Level(now.monotonic)}}},
                                         {"oauth", {{"limit", r.oauth_limit}, {"level", oauth_bucket.Level(now.monotonic)}}}});
  }
  if (is(M::kPut, "/_rehearsal/rate-limits")) return PutRateLimits(*this, body);
  if (is(M::kPut, "/_rehearsal/sending")) return PutSending(*this, body);
  if (is(M::kPost, "/_rehearsal/send-failures")) return PostSendFailures(*this, body);
  if (is(M::kPost, "/_rehearsal/run-due-sends")) {
    RunDueSendsLocked(now);
    return EmptyResponse(204);
  }
  return ErrorResponse(NotFound());
}

}  // namespace rh::mocks::gorgias::detail
