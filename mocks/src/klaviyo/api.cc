// The Klaviyo mock's real API endpoints. Every handler validates its whole input before it
// changes anything, so a rejected request leaves the store as it was.
#include <algorithm>
#include <cmath>

#include "core.h"
#include "mocks/common/ids.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const std::vector<std::string_view> kProfileAttributes = {
    "email", "phone_number", "external_id", "first_name", "last_name", "organization",
    "locale", "title", "image", "location", "properties", "anonymous_id", "_kx"};

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
const FilterRule kListRules[] = {
    {"name", {Op::kAny, Op::kEquals}, Kind::kString},
    {"id", {Op::kAny, Op::kEquals}, Kind::kString},
    {"created", {Op::kGreaterThan}, Kind::kDatetime},
    {"updated", {Op::kGreaterThan}, Kind::kDatetime},
};
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
const FilterRule kCampaignRules[] = {
    {"messages.channel", {Op::kEquals}, Kind::kString},
    {"name", {Op::kContains}, Kind::kString},
    {"status", {Op::kAny, Op::kEquals}, Kind::kString},
    {"archived", {Op::kEquals}, Kind::kBool},
    {"created_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
    {"scheduled_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
    {"updated_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
};
const FilterRule kFlowRules[] = {
    {"name", {Op::kContains, Op::kEquals}, Kind::kString},
    {"status", {Op::kEquals}, Kind::kString},
    {"archived", {Op::kEquals}, Kind::kBool},
    {"trigger_type", {Op::kEquals}, Kind::kString},
    {"created", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
    {"updated", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
};
const FilterRule kSegmentRules[] = {
    {"name", {Op::kAny, Op::kEquals}, Kind::kString},
    {"id", {Op::kAny, Op::kEquals}, Kind::kString},
};

FilterValue Str(const std::optional<std::string>& s) { return s ? FilterValue::String(*s) : FilterValue::Null(); }

// True when every clause holds for the resource whose field values `get` returns (a field may
// have several values, as a profile's suppressions: one matching value is enough).
template <class Get>
bool AllMatch(const std::optional<Filter>& filter, Get get) {
  if (!filter) return true;
  for (const FilterClause& c : filter->clauses) {
    const std::vector<FilterValue> values = get(c.field);
    if (std::none_of(values.begin(), values.end(), [&](const FilterValue& v) { return Matches(c, v); })) return false;
  }
  return true;
}

ApiError NotFound(std::string_view what, std::string_view id) {
  return ApiError{404, "not_found", "Not found.",
                  "A " + std::string(what) + " with id " + std::string(id) + " does not exist.", "/data/", "",
                  OrderedJson::object()};
}

ApiError Invalid(std::string detail, std::string pointer) {
  return ApiError{400, "invalid", "Invalid input.", std::move(detail), std::move(pointer), "", OrderedJson::object()};
}

ApiError InvalidParameter(std::string detail, std::string parameter) {
  return ApiError{400, "invalid", "Invalid input.", std::move(detail), "", std::move(parameter), OrderedJson::object()};
}

sim::Response NoContent(int status) {
  sim::Response r;
  r.status = status;
  return r;
}

// Pages a vector of already-rendered resources.
template <class T, class Render>
OrderedJson PageOf(const Core& core, const Call& call, const std::vector<const T*>& items, const Core::Page& page,
                   Render render) {
  OrderedJson data = OrderedJson::array();
  for (std::size_t i = page.offset; i < items.size() && i < page.offset + page.size; ++i) data.push_back(render(*items[i]));
  return core.Paged(call, std::move(data), page, items.size());
}

// A `sort` parameter over `allowed` fields; "" when absent.
sim::Expected<std::string, ApiError> ReadSort(const Call& call, std::initializer_list<std::string_view> allowed) {
  const auto sort = call.request.Query("sort");
  if (!sort) return std::string();
  const std::string_view field = std::string_view(*sort).starts_with("-") ? std::string_view(*sort).substr(1) : *sort;
  if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
    return sim::MakeUnexpected(InvalidParameter("'" + *sort + "' is not a valid sort field.", "sort"));
  }
  return *sort;
}

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

// --- lists -------------------------------------------------------------------------------------

OrderedJson Core::ListResource(const Call& call, const List& l) const {
  const std::string self = call.link_base + "/api/lists/" + l.id + "/";
  OrderedJson a = {{"name", l.name}, {"created", KlaviyoTime(l.created)}, {"updated", KlaviyoTime(l.updated)},
                   {"opt_in_process", l.opt_in_process}};
  return {{"type", "list"},
          {"id", l.id},
          {"attributes", SparseAttributes(call, "list", std::move(a))},
          {"relationships",
           {{"profiles", {{"links", {{"self", self + "relationships/profiles/"}, {"related", self + "profiles/"}}}}}}},
          {"links", {{"self", self}}}};
}

Reply Core::GetLists(Call& call) {
  auto filter = ReadFilter(call, kListRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 10, 10);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const List*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.lists) {
    const List& l = entry.second;
    const bool keep = AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
      if (field == "name") return {FilterValue::String(l.name)};
      if (field == "id") return {FilterValue::String(l.id)};
      if (field == "created") return {FilterValue::Datetime(l.created)};
      return {FilterValue::Datetime(l.updated)};
    });
    if (keep) items.push_back(&l);
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const List& l) { return ListResource(call, l); }));
}

Reply Core::CreateList(Call& call) {
  auto data = ParseDocument(call.request, "list", {"name", "opt_in_process"}, false);
  if (!data) return sim::MakeUnexpected(data.error());
  const Json& a = (*data)["attributes"];
  if (!a.contains("name") || !a["name"].is_string() || a["name"].get<std::string>().empty()) {
    return sim::MakeUnexpected(Invalid("'name' is a required field.", "/data/attributes/name"));
  }
  std::string opt_in = "single_opt_in";
  if (a.contains("opt_in_process")) {
    if (!a["opt_in_process"].is_string() ||
        (a["opt_in_process"] != "single_opt_in" && a["opt_in_process"] != "double_opt_in")) {
      return sim::MakeUnexpected(
          Invalid("'opt_in_process' must be 'single_opt_in' or 'double_opt_in'.", "/data/attributes/opt_in_process"));
    }
    opt_in = a["opt_in_process"].get<std::string>();
  }
  const std::string id = NewShortId(6, [&](const std::string& x) { return state.lists.count(x) > 0; });
  state.lists[id] = List{id, a["name"].get<std::string>(), opt_in, call.now.wall, call.now.wall, {}};
  return Document(201, OrderedJson{{"data", ListResource(call, state.lists[id])}});
}

Reply Core::GetList(Call& call) {
  const auto it = state.lists.find(std::string(call.params.Get("id")));
  if (it == state.lists.end()) return sim::MakeUnexpected(NotFound("list", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", ListResource(call, it->second)}});
}

Reply Core::ListMembersPage(Call& call, const std::vector<std::string>& ids) {
  auto page = ReadPage(call, 20, 100);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Profile*> items;
  for (const std::string& id : ids) {
    const auto it = state.profiles.find(id);
    if (it != state.profiles.end()) items.push_back(&it->second);
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Profile& p) { return ProfileResource(call, p); }));
}

Reply Core::GetListProfiles(Call& call) {
  const auto it = state.lists.find(std::string(call.params.Get("id")));
  if (it == state.lists.end()) return sim::MakeUnexpected(NotFound("list", call.params.Get("id")));
  return ListMembersPage(call, it->second.members);
}

namespace {
// The profile ids of a relationships document; every id must exist.
sim::Expected<std::vector<std::string>, ApiError> RelationshipIds(const sim::Request& request, const State& state) {
  std::string why;
  auto doc = ParseJsonBody(request, &why);
  if (!doc) return sim::MakeUnexpected(Invalid("JSON parse error - " + why + ".", "/data"));
  if (!doc->is_object() || !doc->contains("data") || !(*doc)["data"].is_array()) {
    return sim::MakeUnexpected(Invalid("'data' must be an array of profile identifiers.", "/data"));
  }
  const Json& data = (*doc)["data"];
  if (data.size() > 1000) return sim::MakeUnexpected(Invalid("At most 1000 profiles per request.", "/data"));
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::string at = "/data/" + std::to_string(i);
    const Json& item = data[i];
    if (!item.is_object() || item.value("type", "") != "profile") {
      return sim::MakeUnexpected(Invalid("Each item must be of type 'profile'.", at + "/type"));
    }
    if (!item.contains("id") || !item["id"].is_string()) return sim::MakeUnexpected(Invalid("'id' is required.", at + "/id"));
    const std::string id = item["id"].get<std::string>();
    // Choice (reference open question): an unknown profile id fails the whole request (404),
    // so nothing is half-applied.
    if (!state.profiles.count(id)) {
      ApiError e = NotFound("profile", id);
      e.pointer = at + "/id";
      return sim::MakeUnexpected(e);
    }
    ids.push_back(id);
  }
  return ids;
}
}  // namespace

Reply Core::AddListProfiles(Call& call) {
  const auto it = state.lists.find(std::string(call.params.Get("id")));
  if (it == state.lists.end()) return sim::MakeUnexpected(NotFound("list", call.params.Get("id")));
  auto ids = RelationshipIds(call.request, state);
  if (!ids) return sim::MakeUnexpected(ids.error());
  for (const std::string& id : *ids) AddToList(it->second, id, true, call.now);
  return NoContent(204);
}

Reply Core::RemoveListProfiles(Call& call) {
  const auto it = state.lists.find(std::string(call.params.Get("id")));
  if (it == state.lists.end()) return sim::MakeUnexpected(NotFound("list", call.params.Get("id")));
  auto ids = RelationshipIds(call.request, state);
  if (!ids) return sim::MakeUnexpected(ids.error());
  auto& members = it->second.members;
  for (const std::string& id : *ids) members.erase(std::remove(members.begin(), members.end(), id), members.end());
  it->second.updated = call.now.wall;
  return NoContent(204);
}

// --- segments ----------------------------------------------------------------------------------

OrderedJson Core::SegmentResource(const Call& call, const Segment& s) const {
  const std::string self = call.link_base + "/api/segments/" + s.id + "/";
  OrderedJson a = {{"name", s.name},          {"definition", nullptr},   {"created", KlaviyoTime(s.created)},
                   {"updated", KlaviyoTime(s.updated)}, {"is_active", true}, {"is_processing", false},
                   {"is_starred", false}};
  return {{"type", "segment"},
          {"id", s.id},
          {"attributes", SparseAttributes(call, "segment", std::move(a))},
          {"relationships",
           {{"profiles", {{"links", {{"self", self + "relationships/profiles/"}, {"related", self + "profiles/"}}}}}}},
          {"links", {{"self", self}}}};
}

Reply Core::GetSegments(Call& call) {
  auto filter = ReadFilter(call, kSegmentRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 10, 10);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Segment*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.segments) {
    const Segment& s = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          return {FilterValue::String(field == "name" ? s.name : s.id)};
        })) {
      items.push_back(&s);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Segment& s) { return SegmentResource(call, s); }));
}

Reply Core::GetSegment(Call& call) {
  const auto it = state.segments.find(std::string(call.params.Get("id")));
  if (it == state.segments.end()) return sim::MakeUnexpected(NotFound("segment", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", SegmentResource(call, it->second)}});
}

Reply Core::GetSegmentProfiles(Call& call) {
  const auto it = state.segments.find(std::string(call.params.Get("id")));
  if (it == state.segments.end()) return sim::MakeUnexpected(NotFound("segment", call.params.Get("id")));
  return ListMembersPage(call, AudienceMembers(it->first, call.now.wall));
}

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

Reply Core::CreateEvent(Call& call) {
  auto data = ParseDocument(call.request, "event",
                            {"properties", "metric", "profile", "value", "value_currency", "time", "unique_id", "backfill"},
                            false);
  if (!data) return sim::MakeUnexpected(data.error());
  const Json& a = (*data)["attributes"];
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
  Profile* target = nullptr;
  if (pdata.contains("id")) {
    if (!pdata["id"].is_string()) return sim::MakeUnexpected(Invalid("'id' must be a string.", "/data/attributes/profile/data/id"));
    const auto it = state.profiles.find(pdata["id"].get<std::string>());
    if (it == state.profiles.end()) {
      ApiError e = NotFound("profile", pdata["id"].get<std::string>());
      e.pointer = "/data/attributes/profile/data/id";
      return sim::MakeUnexpected(e);
    }
    target = &it->second;
  } else if (incoming.email && FindByEmail(*incoming.email)) {
    target = FindByEmail(*incoming.email);
  } else if (incoming.phone_number && FindByPhone(*incoming.phone_number)) {
    target = FindByPhone(*incoming.phone_number);
  } else if (incoming.external_id && FindByExternalId(*incoming.external_id)) {
    target = FindByExternalId(*incoming.external_id);
  } else if (!incoming.email && !incoming.phone_number && !incoming.external_id && !pattrs.contains("anonymous_id") &&
             !pattrs.contains("_kx")) {
    return sim::MakeUnexpected(Invalid("The profile needs at least one identifier.", "/data/attributes/profile"));
  }
  sim::WallTime time = call.now.wall;
  if (a.contains("time")) {
    if (!a["time"].is_string() || !sim::ParseRfc3339(a["time"].get<std::string>(), time)) {
      return sim::MakeUnexpected(Invalid("'time' must be an ISO 8601 datetime.", "/data/attributes/time"));
    }
    sim::WallTime earliest;
    sim::ParseRfc3339("1990-01-01T00:00:00Z", earliest);
    if (time < earliest || time > call.now.wall + sim::Days(365)) {
      return sim::MakeUnexpected(Invalid("'time' must be after 1990 and at most a year in the future.", "/data/attributes/time"));
    }
  }
  time = std::chrono::floor<std::chrono::seconds>(time);
  std::optional<double> value;
  if (a.contains("value") && !a["value"].is_null()) {
    if (!a["value"].is_number()) return sim::MakeUnexpected(Invalid("'value' must be a number.", "/data/attributes/value"));
    value = a["value"].get<double>();
  }
  std::optional<std::string> currency;
  if (a.contains("value_currency") && !a["value_currency"].is_null()) {
    if (!a["value_currency"].is_string()) {
      return sim::MakeUnexpected(Invalid("'value_currency' must be a string.", "/data/attributes/value_currency"));
    }
    currency = a["value_currency"].get<std::string>();
  }
  if (a.contains("unique_id") && !a["unique_id"].is_null() && !a["unique_id"].is_string()) {
    return sim::MakeUnexpected(Invalid("'unique_id' must be a string.", "/data/attributes/unique_id"));
  }
  if (a.contains("backfill") && !a["backfill"].is_boolean()) {
    return sim::MakeUnexpected(Invalid("'backfill' must be a boolean.", "/data/attributes/backfill"));
  }
  // Valid: commit. Default unique_id is the time to the second.
  const bool backfill = a.value("backfill", false);
  const std::string unique_id =
      a.contains("unique_id") && a["unique_id"].is_string() ? a["unique_id"].get<std::string>() : KlaviyoTime(time);
  if (target == nullptr) {
    incoming.id = NewUlid(call.now.wall);
    incoming.created = incoming.updated = call.now.wall;
    target = &PutProfile(std::move(incoming));
  } else {
    // Other attributes update the profile; identifiers that would collide are left alone.
    Profile updated = *target;
    Json others = pattrs;
    if (updated.email) others.erase("email");
    if (updated.phone_number) others.erase("phone_number");
    if (updated.external_id) others.erase("external_id");
    ApplyProfileAttributes(updated, others);
    if (!DuplicateOf(updated)) {
      if (!others.empty()) updated.updated = call.now.wall;
      target = &PutProfile(std::move(updated));
    }
  }
  Metric& metric = MetricNamed(metric_name->get<std::string>(), call.now.wall);
  const std::string key = target->id + "|" + metric.id + "|" + unique_id;
  if (!event_keys.insert(key).second) return NoContent(202);  // a duplicate: the first wins
  Event e;
  e.id = NewShortId(11, [&](const std::string& x) {
    return std::any_of(state.events.begin(), state.events.end(), [&](const Event& ev) { return ev.id == x; });
  });
  e.uuid = Uuid4(rng);
  e.metric_id = metric.id;
  e.profile_id = target->id;
  e.time = time;
  e.properties = OrderedJson::parse(a["properties"].dump());
  e.value = value;
  e.value_currency = currency;
  e.unique_id = unique_id;
  target->last_event_date = std::max(target->last_event_date.value_or(time), time);
  state.events.push_back(e);
  if (!backfill) OnEvent(state.events.back(), metric.name, call.now);
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

// --- suppression and consent jobs --------------------------------------------------------------

namespace {

// The profiles of a bulk job document: attributes.profiles.data[].attributes. Checked whole.
sim::Expected<std::vector<Json>, ApiError> JobProfiles(const Json& data, std::size_t max, bool required) {
  const Json& a = data["attributes"];
  std::vector<Json> out;
  if (!a.contains("profiles")) {
    if (required) return sim::MakeUnexpected(Invalid("'profiles' is a required field.", "/data/attributes/profiles"));
    return out;
  }
  const Json& p = a["profiles"];
  if (!p.is_object() || !p.contains("data") || !p["data"].is_array()) {
    return sim::MakeUnexpected(Invalid("'profiles' must be {\"data\": [profiles]}.", "/data/attributes/profiles"));
  }
  if (p["data"].size() > max) {
    return sim::MakeUnexpected(
        Invalid("At most " + std::to_string(max) + " profiles per request.", "/data/attributes/profiles/data"));
  }
  for (std::size_t i = 0; i < p["data"].size(); ++i) {
    const Json& item = p["data"][i];
    const std::string at = "/data/attributes/profiles/data/" + std::to_string(i);
    if (!item.is_object() || item.value("type", "") != "profile" || !item.contains("attributes") ||
        !item["attributes"].is_object()) {
      return sim::MakeUnexpected(Invalid("Each profile must be {\"type\": \"profile\", \"attributes\": {...}}.", at));
    }
    out.push_back(item["attributes"]);
  }
  return out;
}

// relationships.<name>.data.id, when present.
sim::Expected<std::optional<std::string>, ApiError> RelationshipId(const Json& data, std::string_view name) {
  if (!data.contains("relationships") || !data["relationships"].is_object() ||
      !data["relationships"].contains(std::string(name))) {
    return std::optional<std::string>();
  }
  const Json& r = data["relationships"][std::string(name)];
  if (!r.is_object() || !r.contains("data") || !r["data"].is_object() || !r["data"].contains("id") ||
      !r["data"]["id"].is_string() || r["data"].value("type", "") != name) {
    return sim::MakeUnexpected(Invalid("'" + std::string(name) + "' must be {\"data\": {\"type\": \"" +
                                           std::string(name) + "\", \"id\": ...}}.",
                                       "/data/relationships/" + std::string(name)));
  }
  return std::optional<std::string>(r["data"]["id"].get<std::string>());
}

bool ValidEmail(const Json& v) {
  if (!v.is_string()) return false;
  const std::string s = v.get<std::string>();
  const auto at = s.find('@');
  return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos;
}

}  // namespace

Reply Core::SuppressionJobReply(const Call& call, const SuppressionJob& job, int status, std::string_view job_status) {
  const std::string base = job.type == "profile-suppression-bulk-create-job" ? "/api/profile-suppression-bulk-create-jobs/"
                                                                             : "/api/profile-suppression-bulk-delete-jobs/";
  const bool complete = job_status == "complete";
  OrderedJson a = {{"status", job_status},
                   {"created_at", KlaviyoTime(job.created)},
                   {"total_count", job.total},
                   {"completed_count", complete ? job.completed : 0},
                   {"skipped_count", complete ? job.skipped : 0},
                   {"completed_at", complete ? OrderedJson(KlaviyoTime(job.created)) : OrderedJson(nullptr)}};
  return Document(status, OrderedJson{{"data",
                                       {{"type", job.type},
                                        {"id", job.id},
                                        {"attributes", a},
                                        {"links", {{"self", call.link_base + base + job.id + "/"}}}}}});
}

namespace {
// Shared by suppress and unsuppress: the emails named, or the members of a list or segment.
struct JobTargets {
  std::vector<std::string> emails;
  std::vector<std::string> profile_ids;
};
}  // namespace

Reply Core::CreateSuppressionJob(Call& call) { return SuppressionJobCommon(call, true); }
Reply Core::DeleteSuppressionJob(Call& call) { return SuppressionJobCommon(call, false); }

Reply Core::SuppressionJobCommon(Call& call, bool suppress) {
  const std::string type = suppress ? "profile-suppression-bulk-create-job" : "profile-suppression-bulk-delete-job";
  auto data = ParseDocument(call.request, type, {"profiles"}, false);
  if (!data) return sim::MakeUnexpected(data.error());
  auto profiles = JobProfiles(*data, 100, false);
  if (!profiles) return sim::MakeUnexpected(profiles.error());
  auto list_id = RelationshipId(*data, "list");
  if (!list_id) return sim::MakeUnexpected(list_id.error());
  auto segment_id = RelationshipId(*data, "segment");
  if (!segment_id) return sim::MakeUnexpected(segment_id.error());
  JobTargets targets;
  for (std::size_t i = 0; i < profiles->size(); ++i) {
    const Json& attrs = (*profiles)[i];
    if (!attrs.contains("email") || !ValidEmail(attrs["email"])) {
      return sim::MakeUnexpected(
          Invalid("'email' must be a valid email address.", "/data/attributes/profiles/data/" + std::to_string(i) + "/attributes/email"));
    }
    targets.emails.push_back(attrs["email"].get<std::string>());
  }
  if (*list_id) {
    const auto it = state.lists.find(**list_id);
    if (it == state.lists.end()) {
      ApiError e = NotFound("list", **list_id);
      e.pointer = "/data/relationships/list";
      return sim::MakeUnexpected(e);
    }
    targets.profile_ids = it->second.members;
  }
  if (*segment_id) {
    if (!state.segments.count(**segment_id)) {
      ApiError e = NotFound("segment", **segment_id);
      e.pointer = "/data/relationships/segment";
      return sim::MakeUnexpected(e);
    }
    for (const std::string& id : AudienceMembers(**segment_id, call.now.wall)) targets.profile_ids.push_back(id);
  }
  if (targets.emails.empty() && !*list_id && !*segment_id) {
    return sim::MakeUnexpected(Invalid("Name profiles, a list or a segment.", "/data/attributes/profiles"));
  }
  SuppressionJob job;
  job.id = NewUlid(call.now.wall);
  job.type = type;
  job.created = call.now.wall;
  const auto apply = [&](Profile& p) {
    ++job.total;
    const bool changed = suppress ? SuppressProfile(p, "USER_SUPPRESSED", call.now.wall) : UnsuppressProfile(p, call.now.wall);
    ++(changed ? job.completed : job.skipped);
  };
  for (const std::string& email : targets.emails) {
    Profile* p = FindByEmail(email);
    if (p == nullptr) {
      if (!suppress) {
        ++job.total;
        ++job.skipped;
        continue;
      }
      // Choice: suppressing an unknown email creates its profile, suppressed (Klaviyo keeps
      // suppressions for addresses it has not seen yet).
      Profile fresh;
      fresh.id = NewUlid(call.now.wall);
      fresh.email = email;
      fresh.created = fresh.updated = call.now.wall;
      p = &PutProfile(std::move(fresh));
    }
    apply(*p);
  }
  for (const std::string& id : targets.profile_ids) {
    const auto it = state.profiles.find(id);
    if (it != state.profiles.end()) apply(it->second);
  }
  jobs[job.id] = job;
  // Choice: the work is done at once; the 202 says "queued" as Klaviyo's does, GET says "complete".
  return SuppressionJobReply(call, job, 202, "queued");
}

Reply Core::GetSuppressionCreateJob(Call& call) {
  const auto it = jobs.find(std::string(call.params.Get("id")));
  if (it == jobs.end() || it->second.type != "profile-suppression-bulk-create-job") {
    return sim::MakeUnexpected(NotFound("profile-suppression-bulk-create-job", call.params.Get("id")));
  }
  return SuppressionJobReply(call, it->second, 200, "complete");
}

Reply Core::GetSuppressionDeleteJob(Call& call) {
  const auto it = jobs.find(std::string(call.params.Get("id")));
  if (it == jobs.end() || it->second.type != "profile-suppression-bulk-delete-job") {
    return sim::MakeUnexpected(NotFound("profile-suppression-bulk-delete-job", call.params.Get("id")));
  }
  return SuppressionJobReply(call, it->second, 200, "complete");
}

namespace {
// subscriptions.<channel>.marketing.consent of a job profile, if given.
std::optional<std::string> ConsentOf(const Json& attrs, std::string_view channel) {
  if (!attrs.contains("subscriptions") || !attrs["subscriptions"].is_object()) return std::nullopt;
  const Json& s = attrs["subscriptions"];
  if (!s.contains(std::string(channel)) || !s[std::string(channel)].is_object()) return std::nullopt;
  const Json& c = s[std::string(channel)];
  if (!c.contains("marketing") || !c["marketing"].is_object()) return std::nullopt;
  if (!c["marketing"].contains("consent") || !c["marketing"]["consent"].is_string()) return std::nullopt;
  return c["marketing"]["consent"].get<std::string>();
}
}  // namespace

Reply Core::Subscribe(Call& call) { return SubscriptionJobCommon(call, true); }
Reply Core::Unsubscribe(Call& call) { return SubscriptionJobCommon(call, false); }

Reply Core::SubscriptionJobCommon(Call& call, bool subscribe) {
  const std::string type = subscribe ? "profile-subscription-bulk-create-job" : "profile-subscription-bulk-delete-job";
  auto data = ParseDocument(call.request, type, {"profiles", "custom_source", "historical_import"}, false);
  if (!data) return sim::MakeUnexpected(data.error());
  auto profiles = JobProfiles(*data, subscribe ? 1000 : 100, true);
  if (!profiles) return sim::MakeUnexpected(profiles.error());
  auto list_id = RelationshipId(*data, "list");
  if (!list_id) return sim::MakeUnexpected(list_id.error());
  if (*list_id && !state.lists.count(**list_id)) {
    ApiError e = NotFound("list", **list_id);
    e.pointer = "/data/relationships/list";
    return sim::MakeUnexpected(e);
  }
  const std::string wanted = subscribe ? "SUBSCRIBED" : "UNSUBSCRIBED";
  for (std::size_t i = 0; i < profiles->size(); ++i) {
    const Json& attrs = (*profiles)[i];
    const std::string at = "/data/attributes/profiles/data/" + std::to_string(i) + "/attributes";
    const bool has_email = attrs.contains("email");
    const bool has_phone = attrs.contains("phone_number");
    if (!has_email && !has_phone) return sim::MakeUnexpected(Invalid("'email' or 'phone_number' is required.", at));
    if (has_email && !ValidEmail(attrs["email"])) return sim::MakeUnexpected(Invalid("Invalid email address.", at + "/email"));
    if (has_phone && !attrs["phone_number"].is_string()) return sim::MakeUnexpected(Invalid("Invalid phone number.", at + "/phone_number"));
    for (const char* channel : {"email", "sms"}) {
      const auto consent = ConsentOf(attrs, channel);
      if (consent && *consent != wanted) {
        return sim::MakeUnexpected(Invalid("'consent' must be '" + wanted + "'.",
                                           at + "/subscriptions/" + channel + "/marketing/consent"));
      }
    }
  }
  const bool historical = (*data)["attributes"].value("historical_import", false);
  for (const Json& attrs : *profiles) {
    Profile* p = attrs.contains("email") ? FindByEmail(attrs["email"].get<std::string>()) : nullptr;
    if (p == nullptr && attrs.contains("phone_number")) p = FindByPhone(attrs["phone_number"].get<std::string>());
    if (p == nullptr) {
      Profile fresh;
      fresh.id = NewUlid(call.now.wall);
      if (attrs.contains("email")) fresh.email = attrs["email"].get<std::string>();
      if (attrs.contains("phone_number")) fresh.phone_number = attrs["phone_number"].get<std::string>();
      fresh.created = fresh.updated = call.now.wall;
      p = &PutProfile(std::move(fresh));
    }
    const bool email = ConsentOf(attrs, "email").has_value() || (!ConsentOf(attrs, "sms") && attrs.contains("email"));
    const bool sms = ConsentOf(attrs, "sms").has_value();
    p->updated = call.now.wall;
    if (subscribe) {
      if (email) {
        p->email_consent = "SUBSCRIBED";
        auto& s = p->suppressions;
        s.erase(std::remove_if(s.begin(), s.end(),
                               [](const Suppression& x) {
                                 return x.reason == "UNSUBSCRIBE" || x.reason == "USER_SUPPRESSED" ||
                                        x.reason == "SPAM_COMPLAINT";
                               }),
                s.end());
      }
      if (sms) p->sms_consent = "SUBSCRIBED";
      if (*list_id) AddToList(state.lists[**list_id], p->id, !historical, call.now);
    } else {
      // With a list, a member leaves the list; anyone not in it is unsubscribed globally.
      if (*list_id && InList(**list_id, p->id)) {
        auto& members = state.lists[**list_id].members;
        members.erase(std::remove(members.begin(), members.end(), p->id), members.end());
        continue;
      }
      if (email) {
        p->email_consent = "UNSUBSCRIBED";
        SuppressProfile(*p, "UNSUBSCRIBE", call.now.wall);
      }
      if (sms) p->sms_consent = "UNSUBSCRIBED";
    }
  }
  return NoContent(202);
}

// --- campaigns and flows -----------------------------------------------------------------------

OrderedJson Core::CampaignResource(const Call& call, const Campaign& c) const {
  const auto opt_time = [](const std::optional<sim::WallTime>& t) {
    return t ? OrderedJson(KlaviyoTime(*t)) : OrderedJson(nullptr);
  };
  OrderedJson a = {{"name", c.name},
                   {"status", c.status},
                   {"archived", false},
                   {"audiences", {{"included", c.included}, {"excluded", c.excluded}}},
                   {"send_options", {{"use_smart_sending", c.use_smart_sending}}},
                   {"tracking_options", nullptr},
                   {"send_strategy",
                    {{"method", "static"}, {"datetime", opt_time(c.scheduled_at)}, {"options", nullptr}}},
                   {"created_at", KlaviyoTime(c.created)},
                   {"scheduled_at", opt_time(c.scheduled_at)},
                   {"updated_at", KlaviyoTime(c.updated)},
                   {"send_time", opt_time(c.send_time)}};
  return {{"type", "campaign"},
          {"id", c.id},
          {"attributes", SparseAttributes(call, "campaign", std::move(a))},
          {"links", {{"self", call.link_base + "/api/campaigns/" + c.id + "/"}}}};
}

Reply Core::GetCampaigns(Call& call) {
  auto filter = ReadFilter(call, kCampaignRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  const bool has_channel =
      *filter && std::any_of((*filter)->clauses.begin(), (*filter)->clauses.end(),
                             [](const FilterClause& c) { return c.field == "messages.channel"; });
  if (!has_channel) {
    return sim::MakeUnexpected(InvalidParameter(
        "A channel filter is required, for example equals(messages.channel,'email').", "filter"));
  }
  auto page = ReadPage(call, 100, 100);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Campaign*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.campaigns) {
    const Campaign& c = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          if (field == "messages.channel") return {FilterValue::String(std::string(ChannelName(c.channel)))};
          if (field == "name") return {FilterValue::String(c.name)};
          if (field == "status") return {FilterValue::String(c.status)};
          if (field == "archived") return {FilterValue::Bool(false)};
          if (field == "created_at") return {FilterValue::Datetime(c.created)};
          if (field == "updated_at") return {FilterValue::Datetime(c.updated)};
          return {c.scheduled_at ? FilterValue::Datetime(*c.scheduled_at) : FilterValue::Null()};
        })) {
      items.push_back(&c);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Campaign& c) { return CampaignResource(call, c); }));
}

Reply Core::GetCampaign(Call& call) {
  const auto it = state.campaigns.find(std::string(call.params.Get("id")));
  if (it == state.campaigns.end()) return sim::MakeUnexpected(NotFound("campaign", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", CampaignResource(call, it->second)}});
}

Reply Core::CreateCampaignSendJob(Call& call) {
  auto data = ParseDocument(call.request, "campaign-send-job", {}, true);
  if (!data) return sim::MakeUnexpected(data.error());
  const std::string id = (*data)["id"].get<std::string>();
  const auto it = state.campaigns.find(id);
  if (it == state.campaigns.end()) {
    ApiError e = NotFound("campaign", id);
    e.pointer = "/data/id";
    return sim::MakeUnexpected(e);
  }
  if (it->second.status != "Draft" && it->second.status != "Scheduled") {
    return sim::MakeUnexpected(Invalid("The campaign has already been sent or cancelled.", "/data/id"));
  }
  if (const auto t = campaign_timers.find(id); t != campaign_timers.end()) {
    executor.Cancel(t->second);
    campaign_timers.erase(t);
  }
  it->second.status = "Scheduled";
  it->second.scheduled_at = call.now.wall;
  it->second.updated = call.now.wall;
  ScheduleCampaignSend(id, call.now.monotonic);
  return Document(202, OrderedJson{{"data",
                                    {{"type", "campaign-send-job"},
                                     {"id", id},
                                     {"attributes", {{"status", "queued"}}},
                                     {"links", {{"self", call.link_base + "/api/campaign-send-jobs/" + id + "/"}}}}}});
}

OrderedJson Core::FlowResource(const Call& call, const Flow& f) const {
  OrderedJson a = {{"name", f.name},
                   {"status", f.status},
                   {"archived", false},
                   {"created", KlaviyoTime(f.created)},
                   {"updated", KlaviyoTime(f.updated)},
                   {"trigger_type", f.trigger == Flow::Trigger::kMetric ? "Metric" : "Added to List"}};
  return {{"type", "flow"},
          {"id", f.id},
          {"attributes", SparseAttributes(call, "flow", std::move(a))},
          {"links", {{"self", call.link_base + "/api/flows/" + f.id + "/"}}}};
}

Reply Core::GetFlows(Call& call) {
  auto filter = ReadFilter(call, kFlowRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 50, 50);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Flow*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.flows) {
    const Flow& f = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          if (field == "name") return {FilterValue::String(f.name)};
          if (field == "status") return {FilterValue::String(f.status)};
          if (field == "archived") return {FilterValue::Bool(false)};
          if (field == "trigger_type") {
            return {FilterValue::String(f.trigger == Flow::Trigger::kMetric ? "Metric" : "Added to List")};
          }
          return {FilterValue::Datetime(field == "created" ? f.created : f.updated)};
        })) {
      items.push_back(&f);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Flow& f) { return FlowResource(call, f); }));
}

Reply Core::GetFlow(Call& call) {
  const auto it = state.flows.find(std::string(call.params.Get("id")));
  if (it == state.flows.end()) return sim::MakeUnexpected(NotFound("flow", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", FlowResource(call, it->second)}});
}

}  // namespace rh::mocks::klaviyo::detail
