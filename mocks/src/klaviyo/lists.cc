// The Klaviyo mock's lists and their members (/api/lists).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>

#include "api_support.h"
#include "core.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const FilterRule kListRules[] = {
    {"name", {Op::kAny, Op::kEquals}, Kind::kString},
    {"id", {Op::kAny, Op::kEquals}, Kind::kString},
    {"created", {Op::kGreaterThan}, Kind::kDatetime},
    {"updated", {Op::kGreaterThan}, Kind::kDatetime},
};

}  // namespace

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

}  // namespace rh::mocks::klaviyo::detail
