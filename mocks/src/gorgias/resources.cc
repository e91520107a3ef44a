// The smaller resources: users (read-only; /api/users/0 is the caller), tags, macros, events
// (read-only, filters object_type, object_id, types[], user_ids[]) and the account.
#include <algorithm>
#include <charconv>

#include "core.h"

namespace rh::mocks::gorgias::detail {

namespace {

// All values of a repeated query parameter, given as "key[]" or "key".
std::vector<std::string> Repeated(const sim::Request& request, std::string_view key) {
  std::vector<std::string> out;
  const std::string bracketed = std::string(key) + "[]";
  for (const auto& [k, v] : request.QueryParams()) {
    if (k == key || k == bracketed) out.push_back(v);
  }
  return out;
}

}  // namespace

// --- users -----------------------------------------------------------------------------------

Reply Core::ListUsers(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime", "name"}, query)) return sim::MakeUnexpected(*bad);
  const auto email = ctx.request.Query("email");
  const std::vector<std::string> roles = Repeated(ctx.request, "roles");
  std::vector<SortKey> keys;
  for (const auto& [id, u] : state.users) {
    if (email && !sim::EqualsIgnoreCase(u.email, *email)) continue;
    if (!roles.empty() && std::find(roles.begin(), roles.end(), u.role) == roles.end()) continue;
    keys.push_back({Micros(u.created), u.firstname + " " + u.lastname, id});
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return UserJson(state.users.at(id)); });
}

Reply Core::GetUser(Ctx& ctx) {
  auto id = ctx.params.GetUint("id");
  if (id && *id == 0) id = ctx.user_id;  // GET /api/users/0 is "me"
  const auto it = id ? state.users.find(*id) : state.users.end();
  if (it == state.users.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, UserJson(it->second));
}

// --- tags ------------------------------------------------------------------------------------

const Tag* Core::FindTagByName(std::string_view name) const {
  for (const auto& [id, tag] : state.tags) {
    if (tag.name == name) return &tag;  // tag names are case-sensitive
  }
  return nullptr;
}

std::uint64_t Core::InsertTag(std::string name, sim::WallTime now) {
  Tag tag;
  tag.id = NextFreeId(tag_seq, [&](std::uint64_t id) { return state.tags.contains(id); });
  tag.name = std::move(name);
  tag.created = now;
  const std::uint64_t id = tag.id;
  state.tags.emplace(id, std::move(tag));
  return id;
}

namespace {

void ParseTagFields(const OrderedJson& body, FieldErrors& errors, Tag& tag, bool create) {
  const FieldPath root;
  std::optional<std::string> name;
  if (ReadString(body, "name", root, errors, name, false)) {
    if (name->empty() || name->size() > 256) errors.Add({"name"}, "Length must be between 1 and 256.");
    tag.name = *name;
  } else if (create && Find(body, "name") == nullptr) {
    errors.Add({"name"}, kMissing);
  }
  if (ReadString(body, "description", root, errors, tag.description) && tag.description &&
      tag.description->size() > 1024) {
    errors.Add({"description"}, "Longer than maximum length 1024.");
  }
  if (const OrderedJson* v = Find(body, "decoration")) {
    if (v->is_object() || v->is_null()) {
      tag.decoration = *v;
    } else {
      errors.Add({"decoration"}, kNotObject);
    }
  }
}

}  // namespace

Reply Core::ListTags(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime", "name"}, query)) return sim::MakeUnexpected(*bad);
  std::vector<SortKey> keys;
  for (const auto& [id, tag] : state.tags) keys.push_back({Micros(tag.created), tag.name, id});
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return TagJson(state.tags.at(id)); });
}

Reply Core::CreateTag(Ctx& ctx) {
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to create tag", errors));
  }
  Tag tag;
  ParseTagFields(ctx.body, errors, tag, true);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to create tag", errors));
  if (FindTagByName(tag.name) != nullptr) return sim::MakeUnexpected(ApiError{409, "The resource already exists."});
  const std::uint64_t id = InsertTag(tag.name, ctx.now.wall);
  Tag& stored = state.tags.at(id);
  stored.description = tag.description;
  stored.decoration = tag.decoration;
  AddEvent(ctx, "tag-created", "Tag", id);
  return JsonResponse(201, TagJson(stored));
}

Reply Core::GetTag(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.tags.find(*id) : state.tags.end();
  if (it == state.tags.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, TagJson(it->second));
}

Reply Core::UpdateTag(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.tags.find(*id) : state.tags.end();
  if (it == state.tags.end()) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update tag", errors));
  }
  Tag updated = it->second;
  ParseTagFields(ctx.body, errors, updated, false);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update tag", errors));
  const Tag* other = FindTagByName(updated.name);
  if (other != nullptr && other->id != updated.id) return sim::MakeUnexpected(ApiError{409, "The resource already exists."});
  it->second = std::move(updated);
  AddEvent(ctx, "tag-updated", "Tag", *id);
  return JsonResponse(200, TagJson(it->second));
}

Reply Core::DeleteTag(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  if (!id || !state.tags.contains(*id)) return sim::MakeUnexpected(NotFound());
  for (auto& [tid, t] : state.tickets) {
    t.tag_ids.erase(std::remove(t.tag_ids.begin(), t.tag_ids.end(), *id), t.tag_ids.end());
  }
  state.tags.erase(*id);
  AddEvent(ctx, "tag-deleted", "Tag", *id);
  return EmptyResponse(204);
}

// --- macros ----------------------------------------------------------------------------------

namespace {

void ParseMacroFields(const OrderedJson& body, FieldErrors& errors, Macro& macro, bool create) {
  const FieldPath root;
  std::optional<std::string> name;
  if (ReadString(body, "name", root, errors, name, false)) {
    if (name->empty()) errors.Add({"name"}, "Length must be at least 1.");
    macro.name = *name;
  } else if (create && Find(body, "name") == nullptr) {
    errors.Add({"name"}, kMissing);
  }
  ReadString(body, "intent", root, errors, macro.intent);
  ReadString(body, "language", root, errors, macro.language);
  if (const OrderedJson* v = Find(body, "actions"); v != nullptr && !v->is_null()) {
    if (!v->is_array()) {
      errors.Add({"actions"}, kNotList);
    } else {
      for (std::size_t i = 0; i < v->size(); ++i) {
        if (!(*v)[i].is_object()) errors.Add({"actions", std::to_string(i)}, kNotObject);
      }
      macro.actions = *v;
    }
  }
}

}  // namespace

Reply Core::ListMacros(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime", "name", "updated_datetime"}, query)) return sim::MakeUnexpected(*bad);
  std::vector<SortKey> keys;
  for (const auto& [id, m] : state.macros) {
    keys.push_back({Micros(query.field == "updated_datetime" ? m.updated : m.created), m.name, id});
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return MacroJson(state.macros.at(id)); });
}

Reply Core::CreateMacro(Ctx& ctx) {
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to create macro", errors));
  }
  Macro macro;
  ParseMacroFields(ctx.body, errors, macro, true);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to create macro", errors));
  macro.id = NextFreeId(macro_seq, [&](std::uint64_t id) { return state.macros.contains(id); });
  macro.created = macro.updated = ctx.now.wall;
  const std::uint64_t id = macro.id;
  state.macros.emplace(id, std::move(macro));
  AddEvent(ctx, "macro-created", "Macro", id);
  return JsonResponse(201, MacroJson(state.macros.at(id)));
}

Reply Core::GetMacro(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.macros.find(*id) : state.macros.end();
  if (it == state.macros.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, MacroJson(it->second));
}

Reply Core::UpdateMacro(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.macros.find(*id) : state.macros.end();
  if (it == state.macros.end()) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update macro", errors));
  }
  Macro updated = it->second;
  ParseMacroFields(ctx.body, errors, updated, false);
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update macro", errors));
  updated.updated = ctx.now.wall;
  it->second = std::move(updated);
  AddEvent(ctx, "macro-updated", "Macro", *id);
  return JsonResponse(200, MacroJson(it->second));
}

Reply Core::DeleteMacro(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  if (!id || !state.macros.contains(*id)) return sim::MakeUnexpected(NotFound());
  state.macros.erase(*id);
  AddEvent(ctx, "macro-deleted", "Macro", *id);
  return EmptyResponse(204);
}

// --- events ----------------------------------------------------------------------------------

Reply Core::ListEvents(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime"}, query)) return sim::MakeUnexpected(*bad);
  FieldErrors errors;
  const auto object_type = ctx.request.Query("object_type");
  std::optional<std::uint64_t> object_id;
  if (const auto v = ctx.request.Query("object_id")) {
    object_id = ParseUintText(*v);
    if (!object_id) errors.Add({"object_id"}, kNotInteger);
  }
  const std::vector<std::string> types = Repeated(ctx.request, "types");
  std::vector<std::uint64_t> user_ids;
  for (const std::string& v : Repeated(ctx.request, "user_ids")) {
    if (const auto id = ParseUintText(v)) {
      user_ids.push_back(*id);
    } else {
      errors.Add({"user_ids"}, kNotInteger);
    }
  }
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Invalid query parameters.", errors));
  std::vector<SortKey> keys;
  for (const auto& [id, e] : state.events) {
    if (object_type && e.object_type != *object_type) continue;
    if (object_id && e.object_id != *object_id) continue;
    if (!types.empty() && std::find(types.begin(), types.end(), e.type) == types.end()) continue;
    if (!user_ids.empty() && (!e.user_id || std::find(user_ids.begin(), user_ids.end(), *e.user_id) == user_ids.end())) {
      continue;
    }
    keys.push_back({Micros(e.created), {}, id});
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return EventJson(state.events.at(id)); });
}

Reply Core::GetEvent(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.events.find(*id) : state.events.end();
  if (it == state.events.end()) return sim::MakeUnexpected(NotFound());
  return JsonResponse(200, EventJson(it->second));
}

// --- account ---------------------------------------------------------------------------------

Reply Core::GetAccount(Ctx& /*ctx*/) { return JsonResponse(200, AccountJson()); }

}  // namespace rh::mocks::gorgias::detail
