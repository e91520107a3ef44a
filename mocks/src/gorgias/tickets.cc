// Tickets: list (filters customer_id, external_id, ticket_ids[]), create (1..500 messages, each
// with channel, from_agent and via), get, partial update, delete, and the ticket tag endpoints.
// A ticket update never sends anything: "messages" in a PUT are ignored (and reported to the
// harness). Assignees are users given by id: an email is a 400 naming the field.
#include <algorithm>
#include <charconv>

#include "core.h"
#include "mocks/gorgias/channels.h"

namespace rh::mocks::gorgias::detail {

namespace {

constexpr std::size_t kMaxMessages = 500;

bool OneOf(std::string_view value, std::initializer_list<std::string_view> choices) {
  return std::find(choices.begin(), choices.end(), value) != choices.end();
}

OrderedJson IdList(const std::vector<std::uint64_t>& ids) {
  OrderedJson out = OrderedJson::array();
  for (std::uint64_t id : ids) out.push_back(id);
  return out;
}

// Reads "external_id", which Gorgias keeps as a string of at most 255 characters.
void ReadExternalId(const OrderedJson& body, FieldErrors& errors, std::optional<std::string>& out) {
  const OrderedJson* v = Find(body, "external_id");
  if (v == nullptr) return;
  if (v->is_null()) {
    out.reset();
  } else if (v->is_string()) {
    out = v->get<std::string>();
  } else if (v->is_number_integer()) {
    out = v->dump(-1, ' ', false, kReplaceInvalidUtf8);
  } else {
    errors.Add({"external_id"}, kNotString);
    return;
  }
  if (out && out->size() > 255) errors.Add({"external_id"}, "Longer than maximum length 255.");
}

}  // namespace

Ticket* Core::FindTicket(Ctx& ctx) {
  const auto id = ctx.params.GetUint("id");
  const auto it = id ? state.tickets.find(*id) : state.tickets.end();
  return it == state.tickets.end() ? nullptr : &it->second;
}

bool Core::ParseTagRefs(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                        std::vector<TagRef>& out) const {
  if (!value.is_array()) {
    errors.Add(at, kNotList);
    return false;
  }
  const std::size_t before = errors.count();
  for (std::size_t i = 0; i < value.size(); ++i) {
    const FieldPath item = at / std::to_string(i);
    const OrderedJson& tag = value[i];
    if (!tag.is_object()) {
      errors.Add(item, kNotObject);
      continue;
    }
    TagRef ref;
    std::optional<std::string> name;
    ReadUint(tag, "id", item, errors, ref.id);
    ReadString(tag, "name", item, errors, name);
    if (ref.id) {
      if (!state.tags.contains(*ref.id)) errors.Add(item / "id", "Tag " + std::to_string(*ref.id) + " does not exist.");
    } else if (name) {
      if (name->empty() || name->size() > 256) errors.Add(item / "name", "Length must be between 1 and 256.");
      ref.name = *name;
    } else {
      errors.Add(item / "name", kMissing);
    }
    out.push_back(std::move(ref));
  }
  return errors.count() == before;
}

std::vector<std::uint64_t> Core::ResolveTags(Ctx& ctx, const std::vector<TagRef>& refs) {
  std::vector<std::uint64_t> ids;
  for (const TagRef& ref : refs) {
    std::uint64_t id = 0;
    if (ref.id) {
      id = *ref.id;
    } else if (const Tag* tag = FindTagByName(ref.name)) {
      id = tag->id;
    } else {
      // Choice: an unknown tag name is created, as the helpdesk UI does.
      id = InsertTag(ref.name, ctx.now.wall);
      AddEvent(ctx, "tag-created", "Tag", id);
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

bool Core::ParseAssignee(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                         std::optional<std::uint64_t>& assignee) const {
  if (value.is_null()) {
    assignee.reset();
    return true;
  }
  if (!value.is_object()) {
    errors.Add(at, kNotObject);
    return false;
  }
  const std::size_t before = errors.count();
  // The seed's gotcha: the assignee is a user id. A user given by email is refused, so a
  // client must resolve the id first (GET /api/users?email=...).
  for (const auto& [key, v] : value.items()) {
    if (key != "id") errors.Add(at / key, kUnknownField);
  }
  const OrderedJson* id = Find(value, "id");
  if (id == nullptr) {
    errors.Add(at / "id", kMissing);
  } else if (id->is_null() || (AsUint(*id) && *AsUint(*id) == 0)) {
    assignee.reset();  // {"id": null} and {"id": 0} unassign
  } else if (!AsUint(*id)) {
    errors.Add(at / "id", kNotInteger);
  } else if (!state.users.contains(*AsUint(*id))) {
    errors.Add(at / "id", "User " + std::to_string(*AsUint(*id)) + " does not exist.");
  } else {
    assignee = AsUint(*id);
  }
  return errors.count() == before;
}

sim::Expected<std::uint64_t, ApiError> Core::CreateTicketFrom(Ctx& ctx, const OrderedJson& body, bool import) {
  FieldErrors errors;
  if (!body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to create ticket", errors));
  }
  const FieldPath root;
  std::vector<MessageDraft> drafts;
  const OrderedJson* messages = Find(body, "messages");
  if (messages == nullptr || messages->is_null()) {
    errors.Add({"messages"}, kMissing);
  } else if (!messages->is_array()) {
    errors.Add({"messages"}, kNotList);
  } else if (messages->empty() || messages->size() > kMaxMessages) {
    errors.Add({"messages"}, "Length must be between 1 and 500.");
  } else {
    for (std::size_t i = 0; i < messages->size(); ++i) {
      if (auto d = ParseMessage((*messages)[i], FieldPath{"messages", std::to_string(i)}, errors, ctx, nullptr)) {
        drafts.push_back(std::move(*d));
      }
    }
  }
  std::optional<CustomerRef> customer;
  if (const OrderedJson* v = Find(body, "customer"); v != nullptr && !v->is_null()) {
    customer = ParseCustomerRef(*v, {"customer"}, errors);
  }
  std::optional<std::string> channel, via, status, priority, subject, language, external_id;
  if (ReadString(body, "channel", root, errors, channel, false) && FindChannelRule(*channel) == nullptr) {
    errors.Add({"channel"}, "Not a valid choice.");
  }
  if (ReadString(body, "via", root, errors, via, false) && !IsKnownVia(*via)) errors.Add({"via"}, "Not a valid choice.");
  if (ReadString(body, "status", root, errors, status, false) && !OneOf(*status, {"open", "closed"})) {
    errors.Add({"status"}, "Must be one of: open, closed.");
  }
  if (ReadString(body, "priority", root, errors, priority, false) &&
      !OneOf(*priority, {"critical", "high", "normal", "low"})) {
    errors.Add({"priority"}, "Must be one of: critical, high, normal, low.");
  }
  if (ReadString(body, "subject", root, errors, subject) && subject && subject->size() > 998) {
    errors.Add({"subject"}, "Longer than maximum length 998.");
  }
  ReadString(body, "language", root, errors, language);
  ReadExternalId(body, errors, external_id);
  std::optional<bool> spam, from_agent;
  ReadBool(body, "spam", root, errors, spam);
  ReadBool(body, "from_agent", root, errors, from_agent);
  std::vector<TagRef> tags;
  if (const OrderedJson* v = Find(body, "tags"); v != nullptr && !v->is_null()) ParseTagRefs(*v, {"tags"}, errors, tags);
  std::optional<std::uint64_t> assignee;
  if (const OrderedJson* v = Find(body, "assignee_user")) ParseAssignee(*v, {"assignee_user"}, errors, assignee);
  if (const OrderedJson* v = Find(body, "assignee_team"); v != nullptr && !v->is_null()) {
    const OrderedJson* id = Find(*v, "id");
    if (id != nullptr && !id->is_null() && !(AsUint(*id) && *AsUint(*id) == 0)) {
      errors.Add({"assignee_team", "id"}, "Team does not exist.");  // the mock has no teams
    }
  }
  OrderedJson custom_fields = OrderedJson::array();
  if (const OrderedJson* v = Find(body, "custom_fields"); v != nullptr && !v->is_null()) {
    if (v->is_array()) {
      custom_fields = *v;
    } else {
      errors.Add({"custom_fields"}, kNotList);
    }
  }
  std::optional<sim::WallTime> created, closed, snooze, opened;
  ReadDatetime(body, "created_datetime", root, errors, created);
  ReadDatetime(body, "opened_datetime", root, errors, opened);
  ReadDatetime(body, "closed_datetime", root, errors, closed);
  ReadDatetime(body, "snooze_datetime", root, errors, snooze);
  // The customer: given, or the first message's sender (a customer) or receiver (an agent's).
  if (!customer && errors.empty() && !drafts.empty()) {
    const MessageDraft& first = drafts.front();
    if (!first.from_agent && first.sender_customer) customer = first.sender_customer;
    if (first.from_agent && first.receiver) customer = first.receiver;
    if (!customer) errors.Add({"customer"}, kMissing);
  }
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to create ticket", errors));

  // Valid: from here on the request changes state.
  Ticket t;
  t.id = NextFreeId(ticket_seq, [&](std::uint64_t id) { return state.tickets.contains(id); });
  t.customer_id = ResolveCustomer(ctx, *customer);
  t.channel = channel.value_or(drafts.front().channel);
  t.via = via.value_or(drafts.front().via);
  t.from_agent = from_agent.value_or(drafts.front().from_agent);
  t.status = status.value_or("open");
  t.priority = priority.value_or("normal");
  t.subject = subject ? subject : drafts.front().subject;
  t.language = language;
  t.external_id = external_id;
  t.spam = spam.value_or(false);
  t.custom_fields = custom_fields;
  t.assignee_user_id = assignee;
  if (const OrderedJson* v = Find(body, "meta")) t.meta = *v;
  t.created = created.value_or(ctx.now.wall);
  t.opened = opened;
  t.updated = ctx.now.wall;
  t.snooze = snooze;
  if (t.status == "closed") t.closed = closed.value_or(ctx.now.wall);
  t.tag_ids = ResolveTags(ctx, tags);
  const std::uint64_t id = t.id;
  Ticket& ticket = state.tickets.emplace(id, std::move(t)).first->second;
  std::vector<std::uint64_t> message_ids;
  for (const MessageDraft& d : drafts) message_ids.push_back(InsertMessage(ctx, ticket, d, import));
  ticket.updated = ctx.now.wall;
  if (import) return id;

  AddEvent(ctx, "ticket-created", "Ticket", id);
  for (std::uint64_t mid : message_ids) AddEvent(ctx, "ticket-message-created", "TicketMessage", mid, {{"ticket_id", id}});
  if (ticket.assignee_user_id) AddEvent(ctx, "ticket-assigned", "Ticket", id, {{"assignee_user_id", *ticket.assignee_user_id}});
  if (!ticket.tag_ids.empty()) AddEvent(ctx, "ticket-tags-added", "Ticket", id, {{"tags_added", IdList(ticket.tag_ids)}});
  // Choice: creating a ticket fires the ticket-created trigger only, not
  // ticket-message-created for the messages it was created with.
  Fire("ticket-created", ticket, nullptr, ctx.now.wall);
  return id;
}

void Core::SetTicketTags(Ctx& ctx, Ticket& ticket, std::vector<std::uint64_t> tag_ids, bool fire) {
  std::vector<std::uint64_t> added, removed;
  for (std::uint64_t id : tag_ids) {
    if (std::find(ticket.tag_ids.begin(), ticket.tag_ids.end(), id) == ticket.tag_ids.end()) added.push_back(id);
  }
  for (std::uint64_t id : ticket.tag_ids) {
    if (std::find(tag_ids.begin(), tag_ids.end(), id) == tag_ids.end()) removed.push_back(id);
  }
  ticket.tag_ids = std::move(tag_ids);
  if (added.empty() && removed.empty()) return;
  ticket.updated = ctx.now.wall;
  if (fire) AddEvent(ctx, "ticket-updated", "Ticket", ticket.id);
  if (!added.empty()) AddEvent(ctx, "ticket-tags-added", "Ticket", ticket.id, {{"tags_added", IdList(added)}});
  if (!removed.empty()) AddEvent(ctx, "ticket-tags-removed", "Ticket", ticket.id, {{"tags_removed", IdList(removed)}});
  // Choice: a tag change through the tag endpoints is a ticket update for HTTP integrations.
  if (fire) Fire("ticket-updated", ticket, nullptr, ctx.now.wall);
}

void Core::DeleteTicketLocked(Ctx& ctx, std::uint64_t id, bool write_event) {
  const auto it = state.tickets.find(id);
  if (it == state.tickets.end()) return;
  const std::vector<std::uint64_t> messages = it->second.message_ids;
  for (std::uint64_t mid : messages) RemoveMessage(mid, "the ticket was deleted before the message was sent", ctx.now.wall);
  state.tickets.erase(id);
  if (write_event) AddEvent(ctx, "ticket-deleted", "Ticket", id);
}

Reply Core::ListTickets(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime", "updated_datetime"}, query)) return sim::MakeUnexpected(*bad);
  FieldErrors errors;
  std::optional<std::uint64_t> customer_id;
  if (const auto v = ctx.request.Query("customer_id")) {
    customer_id = ParseUintText(*v);
    if (!customer_id) errors.Add({"customer_id"}, kNotInteger);
  }
  const auto external_id = ctx.request.Query("external_id");
  // Choice: view_id and rule_id are accepted and ignored (the mock has no views or rules).
  std::vector<std::uint64_t> ticket_ids;
  for (const auto& [key, value] : ctx.request.QueryParams()) {
    if (key != "ticket_ids[]" && key != "ticket_ids") continue;
    const auto id = ParseUintText(value);
    if (!id) {
      errors.Add({"ticket_ids"}, kNotInteger);
    } else {
      ticket_ids.push_back(*id);
    }
  }
  if (ticket_ids.size() > 100) errors.Add({"ticket_ids"}, "Length must be between 1 and 100.");
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Invalid query parameters.", errors));
  std::vector<SortKey> keys;
  for (const auto& [id, t] : state.tickets) {
    if (customer_id && t.customer_id != *customer_id) continue;
    if (external_id && t.external_id != *external_id) continue;
    if (!ticket_ids.empty() && std::find(ticket_ids.begin(), ticket_ids.end(), id) == ticket_ids.end()) continue;
    keys.push_back({Micros(query.field == "updated_datetime" ? t.updated : t.created), {}, id});
  }
  return ListPage(ctx, std::move(keys), query,
                  [&](std::uint64_t id) { return TicketJsonOf(state.tickets.at(id), TicketView::kListItem); });
}

Reply Core::CreateTicket(Ctx& ctx) {
  auto created = CreateTicketFrom(ctx, ctx.body.is_null() ? OrderedJson::object() : ctx.body, false);
  if (!created) return sim::MakeUnexpected(created.error());
  return sim::Response::Json(201, TicketText(state.tickets.at(*created), TicketView::kFull));
}

Reply Core::GetTicket(Ctx& ctx) {
  const Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  return sim::Response::Json(200, TicketText(*t, TicketView::kFull));
}

Reply Core::UpdateTicket(Ctx& ctx) {
  Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  const OrderedJson& body = ctx.body;
  if (!body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update ticket", errors));
  }
  const FieldPath root;
  Ticket u = *t;
  std::optional<std::string> s;
  if (ReadString(body, "status", root, errors, s, false) && !OneOf(*s, {"open", "closed"})) {
    errors.Add({"status"}, "Must be one of: open, closed.");
  } else if (s) {
    u.status = *s;
  }
  s.reset();
  if (ReadString(body, "priority", root, errors, s, false) && !OneOf(*s, {"critical", "high", "normal", "low"})) {
    errors.Add({"priority"}, "Must be one of: critical, high, normal, low.");
  } else if (s) {
    u.priority = *s;
  }
  if (ReadString(body, "subject", root, errors, u.subject) && u.subject && u.subject->size() > 998) {
    errors.Add({"subject"}, "Longer than maximum length 998.");
  }
  ReadString(body, "language", root, errors, u.language);
  ReadExternalId(body, errors, u.external_id);
  s.reset();
  if (ReadString(body, "channel", root, errors, s, false) && FindChannelRule(*s) == nullptr) {
    errors.Add({"channel"}, "Not a valid choice.");
  } else if (s) {
    u.channel = *s;
  }
  std::optional<bool> b;
  if (ReadBool(body, "spam", root, errors, b)) u.spam = *b;
  b.reset();
  if (ReadBool(body, "is_unread", root, errors, b)) u.is_unread = *b;
  if (const OrderedJson* v = Find(body, "meta")) u.meta = *v;
  if (const OrderedJson* v = Find(body, "custom_fields")) {
    // Replaces the whole list, as Gorgias documents.
    if (v->is_array()) {
      u.custom_fields = *v;
    } else if (v->is_null()) {
      u.custom_fields = OrderedJson::array();
    } else {
      errors.Add({"custom_fields"}, kNotList);
    }
  }
  std::optional<std::vector<TagRef>> tags;
  if (const OrderedJson* v = Find(body, "tags")) {
    tags.emplace();
    if (!v->is_null()) ParseTagRefs(*v, {"tags"}, errors, *tags);
  }
  if (const OrderedJson* v = Find(body, "assignee_user")) ParseAssignee(*v, {"assignee_user"}, errors, u.assignee_user_id);
  if (const OrderedJson* v = Find(body, "assignee_team"); v != nullptr && !v->is_null()) {
    const OrderedJson* id = Find(*v, "id");
    if (id != nullptr && !id->is_null() && !(AsUint(*id) && *AsUint(*id) == 0)) {
      errors.Add({"assignee_team", "id"}, "Team does not exist.");
    }
  }
  std::optional<CustomerRef> customer;
  if (const OrderedJson* v = Find(body, "customer"); v != nullptr && !v->is_null()) {
    customer = ParseCustomerRef(*v, {"customer"}, errors);
  }
  ReadDatetime(body, "snooze_datetime", root, errors, u.snooze);
  ReadDatetime(body, "trashed_datetime", root, errors, u.trashed);
  ReadDatetime(body, "opened_datetime", root, errors, u.opened);
  // created_datetime is settable on create only; like other read-only fields it is ignored.
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update ticket", errors));

  // Valid: apply, and write one event per kind of change.
  const Ticket before = *t;
  if (customer) u.customer_id = ResolveCustomer(ctx, *customer);
  if (u.status != before.status) u.closed = u.status == "closed" ? std::optional(ctx.now.wall) : std::nullopt;
  u.updated = ctx.now.wall;
  *t = std::move(u);
  AddEvent(ctx, "ticket-updated", "Ticket", t->id);
  if (tags) SetTicketTags(ctx, *t, ResolveTags(ctx, *tags), false);
  if (t->status != before.status) AddEvent(ctx, t->status == "closed" ? "ticket-closed" : "ticket-reopened", "Ticket", t->id);
  if (t->assignee_user_id != before.assignee_user_id) {
    if (t->assignee_user_id) {
      AddEvent(ctx, "ticket-assigned", "Ticket", t->id, {{"assignee_user_id", *t->assignee_user_id}});
    } else {
      AddEvent(ctx, "ticket-unassigned", "Ticket", t->id);
    }
  }
  if (t->subject != before.subject) {
    AddEvent(ctx, "ticket-subject-updated", "Ticket", t->id,
             {{"old_subject", OptString(before.subject)}, {"new_subject", OptString(t->subject)}});
  }
  if (t->spam && !before.spam) AddEvent(ctx, "ticket-marked-spam", "Ticket", t->id);
  if (t->snooze && t->snooze != before.snooze) AddEvent(ctx, "ticket-snoozed", "Ticket", t->id);
  if (t->trashed && t->trashed != before.trashed) AddEvent(ctx, "ticket-trashed", "Ticket", t->id);
  if (t->customer_id != before.customer_id) AddEvent(ctx, "ticket-customer-updated", "Ticket", t->id);
  // Choice: "messages" in a ticket update are ignored (200), never sent; the harness sees them
  // as not delivered, since a pipeline that replies this way never reaches the customer.
  if (const OrderedJson* v = Find(body, "messages"); v != nullptr && !v->is_null()) {
    RecordIgnoredReplies(*t, *v, ctx.now.wall);
  }
  Fire("ticket-updated", *t, nullptr, ctx.now.wall);
  if (t->status != before.status) Fire("ticket-status-updated", *t, nullptr, ctx.now.wall);
  if (t->assignee_user_id != before.assignee_user_id) Fire("ticket-assignment-updated", *t, nullptr, ctx.now.wall);
  // Choice: 200 with the ticket (the reference leaves 200 or 202 open).
  return sim::Response::Json(200, TicketText(*t, TicketView::kFull));
}

Reply Core::DeleteTicket(Ctx& ctx) {
  const Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  DeleteTicketLocked(ctx, t->id, true);
  // Choice: 204, like Gorgias's other deletes of whole resources.
  return EmptyResponse(204);
}

namespace {

// The body of the ticket tag endpoints: {"ids": [..]} and/or {"names": [..]}.
bool ParseTagBody(const OrderedJson& body, FieldErrors& errors, std::vector<TagRef>& refs,
                  const std::map<std::uint64_t, Tag>& tags) {
  if (!body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return false;
  }
  const OrderedJson* ids = Find(body, "ids");
  const OrderedJson* names = Find(body, "names");
  if ((ids == nullptr || ids->is_null()) && (names == nullptr || names->is_null())) {
    errors.Add({"ids"}, kMissing);
    return false;
  }
  if (ids != nullptr && !ids->is_null()) {
    if (!ids->is_array()) {
      errors.Add({"ids"}, kNotList);
    } else {
      for (std::size_t i = 0; i < ids->size(); ++i) {
        const auto id = AsUint((*ids)[i]);
        if (!id) {
          errors.Add({"ids", std::to_string(i)}, kNotInteger);
        } else if (!tags.contains(*id)) {
          errors.Add({"ids", std::to_string(i)}, "Tag " + std::to_string(*id) + " does not exist.");
        } else {
          refs.push_back({id, {}});
        }
      }
    }
  }
  if (names != nullptr && !names->is_null()) {
    if (!names->is_array()) {
      errors.Add({"names"}, kNotList);
    } else {
      for (std::size_t i = 0; i < names->size(); ++i) {
        const OrderedJson& name = (*names)[i];
        if (!name.is_string()) {
          errors.Add({"names", std::to_string(i)}, kNotString);
        } else if (name.get<std::string>().empty() || name.get<std::string>().size() > 256) {
          errors.Add({"names", std::to_string(i)}, "Length must be between 1 and 256.");
        } else {
          refs.push_back({std::nullopt, name.get<std::string>()});
        }
      }
    }
  }
  return errors.empty();
}

}  // namespace

Reply Core::ListTicketTags(Ctx& ctx) {
  const Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  // Unpaginated, as the reference says of this sub-resource.
  OrderedJson data = OrderedJson::array();
  for (std::uint64_t id : t->tag_ids) {
    if (const auto tag = state.tags.find(id); tag != state.tags.end()) data.push_back(TagJson(tag->second));
  }
  return JsonResponse(200, OrderedJson{{"data", std::move(data)}});
}

Reply Core::AddTicketTags(Ctx& ctx) {
  Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  std::vector<TagRef> refs;
  if (!ParseTagBody(ctx.body, errors, refs, state.tags)) return sim::MakeUnexpected(ValidationError("Failed to add tags", errors));
  std::vector<std::uint64_t> ids = t->tag_ids;
  for (std::uint64_t id : ResolveTags(ctx, refs)) {
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  SetTicketTags(ctx, *t, std::move(ids), true);
  return EmptyResponse(201);
}

Reply Core::ReplaceTicketTags(Ctx& ctx) {
  Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  std::vector<TagRef> refs;
  if (!ParseTagBody(ctx.body, errors, refs, state.tags)) return sim::MakeUnexpected(ValidationError("Failed to set tags", errors));
  SetTicketTags(ctx, *t, ResolveTags(ctx, refs), true);
  return EmptyResponse(202);
}

Reply Core::RemoveTicketTags(Ctx& ctx) {
  Ticket* t = FindTicket(ctx);
  if (t == nullptr) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  std::vector<TagRef> refs;
  if (!ParseTagBody(ctx.body, errors, refs, state.tags)) return sim::MakeUnexpected(ValidationError("Failed to remove tags", errors));
  std::vector<std::uint64_t> remove;
  for (const TagRef& ref : refs) {
    if (ref.id) {
      remove.push_back(*ref.id);
    } else if (const Tag* tag = FindTagByName(ref.name)) {
      remove.push_back(tag->id);
    }
  }
  std::vector<std::uint64_t> ids;
  for (std::uint64_t id : t->tag_ids) {
    if (std::find(remove.begin(), remove.end(), id) == remove.end()) ids.push_back(id);
  }
  SetTicketTags(ctx, *t, std::move(ids), true);
  return EmptyResponse(204);
}

}  // namespace rh::mocks::gorgias::detail
