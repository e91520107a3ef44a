// The Klaviyo mock's inspection surface: seeding from C++ values or JSON, and the HTTP routes
// under /_rehearsal/ (no auth, no rate limit, not logged). Errors name the bad field.
#include <algorithm>

#include "core.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Result = sim::Expected<std::string, std::string>;

sim::Unexpected<std::string> Bad(std::string field, std::string why) {
  return sim::MakeUnexpected(field + ": " + why);
}

bool ValidConsent(std::string_view c) { return c == "SUBSCRIBED" || c == "UNSUBSCRIBED" || c == "NEVER_SUBSCRIBED"; }

bool ValidSuppression(std::string_view r) {
  return r == "HARD_BOUNCE" || r == "INVALID_EMAIL" || r == "SPAM_COMPLAINT" || r == "UNSUBSCRIBE" ||
         r == "USER_SUPPRESSED";
}

// An optional string field; error when present and not a string.
sim::Expected<std::optional<std::string>, std::string> OptStr(const Json& doc, const char* key, std::string_view where) {
  if (!doc.contains(key) || doc[key].is_null()) return std::optional<std::string>();
  if (!doc[key].is_string()) return sim::MakeUnexpected(std::string(where) + key + ": must be a string");
  return std::optional<std::string>(doc[key].get<std::string>());
}

sim::Expected<sim::Duration, std::string> DurationOf(const Json& doc, std::string_view where) {
  sim::Duration d{0};
  for (const auto& [key, unit] : {std::pair{"days", sim::Days(1)}, std::pair{"hours", sim::Hours(1)},
                                  std::pair{"seconds", sim::Sec(1)}, std::pair{"within_days", sim::Days(1)},
                                  std::pair{"within_s", sim::Sec(1)}}) {
    if (!doc.contains(key)) continue;
    // At most ten years in any unit, so the sum cannot overflow a Duration.
    const double max = static_cast<double>(sim::Days(3650) / unit);
    const auto amount = NumberWithin(doc[key], 0.0, max);
    if (!amount) {
      return sim::MakeUnexpected(std::string(where) + key + ": must be a non-negative number up to ten years");
    }
    d += std::chrono::duration_cast<sim::Duration>(unit * *amount);
  }
  return d;
}

}  // namespace

sim::Expected<Condition, std::string> ConditionFromJson(const Json& j, std::string_view where) {
  const std::string w(where);
  if (!j.is_object()) return sim::MakeUnexpected(w + ": must be an object");
  const std::string type = j.value("type", "");
  Condition c;
  if (type == "profile_property") {
    c.kind = Condition::Kind::kProfileProperty;
    if (!j.contains("field") || !j["field"].is_string()) return sim::MakeUnexpected(w + ".field: required string");
    c.field = j["field"].get<std::string>();
    c.op = j.value("op", "equals");
    static const std::vector<std::string> kOps = {"equals", "not-equals", "exists", "not-exists",
                                                  "contains", "greater-than", "less-than"};
    if (std::find(kOps.begin(), kOps.end(), c.op) == kOps.end()) return sim::MakeUnexpected(w + ".op: unknown operator");
    c.value = j.contains("value") ? OrderedJson::parse(j["value"].dump()) : OrderedJson(nullptr);
  } else if (type == "list_member") {
    c.kind = Condition::Kind::kListMember;
    if (!j.contains("list_id") || !j["list_id"].is_string()) return sim::MakeUnexpected(w + ".list_id: required string");
    c.list_id = j["list_id"].get<std::string>();
    c.negate = j.value("negate", false);
  } else if (type == "metric") {
    c.kind = Condition::Kind::kMetricCount;
    if (!j.contains("metric") || !j["metric"].is_string()) return sim::MakeUnexpected(w + ".metric: required string");
    c.metric = j["metric"].get<std::string>();
    auto within = DurationOf(j, w + ".");
    if (!within) return sim::MakeUnexpected(within.error());
    c.within = *within;
    for (const auto& [key, member] : {std::pair{"min_count", &Condition::min_count}, std::pair{"max_count", &Condition::max_count}}) {
      if (!j.contains(key)) continue;
      if (!j[key].is_number_integer()) return sim::MakeUnexpected(w + "." + key + ": must be an integer");
      c.*member = j[key].get<std::int64_t>();
    }
  } else {
    return sim::MakeUnexpected(w + ".type: must be profile_property, list_member or metric");
  }
  return c;
}

OrderedJson SendRecordJson(const SendRecord& r) {
  return {{"seq", r.seq},
          {"at", KlaviyoTime(r.at)},
          {"outcome", r.sent ? "sent" : "skipped"},
          {"kind", MessageKindName(r.kind)},
          {"channel", ChannelName(r.channel)},
          {"profile_id", r.profile_id},
          {"to", r.to},
          {"source_type", r.source_type},
          {"source_id", r.source_id},
          {"source_name", r.source_name},
          {"message", r.message},
          {"reason", r.reason},
          {"detail", r.detail}};
}

Result Core::SeedProfileLocked(const ProfileSeed& seed, sim::Moment now) {
  if (!seed.email && !seed.phone_number && !seed.external_id) {
    return Bad("email", "one of email, phone_number or external_id is required");
  }
  if (!ValidConsent(seed.email_consent)) return Bad("email_consent", "must be SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED");
  if (!ValidConsent(seed.sms_consent)) return Bad("sms_consent", "must be SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED");
  if (seed.suppressed && !ValidSuppression(*seed.suppressed)) return Bad("suppressed", "unknown suppression reason");
  for (const std::string& l : seed.lists) {
    if (!state.lists.count(l)) return Bad("lists", "no list " + l);
  }
  if (!seed.properties.is_object()) return Bad("properties", "must be an object");
  Profile p;
  p.email = seed.email;
  p.phone_number = seed.phone_number;
  p.external_id = seed.external_id;
  p.first_name = seed.first_name;
  p.last_name = seed.last_name;
  p.properties = seed.properties;
  if (auto dup = DuplicateOf(p)) return Bad("email", "a profile with these identifiers exists: " + *dup);
  p.id = NewUlid(now.wall);
  p.email_consent = seed.email_consent;
  p.sms_consent = seed.sms_consent;
  if (seed.suppressed) p.suppressions.push_back({*seed.suppressed, now.wall});
  p.created = p.updated = now.wall;
  const std::string id = p.id;
  PutProfile(std::move(p));
  for (const std::string& l : seed.lists) AddToList(state.lists[l], id, false, now);
  return id;
}

Result Core::SeedSegmentLocked(std::string name, std::vector<Condition> conditions, sim::Moment now) {
  if (name.empty()) return Bad("name", "required");
  const std::string id = NewShortId(6, [&](const std::string& x) { return state.segments.count(x) > 0; });
  state.segments[id] = Segment{id, std::move(name), std::move(conditions), now.wall, now.wall};
  return id;
}

Result Core::ScheduleCampaignLocked(Campaign c, sim::Moment now) {
  if (c.name.empty()) return Bad("name", "required");
  if (c.included.empty()) return Bad("included", "at least one list or segment");
  for (const auto* ids : {&c.included, &c.excluded}) {
    for (const std::string& id : *ids) {
      if (!state.lists.count(id) && !state.segments.count(id)) {
        return Bad(ids == &c.included ? "included" : "excluded", "no list or segment " + id);
      }
    }
  }
  c.id = NewUlid(now.wall);
  c.created = c.updated = now.wall;
  if (!c.scheduled_at) c.scheduled_at = now.wall;
  c.status = "Scheduled";
  const sim::Duration until = *c.scheduled_at > now.wall ? *c.scheduled_at - now.wall : sim::Duration{0};
  const std::string id = c.id;
  state.campaigns[id] = std::move(c);
  ScheduleCampaignSend(id, now.monotonic + until);
  return id;
}

Result Core::SeedFlowLocked(Flow f, sim::Moment now) {
  if (f.name.empty()) return Bad("name", "required");
  if (f.status != "live" && f.status != "draft" && f.status != "manual") return Bad("status", "must be live, draft or manual");
  if (f.trigger == Flow::Trigger::kMetric && f.trigger_metric.empty()) return Bad("trigger.metric", "required");
  if (f.trigger == Flow::Trigger::kAddedToList && !state.lists.count(f.trigger_list_id)) {
    return Bad("trigger.list_id", "no list " + f.trigger_list_id);
  }
  if (f.actions.empty()) return Bad("actions", "at least one action");
  f.id = NewShortId(6, [&](const std::string& x) { return state.flows.count(x) > 0; });
  f.created = f.updated = now.wall;
  const std::string id = f.id;
  state.flows[id] = std::move(f);
  return id;
}

// A profile: identifiers, names, properties, consent, suppression and lists.
Result Core::SeedProfileJson(const Json& doc, sim::Moment now) {
  ProfileSeed seed;
  for (const auto& [key, member] :
       {std::pair{"email", &ProfileSeed::email}, std::pair{"phone_number", &ProfileSeed::phone_number},
        std::pair{"external_id", &ProfileSeed::external_id}, std::pair{"first_name", &ProfileSeed::first_name},
        std::pair{"last_name", &ProfileSeed::last_name}}) {
    auto v = OptStr(doc, key, "");
    if (!v) return sim::MakeUnexpected(v.error());
    seed.*member = *v;
  }
  if (doc.contains("properties")) {
    if (!doc["properties"].is_object()) return Bad("properties", "must be an object");
    seed.properties = OrderedJson::parse(doc["properties"].dump());
  }
  for (const auto& [key, member] : {std::pair{"email_consent", &ProfileSeed::email_consent},
                                    std::pair{"sms_consent", &ProfileSeed::sms_consent}}) {
    auto v = OptStr(doc, key, "");
    if (!v) return sim::MakeUnexpected(v.error());
    if (*v) seed.*member = **v;
  }
  auto suppressed = OptStr(doc, "suppressed", "");
  if (!suppressed) return sim::MakeUnexpected(suppressed.error());
  seed.suppressed = *suppressed;
  if (doc.contains("lists")) {
    if (!doc["lists"].is_array()) return Bad("lists", "must be an array of list ids");
    for (const Json& l : doc["lists"]) {
      if (!l.is_string()) return Bad("lists", "must be an array of list ids");
      seed.lists.push_back(l.get<std::string>());
    }
  }
  return SeedProfileLocked(seed, now);
}

// A list: its name and, optionally, the id it must have.
Result Core::SeedListJson(const Json& doc, sim::Moment now) {
  auto name = OptStr(doc, "name", "");
  if (!name) return sim::MakeUnexpected(name.error());
  if (!*name || (*name)->empty()) return Bad("name", "required");
  auto wanted = OptStr(doc, "id", "");
  if (!wanted) return sim::MakeUnexpected(wanted.error());
  if (*wanted && state.lists.count(**wanted)) return Bad("id", "already taken");
  const std::string id =
      *wanted ? **wanted : NewShortId(6, [&](const std::string& x) { return state.lists.count(x) > 0; });
  state.lists[id] = List{id, **name, "single_opt_in", now.wall, now.wall, {}};
  return id;
}

// A metric by name (an existing one is reused).
Result Core::SeedMetricJson(const Json& doc, sim::Moment now) {
  auto name = OptStr(doc, "name", "");
  if (!name) return sim::MakeUnexpected(name.error());
  if (!*name || (*name)->empty()) return Bad("name", "required");
  return MetricNamed(**name, now.wall).id;
}

// A segment: its name and conditions (list memberships must name known lists).
Result Core::SeedSegmentJson(const Json& doc, sim::Moment now) {
  auto name = OptStr(doc, "name", "");
  if (!name) return sim::MakeUnexpected(name.error());
  if (!*name) return Bad("name", "required");
  if (!doc.contains("conditions") || !doc["conditions"].is_array()) return Bad("conditions", "required array");
  std::vector<Condition> conditions;
  for (std::size_t i = 0; i < doc["conditions"].size(); ++i) {
    auto c = ConditionFromJson(doc["conditions"][i], "conditions[" + std::to_string(i) + "]");
    if (!c) return sim::MakeUnexpected(c.error());
    if (c->kind == Condition::Kind::kListMember && !state.lists.count(c->list_id)) {
      return Bad("conditions[" + std::to_string(i) + "].list_id", "no list " + c->list_id);
    }
    conditions.push_back(std::move(*c));
  }
  return SeedSegmentLocked(**name, std::move(conditions), now);
}

// A campaign: name, subject, channel, kind, audiences, smart sending and when it sends.
Result Core::SeedCampaignJson(const Json& doc, sim::Moment now) {
  Campaign c;
  auto name = OptStr(doc, "name", "");
  if (!name) return sim::MakeUnexpected(name.error());
  c.name = name->value_or("");
  auto subject = OptStr(doc, "subject", "");
  if (!subject) return sim::MakeUnexpected(subject.error());
  c.subject = subject->value_or(c.name);
  const std::string channel = doc.value("channel", "email");
  if (channel != "email" && channel != "sms") return Bad("channel", "must be email or sms");
  c.channel = channel == "sms" ? Channel::kSms : Channel::kEmail;
  const auto kind = ParseMessageKind(doc.value("kind", "promotional"));
  if (!kind) return Bad("kind", "must be promotional, review_request, transactional or recovery");
  c.kind = *kind;
  for (const auto& [key, member] : {std::pair{"included", &Campaign::included}, std::pair{"excluded", &Campaign::excluded}}) {
    if (!doc.contains(key)) continue;
    if (!doc[key].is_array()) return Bad(key, "must be an array of list or segment ids");
    for (const Json& id : doc[key]) {
      if (!id.is_string()) return Bad(key, "must be an array of list or segment ids");
      (c.*member).push_back(id.get<std::string>());
    }
  }
  if (doc.contains("smart_sending")) {
    if (!doc["smart_sending"].is_boolean()) return Bad("smart_sending", "must be a boolean");
    c.use_smart_sending = doc["smart_sending"].get<bool>();
  }
  if (doc.contains("send_at")) {
    sim::WallTime t;
    if (!doc["send_at"].is_string() || !sim::ParseRfc3339(doc["send_at"].get<std::string>(), t)) {
      return Bad("send_at", "must be an RFC 3339 datetime");
    }
    c.scheduled_at = t;
  } else if (doc.contains("send_in_s")) {
    if (!NumberWithin(doc["send_in_s"], 0.0, 315'360'000.0)) return Bad("send_in_s", "must be from 0 to 315360000 (ten years)");
    c.scheduled_at = now.wall + std::chrono::duration_cast<sim::Duration>(sim::Sec(1) * doc["send_in_s"].get<double>());
  }
  return ScheduleCampaignLocked(std::move(c), now);
}

// A flow: from a template or from scratch; trigger, filters and actions.
Result Core::SeedFlowJson(const Json& doc, sim::Moment now) {
  Flow f;
  const std::string tmpl = doc.value("template", "");
  if (!tmpl.empty()) {
    const Json& days = doc.contains("delay_days") ? doc["delay_days"] : Json(nullptr);
    if (!days.is_null() && !days.is_number_integer()) return Bad("delay_days", "must be an integer");
    const std::string metric = doc.contains("trigger") && doc["trigger"].is_object() && doc["trigger"].contains("metric") &&
                                       doc["trigger"]["metric"].is_string()
                                   ? doc["trigger"]["metric"].get<std::string>()
                                   : "";
    if (tmpl == "post_purchase") {
      f = PostPurchaseFlow(days.is_null() ? sim::Days(1) : sim::Days(days.get<int>()));
    } else if (tmpl == "review_request") {
      f = ReviewRequestFlow(days.is_null() ? 7 : days.get<int>(), metric.empty() ? "Fulfilled Order" : metric);
    } else if (tmpl == "recovery") {
      f = RecoveryFlow(metric.empty() ? "Issue Resolved" : metric);
    } else {
      return Bad("template", "must be post_purchase, review_request or recovery");
    }
    if (!metric.empty()) f.trigger_metric = metric;
  }
  if (doc.contains("name")) {
    if (!doc["name"].is_string()) return Bad("name", "must be a string");
    f.name = doc["name"].get<std::string>();
  }
  if (doc.contains("status")) {
    if (!doc["status"].is_string()) return Bad("status", "must be a string");
    f.status = doc["status"].get<std::string>();
  }
  if (tmpl.empty() || doc.contains("trigger")) {
    if (!doc.contains("trigger") || !doc["trigger"].is_object()) return Bad("trigger", "required object {metric} or {list_id}");
    const Json& t = doc["trigger"];
    if (t.contains("metric") && t["metric"].is_string()) {
      f.trigger = Flow::Trigger::kMetric;
      f.trigger_metric = t["metric"].get<std::string>();
    } else if (t.contains("list_id") && t["list_id"].is_string()) {
      f.trigger = Flow::Trigger::kAddedToList;
      f.trigger_list_id = t["list_id"].get<std::string>();
    } else {
      return Bad("trigger", "needs a metric or a list_id string");
    }
  }
  if (doc.contains("filters")) {
    if (!doc["filters"].is_array()) return Bad("filters", "must be an array of conditions");
    f.profile_filters.clear();
    for (std::size_t i = 0; i < doc["filters"].size(); ++i) {
      auto c = ConditionFromJson(doc["filters"][i], "filters[" + std::to_string(i) + "]");
      if (!c) return sim::MakeUnexpected(c.error());
      f.profile_filters.push_back(std::move(*c));
    }
  }
  if (doc.contains("actions")) {
    if (!doc["actions"].is_array()) return Bad("actions", "must be an array");
    f.actions.clear();
    for (std::size_t i = 0; i < doc["actions"].size(); ++i) {
      const Json& a = doc["actions"][i];
      const std::string where = "actions[" + std::to_string(i) + "]";
      if (!a.is_object()) return Bad(where, "must be an object");
      const std::string type = a.value("type", "");
      FlowAction action;
      if (type == "delay") {
        auto d = DurationOf(a, where + ".");
        if (!d) return sim::MakeUnexpected(d.error());
        action.type = FlowAction::Type::kDelay;
        action.delay = *d;
      } else if (type == "email" || type == "sms") {
        action.type = type == "sms" ? FlowAction::Type::kSms : FlowAction::Type::kEmail;
        action.name = a.value("name", type);
        const auto kind = ParseMessageKind(a.value("kind", "promotional"));
        if (!kind) return Bad(where + ".kind", "must be promotional, review_request, transactional or recovery");
        action.kind = *kind;
        action.transactional = a.value("transactional", *kind == MessageKind::kTransactional);
        action.smart_sending = a.value("smart_sending", !action.transactional);
      } else {
        return Bad(where + ".type", "must be delay, email or sms");
      }
      f.actions.push_back(std::move(action));
    }
  }
  return SeedFlowLocked(std::move(f), now);
}

Result Core::SeedJsonLocked(std::string_view what, const Json& doc, sim::Moment now) {
  if (!doc.is_object()) return Bad("body", "must be a JSON object");
  if (what == "profiles") return SeedProfileJson(doc, now);
  if (what == "lists") return SeedListJson(doc, now);
  if (what == "metrics") return SeedMetricJson(doc, now);
  if (what == "segments") return SeedSegmentJson(doc, now);
  if (what == "campaigns") return SeedCampaignJson(doc, now);
  if (what == "flows") return SeedFlowJson(doc, now);
  return Bad("path", "unknown seed kind " + std::string(what));
}

sim::Response Core::HandleInspection(const sim::Request& request, sim::Moment now) {
  const std::string path(request.Path());
  const auto bad = [](const std::string& error) {
    const auto colon = error.find(':');
    return JsonResponse(400, OrderedJson{{"error", error}, {"field", error.substr(0, colon)}});
  };
  const auto parse = [&]() -> std::optional<Json> {
    Json doc = ParseJsonText(request.body);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    return doc;
  };
  if (request.method == sim::Method::kPost) {
    for (const char* kind : {"profiles", "lists", "metrics", "segments", "campaigns", "flows"}) {
      if (path == std::string("/_rehearsal/") + kind) {
        auto doc = parse();
        if (!doc) return bad("body: must be a JSON object");
        auto id = SeedJsonLocked(kind, *doc, now);
        if (!id) return bad(id.error());
        return JsonResponse(201, OrderedJson{{"id", *id}});
      }
    }
    if (path == "/_rehearsal/suppress" || path == "/_rehearsal/unsuppress" || path == "/_rehearsal/consent") {
      auto doc = parse();
      if (!doc) return bad("body: must be a JSON object");
      if (!doc->contains("email") || !(*doc)["email"].is_string()) return bad("email: required string");
      Profile* p = FindByEmail((*doc)["email"].get<std::string>());
      if (p == nullptr) return JsonResponse(404, OrderedJson{{"error", "email: no such profile"}, {"field", "email"}});
      bool changed = false;
      if (path == "/_rehearsal/suppress") {
        const std::string reason = doc->value("reason", "USER_SUPPRESSED");
        if (!ValidSuppression(reason)) return bad("reason: unknown suppression reason");
        changed = SuppressProfile(*p, reason, now.wall);
      } else if (path == "/_rehearsal/unsuppress") {
        changed = UnsuppressProfile(*p, now.wall);
      } else {
        const std::string channel = doc->value("channel", "");
        const std::string consent = doc->value("consent", "");
        if (channel != "email" && channel != "sms") return bad("channel: must be email or sms");
        if (!ValidConsent(consent)) return bad("consent: must be SUBSCRIBED, UNSUBSCRIBED or NEVER_SUBSCRIBED");
        (channel == "email" ? p->email_consent : p->sms_consent) = consent;
        p->updated = now.wall;
        changed = true;
      }
      return JsonResponse(200, OrderedJson{{"changed", changed}});
    }
  }
  if (request.method == sim::Method::kGet && path == "/_rehearsal/sends") {
    const auto outcome = request.Query("outcome");
    OrderedJson data = OrderedJson::array();
    for (const SendRecord& r : state.sends) {
      if (outcome && *outcome != (r.sent ? "sent" : "skipped")) continue;
      data.push_back(SendRecordJson(r));
    }
    return JsonResponse(200, OrderedJson{{"data", std::move(data)}});
  }
  if (request.method == sim::Method::kGet && path == "/_rehearsal/requests") {
    return JsonResponse(200, OrderedJson{{"data", RequestLogEntriesJson(log, LogTime::kNanoseconds)}, {"dropped", log.dropped()}});
  }
  if (path == "/_rehearsal/rate-limits" && request.method == sim::Method::kPut) {
    auto doc = parse();
    if (!doc) return bad("body: must be a JSON object");
    RateLimits limits = config.rate_limits;
    if (doc->contains("enabled")) {
      if (!(*doc)["enabled"].is_boolean()) return bad("enabled: must be a boolean");
      limits.enabled = (*doc)["enabled"].get<bool>();
    }
    if (doc->contains("scope")) {
      const std::string scope = (*doc)["scope"].is_string() ? (*doc)["scope"].get<std::string>() : "";
      if (scope != "tier" && scope != "endpoint") return bad("scope: must be tier or endpoint");
      limits.scope = scope == "tier" ? RateLimits::Scope::kPerTier : RateLimits::Scope::kPerEndpoint;
    }
    if (doc->contains("tiers")) {
      if (!(*doc)["tiers"].is_object()) return bad("tiers: must be an object");
      for (const auto& [name, t] : (*doc)["tiers"].items()) {
        if (!limits.tiers.count(name)) return bad("tiers." + name + ": unknown tier");
        RateTier& tier = limits.tiers[name];
        for (const auto& [key, member] : {std::pair{"burst", &RateTier::burst}, std::pair{"steady", &RateTier::steady},
                                          std::pair{"daily", &RateTier::daily}}) {
          if (!t.is_object()) return bad("tiers." + name + ": must be an object");
          if (!t.contains(key)) continue;
          // Up to a billion per window: far above any tier, far below overflow.
          const std::int64_t min = std::string(key) == "daily" ? 0 : 1;
          const auto n = IntegerWithin(t[key], min, 1'000'000'000);
          if (!n) return bad("tiers." + name + "." + key + ": must be a positive integer up to 1000000000");
          tier.*member = *n;
        }
      }
    }
    config.rate_limits = limits;
    windows.clear();
  }
  if (path == "/_rehearsal/rate-limits") {
    OrderedJson tiers = OrderedJson::object();
    for (const auto& [name, t] : config.rate_limits.tiers) {
      tiers[name] = {{"burst", t.burst}, {"steady", t.steady}, {"daily", t.daily}};
    }
    OrderedJson levels = OrderedJson::object();
    for (const auto& [key, w] : windows) {
      levels[key] = {{"burst_available", w.burst.Available(now.monotonic)},
                     {"steady_available", w.steady.Available(now.monotonic)}};
    }
    return JsonResponse(200, OrderedJson{{"enabled", config.rate_limits.enabled},
                                         {"scope", config.rate_limits.scope == RateLimits::Scope::kPerTier ? "tier" : "endpoint"},
                                         {"tiers", tiers},
                                         {"windows", levels}});
  }
  return JsonResponse(404, OrderedJson{{"error", "path: no inspection route " + path}, {"field", "path"}});
}

}  // namespace rh::mocks::klaviyo::detail
