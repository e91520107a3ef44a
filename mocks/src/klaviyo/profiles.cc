// The Klaviyo mock's profiles (/api/profiles, /api/profile-import).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>

#include "api_support.h"
#include "core.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const FilterRule kProfileRules[] = {
    {"id", {Op::kEquals, Op::kAny}, Kind::kString},
    {"email", {Op::kEquals, Op::kAny}, Kind::kString},
    {"phone_number", {Op::kEquals, Op::kAny}, Kind::kString},
    {"external_id", {Op::kEquals, Op::kAny}, Kind::kString},
    {"_kx", {Op::kEquals}, Kind::kString},
    {"created", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
    {"updated", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
    {"subscriptions.email.marketing.suppression.reason", {Op::kEquals}, Kind::kString},
    {"subscriptions.email.marketing.suppression.timestamp", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
};

}  // namespace

// --- profiles ----------------------------------------------------------------------------------

OrderedJson Core::ProfileResource(const Call& call, const Profile& p) const {
  OrderedJson a = {{"email", OptString(p.email)},
                   {"phone_number", OptString(p.phone_number)},
                   {"external_id", OptString(p.external_id)},
                   {"first_name", OptString(p.first_name)},
                   {"last_name", OptString(p.last_name)},
                   {"organization", OptString(p.organization)},
                   {"locale", OptString(p.locale)},
                   {"title", OptString(p.title)},
                   {"image", OptString(p.image)},
                   {"created", KlaviyoTime(p.created)},
                   {"updated", KlaviyoTime(p.updated)},
                   {"last_event_date", p.last_event_date ? OrderedJson(KlaviyoTime(*p.last_event_date)) : OrderedJson(nullptr)},
                   {"location", p.location},
                   {"properties", p.properties}};
  const auto additional = call.request.Query("additional-fields[profile]");
  if (additional && additional->find("subscriptions") != std::string::npos) {
    OrderedJson suppression = OrderedJson::array();
    for (const Suppression& s : p.suppressions) {
      suppression.push_back({{"reason", s.reason}, {"timestamp", KlaviyoTime(s.timestamp)}});
    }
    a["subscriptions"] = {
        {"email",
         {{"marketing",
           {{"can_receive_email_marketing", p.CanReceiveEmailMarketing()},
            {"consent", p.email_consent},
            {"consent_timestamp", nullptr},
            {"last_updated", KlaviyoTime(p.updated)},
            {"method", nullptr},
            {"method_detail", nullptr},
            {"custom_method_detail", nullptr},
            {"double_optin", nullptr},
            {"suppression", suppression},
            {"list_suppressions", OrderedJson::array()}}}}},
        {"sms",
         {{"marketing",
           {{"can_receive_sms_marketing", p.sms_consent == "SUBSCRIBED"},
            {"consent", p.sms_consent},
            {"consent_timestamp", nullptr},
            {"method", nullptr},
            {"method_detail", nullptr},
            {"last_updated", KlaviyoTime(p.updated)}}}}}};
  }
  const std::string self = call.link_base + "/api/profiles/" + p.id + "/";
  return {{"type", "profile"},
          {"id", p.id},
          {"attributes", SparseAttributes(call, "profile", std::move(a))},
          {"relationships",
           {{"lists", {{"links", {{"self", self + "relationships/lists/"}, {"related", self + "lists/"}}}}},
            {"segments", {{"links", {{"self", self + "relationships/segments/"}, {"related", self + "segments/"}}}}}}},
          {"links", {{"self", self}}}};
}

std::optional<ApiError> Core::ApplyProfileAttributes(Profile& p, const Json& attributes) const {
  const std::pair<std::string_view, std::optional<std::string> Profile::*> strings[] = {
      {"email", &Profile::email},           {"phone_number", &Profile::phone_number},
      {"external_id", &Profile::external_id}, {"first_name", &Profile::first_name},
      {"last_name", &Profile::last_name},   {"organization", &Profile::organization},
      {"locale", &Profile::locale},         {"title", &Profile::title},
      {"image", &Profile::image}};
  for (const auto& [key, member] : strings) {
    if (!attributes.contains(key)) continue;
    const Json& v = attributes[std::string(key)];
    const std::string pointer = "/data/attributes/" + std::string(key);
    if (v.is_null()) {
      p.*member = std::nullopt;
      continue;
    }
    if (!v.is_string()) return Invalid("'" + std::string(key) + "' must be a string or null.", pointer);
    const std::string s = v.get<std::string>();
    if (key == "email" && (s.find('@') == std::string::npos || s.find('@') == 0 || s.find('.', s.find('@')) == std::string::npos)) {
      return Invalid("Invalid email address.", pointer);
    }
    if (key == "phone_number") {
      const bool e164 = s.size() >= 8 && s.size() <= 16 && s[0] == '+' &&
                        std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (!e164) return Invalid("Invalid phone number format (Example of a valid format: +12345678901).", pointer);
    }
    p.*member = s;
  }
  if (attributes.contains("location")) {
    const Json& v = attributes["location"];
    if (!v.is_null() && !v.is_object()) return Invalid("'location' must be an object.", "/data/attributes/location");
    p.location = v.is_null() ? OrderedJson(nullptr) : OrderedJson::parse(v.dump());
  }
  if (attributes.contains("properties")) {
    const Json& v = attributes["properties"];
    if (!v.is_object()) return Invalid("'properties' must be an object.", "/data/attributes/properties");
    for (const auto& [k, value] : v.items()) p.properties[k] = OrderedJson::parse(value.dump());
  }
  return std::nullopt;
}

std::optional<std::string> Core::DuplicateOf(const Profile& p) const {
  const std::pair<const std::optional<std::string>*, const std::map<std::string, std::string>*> ids[] = {
      {&p.email, &by_email}, {&p.phone_number, &by_phone}, {&p.external_id, &by_external_id}};
  for (const auto& [value, index] : ids) {
    if (!*value) continue;
    const auto it = index->find(**value);
    if (it != index->end() && it->second != p.id) return it->second;
  }
  return std::nullopt;
}

namespace {
ApiError Duplicate(const std::string& existing) {
  ApiError e{409, "duplicate_profile", "Conflict.", "A profile already exists with one of these identifiers.",
             "/data/attributes", "", OrderedJson::object()};
  e.meta["duplicate_profile_id"] = existing;
  return e;
}
}  // namespace

Reply Core::GetProfiles(Call& call) {
  auto filter = ReadFilter(call, kProfileRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 20, 100);
  if (!page) return sim::MakeUnexpected(page.error());
  auto sort = ReadSort(call, {"id", "created", "updated", "email"});
  if (!sort) return sim::MakeUnexpected(sort.error());
  std::vector<const Profile*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.profiles) {
    const Profile& p = entry.second;
    const bool keep = AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
      if (field == "id") return {FilterValue::String(p.id)};
      if (field == "email") return {Str(p.email)};
      if (field == "phone_number") return {Str(p.phone_number)};
      if (field == "external_id") return {Str(p.external_id)};
      if (field == "created") return {FilterValue::Datetime(p.created)};
      if (field == "updated") return {FilterValue::Datetime(p.updated)};
      std::vector<FilterValue> out;
      for (const Suppression& s : p.suppressions) {
        out.push_back(field.ends_with("reason") ? FilterValue::String(s.reason) : FilterValue::Datetime(s.timestamp));
      }
      return out;
    });
    if (keep) items.push_back(&p);
  }
  if (!sort->empty()) {
    const bool desc = (*sort)[0] == '-';
    const std::string field = desc ? sort->substr(1) : *sort;
    std::stable_sort(items.begin(), items.end(), [&](const Profile* a, const Profile* b) {
      const auto key = [&](const Profile* p) {
        if (field == "created") return KlaviyoTime(p->created) + p->id;
        if (field == "updated") return KlaviyoTime(p->updated) + p->id;
        if (field == "email") return p->email.value_or("");
        return p->id;
      };
      return desc ? key(b) < key(a) : key(a) < key(b);
    });
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Profile& p) { return ProfileResource(call, p); }));
}

Reply Core::CreateProfile(Call& call) {
  auto data = ParseDocument(call.request, "profile", kProfileAttributes, false);
  if (!data) return sim::MakeUnexpected(data.error());
  Profile p;
  p.id = "";
  if (auto e = ApplyProfileAttributes(p, (*data)["attributes"])) return sim::MakeUnexpected(*e);
  if (!p.email && !p.phone_number && !p.external_id && !(*data)["attributes"].contains("anonymous_id")) {
    return sim::MakeUnexpected(
        Invalid("One of 'email', 'phone_number', 'external_id' or 'anonymous_id' is required.", "/data/attributes"));
  }
  if (auto dup = DuplicateOf(p)) return sim::MakeUnexpected(Duplicate(*dup));
  p.id = NewUlid(call.now.wall);
  p.created = p.updated = call.now.wall;
  const std::string id = p.id;
  return Document(201, OrderedJson{{"data", ProfileResource(call, PutProfile(std::move(p)))}});
}

Reply Core::GetProfile(Call& call) {
  const auto it = state.profiles.find(std::string(call.params.Get("id")));
  if (it == state.profiles.end()) return sim::MakeUnexpected(NotFound("profile", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", ProfileResource(call, it->second)}});
}

Reply Core::UpdateProfile(Call& call) {
  auto data = ParseDocument(call.request, "profile", kProfileAttributes, true);
  if (!data) return sim::MakeUnexpected(data.error());
  const std::string id(call.params.Get("id"));
  if ((*data)["id"].get<std::string>() != id) {
    return sim::MakeUnexpected(Invalid("The id in the body does not match the id in the path.", "/data/id"));
  }
  const auto it = state.profiles.find(id);
  if (it == state.profiles.end()) return sim::MakeUnexpected(NotFound("profile", id));
  Profile updated = it->second;
  if (auto e = ApplyProfileAttributes(updated, (*data)["attributes"])) return sim::MakeUnexpected(*e);
  if (auto dup = DuplicateOf(updated)) return sim::MakeUnexpected(Duplicate(*dup));
  updated.updated = call.now.wall;
  PutProfile(std::move(updated));
  return Document(200, OrderedJson{{"data", ProfileResource(call, it->second)}});
}

Reply Core::ImportProfile(Call& call) {
  auto data = ParseDocument(call.request, "profile", kProfileAttributes, false);
  if (!data) return sim::MakeUnexpected(data.error());
  Profile incoming;
  if (auto e = ApplyProfileAttributes(incoming, (*data)["attributes"])) return sim::MakeUnexpected(*e);
  // The profile to update: by id, else by any identifier; two different matches conflict.
  std::optional<std::string> target;
  if (data->contains("id") && (*data)["id"].is_string()) {
    const std::string id = (*data)["id"].get<std::string>();
    if (!state.profiles.count(id)) return sim::MakeUnexpected(NotFound("profile", id));
    target = id;
  }
  for (Profile* match : {incoming.email ? FindByEmail(*incoming.email) : nullptr,
                         incoming.phone_number ? FindByPhone(*incoming.phone_number) : nullptr,
                         incoming.external_id ? FindByExternalId(*incoming.external_id) : nullptr}) {
    if (match == nullptr) continue;
    if (target && *target != match->id) return sim::MakeUnexpected(Duplicate(match->id));
    target = match->id;
  }
  if (!target) {
    if (!incoming.email && !incoming.phone_number && !incoming.external_id) {
      return sim::MakeUnexpected(Invalid("One of 'email', 'phone_number' or 'external_id' is required.", "/data/attributes"));
    }
    incoming.id = NewUlid(call.now.wall);
    incoming.created = incoming.updated = call.now.wall;
    const std::string id = incoming.id;
    return Document(201, OrderedJson{{"data", ProfileResource(call, PutProfile(std::move(incoming)))}});
  }
  Profile updated = state.profiles.at(*target);
  if (auto e = ApplyProfileAttributes(updated, (*data)["attributes"])) return sim::MakeUnexpected(*e);
  if (auto dup = DuplicateOf(updated)) return sim::MakeUnexpected(Duplicate(*dup));
  updated.updated = call.now.wall;
  return Document(200, OrderedJson{{"data", ProfileResource(call, PutProfile(std::move(updated)))}});
}

}  // namespace rh::mocks::klaviyo::detail
