// The Klaviyo mock's events and metrics (/api/events, /api/metrics).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>
#include <cmath>

#include "api_support.h"
#include "core.h"
#include "mocks/common/ids.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const FilterRule kEventRules[] = {
    {"metric_id", {Op::kEquals}, Kind::kString},
    {"profile_id", {Op::kEquals}, Kind::kString},
    {"datetime", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
    {"timestamp", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
};
const FilterRule kMetricRules[] = {
    {"integration.name", {Op::kEquals}, Kind::kString},
    {"integration.category", {Op::kEquals}, Kind::kString},
};

}  // namespace

// --- events and metrics ------------------------------------------------------------------------

OrderedJson Core::EventResource(const Call& call, const Event& e) const {
  OrderedJson a = {{"timestamp", std::chrono::duration_cast<std::chrono::seconds>(e.time.time_since_epoch()).count()},
                   {"event_properties", e.properties},
                   {"datetime", KlaviyoTime(e.time)},
                   {"uuid", e.uuid}};
  return {{"type", "event"},
          {"id", e.id},
          {"attributes", SparseAttributes(call, "event", std::move(a))},
          {"relationships",
           {{"profile", {{"data", {{"type", "profile"}, {"id", e.profile_id}}}}},
            {"metric", {{"data", {{"type", "metric"}, {"id", e.metric_id}}}}}}},
          {"links", {{"self", call.link_base + "/api/events/" + e.id + "/"}}}};
}

OrderedJson Core::MetricResource(const Call& call, const Metric& m) const {
  OrderedJson a = {{"name", m.name},
                   {"created", KlaviyoTime(m.created)},
                   {"updated", KlaviyoTime(m.updated)},
                   {"integration", nullptr}};
  return {{"type", "metric"},
          {"id", m.id},
          {"attributes", SparseAttributes(call, "metric", std::move(a))},
          {"links", {{"self", call.link_base + "/api/metrics/" + m.id + "/"}}}};
}

namespace {

// The event's metric name (metric.data.attributes.name), after its properties are checked.
sim::Expected<std::string, ApiError> EventMetricName(const Json& a) {
  if (!a.contains("properties") || !a["properties"].is_object()) {
    return sim::MakeUnexpected(Invalid("'properties' is a required object.", "/data/attributes/properties"));
  }
  if (a["properties"].size() > 400) {
    return sim::MakeUnexpected(Invalid("An event may have at most 400 properties.", "/data/attributes/properties"));
  }
  // metric.data.attributes.name
  const Json* metric_name = nullptr;
  if (a.contains("metric") && a["metric"].is_object() && a["metric"].contains("data") && a["metric"]["data"].is_object() &&
      a["metric"]["data"].value("type", "") == "metric" && a["metric"]["data"].contains("attributes") &&
      a["metric"]["data"]["attributes"].is_object() && a["metric"]["data"]["attributes"].contains("name")) {
    metric_name = &a["metric"]["data"]["attributes"]["name"];
  }
  if (metric_name == nullptr || !metric_name->is_string() || metric_name->get<std::string>().empty() ||
      metric_name->get<std::string>().size() >= 128) {
    return sim::MakeUnexpected(
        Invalid("'metric' must be a metric object with a name (under 128 characters).", "/data/attributes/metric"));
  }
  return metric_name->get<std::string>();
}

// The profile an event names: an existing one (by id, email, phone or external id), or nullptr
// for a new one made of `incoming`.
sim::Expected<Profile*, ApiError> EventProfile(Core& core, const Json& pdata, const Json& pattrs,
                                               const Profile& incoming) {
  if (pdata.contains("id")) {
    if (!pdata["id"].is_string()) return sim::MakeUnexpected(Invalid("'id' must be a string.", "/data/attributes/profile/data/id"));
    const auto it = core.state.profiles.find(pdata["id"].get<std::string>());
    if (it == core.state.profiles.end()) {
      ApiError e = NotFound("profile", pdata["id"].get<std::string>());
      e.pointer = "/data/attributes/profile/data/id";
      return sim::MakeUnexpected(e);
    }
    return &it->second;
  }
  if (incoming.email && core.FindByEmail(*incoming.email)) return core.FindByEmail(*incoming.email);
  if (incoming.phone_number && core.FindByPhone(*incoming.phone_number)) return core.FindByPhone(*incoming.phone_number);
  if (incoming.external_id && core.FindByExternalId(*incoming.external_id)) {
    return core.FindByExternalId(*incoming.external_id);
  }
  if (!incoming.email && !incoming.phone_number && !incoming.external_id && !pattrs.contains("anonymous_id") &&
      !pattrs.contains("_kx")) {
    return sim::MakeUnexpected(Invalid("The profile needs at least one identifier.", "/data/attributes/profile"));
  }
  return static_cast<Profile*>(nullptr);
}

// What an event says besides its metric and profile, validated.
struct EventFields {
  sim::WallTime time;
  std::optional<double> value;
  std::optional<std::string> currency;
  bool backfill = false;
};

sim::Expected<EventFields, ApiError> ReadEventFields(const Json& a, sim::WallTime now) {
  EventFields f;
  f.time = now;
  if (a.contains("time")) {
    if (!a["time"].is_string() || !sim::ParseRfc3339(a["time"].get<std::string>(), f.time)) {
      return sim::MakeUnexpected(Invalid("'time' must be an ISO 8601 datetime.", "/data/attributes/time"));
    }
    sim::WallTime earliest;
    sim::ParseRfc3339("1990-01-01T00:00:00Z", earliest);
    if (f.time < earliest || f.time > now + sim::Days(365)) {
      return sim::MakeUnexpected(Invalid("'time' must be after 1990 and at most a year in the future.", "/data/attributes/time"));
    }
  }
  f.time = std::chrono::floor<std::chrono::seconds>(f.time);
  if (a.contains("value") && !a["value"].is_null()) {
    if (!a["value"].is_number()) return sim::MakeUnexpected(Invalid("'value' must be a number.", "/data/attributes/value"));
    f.value = a["value"].get<double>();
  }
  if (a.contains("value_currency") && !a["value_currency"].is_null()) {
    if (!a["value_currency"].is_string()) {
      return sim::MakeUnexpected(Invalid("'value_currency' must be a string.", "/data/attributes/value_currency"));
    }
    f.currency = a["value_currency"].get<std::string>();
  }
  if (a.contains("unique_id") && !a["unique_id"].is_null() && !a["unique_id"].is_string()) {
    return sim::MakeUnexpected(Invalid("'unique_id' must be a string.", "/data/attributes/unique_id"));
  }
  if (a.contains("backfill") && !a["backfill"].is_boolean()) {
    return sim::MakeUnexpected(Invalid("'backfill' must be a boolean.", "/data/attributes/backfill"));
  }
  f.backfill = a.value("backfill", false);
  return f;
}

// The event's profile after the event: a new one made of `incoming`, or `found` with the event's
// other attributes (identifiers that would collide with another profile's are left alone).
Profile& EventTarget(Core& core, Profile* found, Profile incoming, const Json& pattrs, sim::WallTime now) {
  if (found == nullptr) {
    incoming.id = core.NewUlid(now);
    incoming.created = incoming.updated = now;
    return core.PutProfile(std::move(incoming));
  }
  Profile updated = *found;
  Json others = pattrs;
  if (updated.email) others.erase("email");
  if (updated.phone_number) others.erase("phone_number");
  if (updated.external_id) others.erase("external_id");
  core.ApplyProfileAttributes(updated, others);
  if (core.DuplicateOf(updated)) return *found;
  if (!others.empty()) updated.updated = now;
  return core.PutProfile(std::move(updated));
}

}  // namespace

Reply Core::CreateEvent(Call& call) {
  auto data = ParseDocument(call.request, "event",
                            {"properties", "metric", "profile", "value", "value_currency", "time", "unique_id", "backfill"},
                            false);
  if (!data) return sim::MakeUnexpected(data.error());
  const Json& a = (*data)["attributes"];
  const auto metric_name = EventMetricName(a);
  if (!metric_name) return sim::MakeUnexpected(metric_name.error());
  if (!a.contains("profile") || !a["profile"].is_object() || !a["profile"].contains("data") ||
      !a["profile"]["data"].is_object() || a["profile"]["data"].value("type", "") != "profile") {
    return sim::MakeUnexpected(Invalid("'profile' must be a profile object.", "/data/attributes/profile"));
  }
  const Json& pdata = a["profile"]["data"];
  const Json pattrs = pdata.contains("attributes") && pdata["attributes"].is_object() ? pdata["attributes"] : Json::object();
  for (const auto& [k, v] : pattrs.items()) {
    if (std::find(kProfileAttributes.begin(), kProfileAttributes.end(), k) == kProfileAttributes.end()) {
      return sim::MakeUnexpected(Invalid("'" + k + "' is not a valid field for the resource 'profile'.",
                                         "/data/attributes/profile/data/attributes/" + k));
    }
  }
  Profile incoming;
  if (auto e = ApplyProfileAttributes(incoming, pattrs)) {
    ApiError err = *e;
    err.pointer = "/data/attributes/profile/data" + err.pointer.substr(5);
    return sim::MakeUnexpected(err);
  }
  const auto found = EventProfile(*this, pdata, pattrs, incoming);
  if (!found) return sim::MakeUnexpected(found.error());
  const auto fields = ReadEventFields(a, call.now.wall);
  if (!fields) return sim::MakeUnexpected(fields.error());
  // Valid: commit. Default unique_id is the time to the second.
  Profile& target = EventTarget(*this, *found, std::move(incoming), pattrs, call.now.wall);
  const std::string unique_id =
      a.contains("unique_id") && a["unique_id"].is_string() ? a["unique_id"].get<std::string>() : KlaviyoTime(fields->time);
  Metric& metric = MetricNamed(*metric_name, call.now.wall);
  const std::string key = target.id + "|" + metric.id + "|" + unique_id;
  if (!event_keys.insert(key).second) return NoContent(202);  // a duplicate: the first wins
  Event e;
  e.id = NewShortId(11, [&](const std::string& x) {
    return std::any_of(state.events.begin(), state.events.end(), [&](const Event& ev) { return ev.id == x; });
  });
  e.uuid = Uuid4(rng);
  e.metric_id = metric.id;
  e.profile_id = target.id;
  e.time = fields->time;
  e.properties = OrderedJson::parse(a["properties"].dump());
  e.value = fields->value;
  e.value_currency = fields->currency;
  e.unique_id = unique_id;
  target.last_event_date = std::max(target.last_event_date.value_or(fields->time), fields->time);
  state.events.push_back(e);
  if (!fields->backfill) OnEvent(state.events.back(), metric.name, call.now);
  return NoContent(202);
}

Reply Core::GetEvents(Call& call) {
  auto filter = ReadFilter(call, kEventRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 200, 1000);
  if (!page) return sim::MakeUnexpected(page.error());
  auto sort = ReadSort(call, {"datetime", "timestamp"});
  if (!sort) return sim::MakeUnexpected(sort.error());
  std::vector<const Event*> items;
  for (const Event& e : state.events) {
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          if (field == "metric_id") return {FilterValue::String(e.metric_id)};
          if (field == "profile_id") return {FilterValue::String(e.profile_id)};
          return {FilterValue::Datetime(e.time)};
        })) {
      items.push_back(&e);
    }
  }
  if (!sort->empty()) {
    const bool desc = (*sort)[0] == '-';
    std::stable_sort(items.begin(), items.end(),
                     [&](const Event* x, const Event* y) { return desc ? y->time < x->time : x->time < y->time; });
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Event& e) { return EventResource(call, e); }));
}

Reply Core::GetEvent(Call& call) {
  const std::string id(call.params.Get("id"));
  for (const Event& e : state.events) {
    if (e.id == id) return Document(200, OrderedJson{{"data", EventResource(call, e)}});
  }
  return sim::MakeUnexpected(NotFound("event", id));
}

Reply Core::GetMetrics(Call& call) {
  auto filter = ReadFilter(call, kMetricRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 200, 200);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Metric*> items;
  for (const auto& [id, m] : state.metrics) {
    // No metric here comes from an integration, so an integration filter matches nothing.
    if (AllMatch(*filter, [](const std::string&) { return std::vector<FilterValue>{FilterValue::Null()}; })) {
      items.push_back(&m);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Metric& m) { return MetricResource(call, m); }));
}

Reply Core::GetMetric(Call& call) {
  const auto it = state.metrics.find(std::string(call.params.Get("id")));
  if (it == state.metrics.end()) return sim::MakeUnexpected(NotFound("metric", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", MetricResource(call, it->second)}});
}

}  // namespace rh::mocks::klaviyo::detail
