// Ticket messages: validation shared by POST /api/tickets (its "messages") and
// POST /api/tickets/{id}/messages, storage, and the message endpoints. Creating a message is not
// sending it: an agent's message without sent_datetime is queued (sending.cc); a customer's
// message is received (sent_datetime = created_datetime); an import (sent_datetime given) is
// stored as it is.
#include <algorithm>
#include <charconv>

#include "core.h"
#include "mocks/gorgias/channels.h"

namespace rh::mocks::gorgias::detail {

namespace {

std::string ChannelChoices() {
  std::string out = "Must be one of: ";
  bool first = true;
  for (const ChannelRule& rule : ChannelTable()) {
    if (!first) out += ", ";
    out += rule.channel;
    first = false;
  }
  return out + ".";
}

// Checks the shape of a message's "source": {type, from {address, name}, to/cc/bcc [{address,
// name}], extra}. Addresses are not checked here: a wrong one is a delivery problem, not a 400.
void CheckSource(const OrderedJson& source, const FieldPath& at, FieldErrors& errors) {
  if (source.is_null()) return;
  if (!source.is_object()) {
    errors.Add(at, kNotObject);
    return;
  }
  std::optional<std::string> type;
  ReadString(source, "type", at, errors, type);
  if (const OrderedJson* from = Find(source, "from"); from != nullptr && !from->is_null()) {
    if (!from->is_object()) {
      errors.Add(at / "from", kNotObject);
    } else {
      std::optional<std::string> s;
      ReadString(*from, "address", at / "from", errors, s);
      ReadString(*from, "name", at / "from", errors, s);
    }
  }
  for (const char* list : {"to", "cc", "bcc"}) {
    const OrderedJson* v = Find(source, list);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_array()) {
      errors.Add(at / list, kNotList);
      continue;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
      const FieldPath item = at / list / std::to_string(i);
      if (!(*v)[i].is_object()) {
        errors.Add(item, kNotObject);
        continue;
      }
      std::optional<std::string> s;
      ReadString((*v)[i], "address", item, errors, s);
      ReadString((*v)[i], "name", item, errors, s);
    }
  }
}

}  // namespace

std::optional<MessageDraft> Core::ParseMessage(const OrderedJson& value, const FieldPath& at, FieldErrors& errors,
                                               const Ctx& ctx, const Ticket* on_ticket) const {
  if (!value.is_object()) {
    errors.Add(at.empty() ? FieldPath{"_schema"} : at, kNotObject);
    return std::nullopt;
  }
  const std::size_t before = errors.count();
  MessageDraft d;

  std::optional<std::string> channel;
  if (Find(value, "channel") == nullptr) {
    errors.Add(at / "channel", kMissing);
  } else if (ReadString(value, "channel", at, errors, channel, false) && FindChannelRule(*channel) == nullptr) {
    errors.Add(at / "channel", ChannelChoices());
  }
  d.channel = channel.value_or("");
  const bool note = d.channel == "internal-note";

  std::optional<bool> from_agent;
  if (Find(value, "from_agent") == nullptr) {
    errors.Add(at / "from_agent", kMissing);
  } else {
    ReadBool(value, "from_agent", at, errors, from_agent);
  }
  d.from_agent = from_agent.value_or(false);

  // Choice: "via" is required (the schema mirror says so), except on internal notes, which a
  // public client sends without it; those get "helpdesk".
  std::optional<std::string> via;
  if (Find(value, "via") == nullptr) {
    if (note) {
      via = "helpdesk";
    } else {
      errors.Add(at / "via", kMissing);
    }
  } else if (ReadString(value, "via", at, errors, via, false) && !IsKnownVia(*via)) {
    errors.Add(at / "via", "Not a valid choice.");
  }
  d.via = via.value_or("");

  std::optional<bool> is_public;
  ReadBool(value, "public", at, errors, is_public);
  d.is_public = note ? false : is_public.value_or(true);

  const OrderedJson* sender = Find(value, "sender");
  if (d.from_agent) {
    // An agent's message is sent by a user, referenced by id or email (never created).
    if (sender == nullptr || sender->is_null()) {
      if (ctx.user_id) {
        d.sender_user = ctx.user_id;
      } else {
        errors.Add(at / "sender", kMissing);
      }
    } else if (!sender->is_object()) {
      errors.Add(at / "sender", kNotObject);
    } else {
      std::optional<std::uint64_t> id;
      std::optional<std::string> email;
      ReadUint(*sender, "id", at / "sender", errors, id);
      ReadString(*sender, "email", at / "sender", errors, email);
      if (id) {
        if (!state.users.contains(*id)) {
          errors.Add(at / "sender" / "id", "User " + std::to_string(*id) + " does not exist.");
        }
        d.sender_user = id;
      } else if (email) {
        for (const auto& [uid, user] : state.users) {
          if (sim::EqualsIgnoreCase(user.email, *email)) d.sender_user = uid;
        }
        if (!d.sender_user) errors.Add(at / "sender" / "email", "No user with this email.");
      } else {
        errors.Add(at / "sender" / "id", kMissing);
      }
    }
    if (const OrderedJson* receiver = Find(value, "receiver"); receiver != nullptr && !receiver->is_null()) {
      d.receiver = ParseCustomerRef(*receiver, at / "receiver", errors);
    }
  } else if (sender != nullptr && !sender->is_null()) {
    d.sender_customer = ParseCustomerRef(*sender, at / "sender", errors);
  } else if (on_ticket != nullptr) {
    d.sender_customer = CustomerRef{on_ticket->customer_id, {}, {}, {}, {}};
  }

  if (const OrderedJson* source = Find(value, "source")) {
    CheckSource(*source, at / "source", errors);
    d.source = *source;
  }
  ReadString(value, "subject", at, errors, d.subject);
  ReadString(value, "body_text", at, errors, d.body_text);
  ReadString(value, "body_html", at, errors, d.body_html);
  ReadString(value, "external_id", at, errors, d.external_id);
  ReadString(value, "message_id", at, errors, d.message_id);
  ReadUint(value, "integration_id", at, errors, d.integration_id);
  if (const OrderedJson* v = Find(value, "attachments"); v != nullptr && !v->is_null()) {
    if (v->is_array()) {
      d.attachments = *v;
    } else {
      errors.Add(at / "attachments", kNotList);
    }
  }
  if (const OrderedJson* v = Find(value, "meta")) d.meta = *v;
  if (const OrderedJson* v = Find(value, "headers")) d.headers = *v;
  if (const OrderedJson* v = Find(value, "actions")) d.actions = *v;
  if (const OrderedJson* v = Find(value, "macros"); v != nullptr && v->is_array()) d.macros = *v;
  if (const OrderedJson* v = Find(value, "mention_ids"); v != nullptr && v->is_array()) d.mention_ids = *v;
  ReadDatetime(value, "created_datetime", at, errors, d.created);
  ReadDatetime(value, "sent_datetime", at, errors, d.sent);
  if (errors.count() != before) return std::nullopt;
  return d;
}

std::uint64_t Core::InsertMessage(Ctx& ctx, Ticket& ticket, const MessageDraft& d, bool import) {
  Message m;
  m.id = NextFreeId(message_seq, [&](std::uint64_t id) { return state.messages.contains(id); });
  m.ticket_id = ticket.id;
  m.message_id = d.message_id;
  m.external_id = d.external_id;
  m.integration_id = d.integration_id;
  m.channel = d.channel;
  m.via = d.via;
  m.source = d.source;
  m.from_agent = d.from_agent;
  m.is_public = d.is_public;
  m.subject = d.subject;
  m.body_text = d.body_text;
  m.body_html = d.body_html;
  m.attachments = d.attachments;
  m.meta = d.meta;
  m.headers = d.headers;
  m.actions = d.actions;
  m.macros = d.macros;
  m.mention_ids = d.mention_ids;
  m.created = d.created.value_or(ctx.now.wall);
  if (d.from_agent) {
    m.sender = {Party::Kind::kUser, d.sender_user.value_or(0)};
    if (d.channel != "internal-note") {
      m.receiver = {Party::Kind::kCustomer, d.receiver ? ResolveCustomer(ctx, *d.receiver) : ticket.customer_id};
    }
  } else {
    m.sender = {Party::Kind::kCustomer,
                d.sender_customer ? ResolveCustomer(ctx, *d.sender_customer) : ticket.customer_id};
  }
  // Choice: a customer's message is received, so its sent_datetime is its creation; an internal
  // note is never sent anywhere, and carries its creation too; an import keeps its own.
  bool queue = false;
  if (d.sent) {
    m.sent = d.sent;
  } else if (!d.from_agent || d.channel == "internal-note" || import) {
    m.sent = m.created;
  } else {
    queue = true;
  }
  RH_CHECK(m.ticket_id == ticket.id, "a message was filed on a ticket it does not belong to");
  ticket.message_ids.push_back(m.id);
  ticket.last_message = m.created;
  if (!d.from_agent) {
    ticket.last_received_message = m.created;
    ticket.is_unread = true;
  }
  ticket.updated = ctx.now.wall;
  const std::uint64_t id = m.id;
  const auto [it, inserted] = state.messages.emplace(id, std::move(m));
  RH_CHECK(inserted, "a message id was allocated twice");
  if (queue) QueueSend(ctx, it->second);
  return id;
}

void Core::RemoveMessage(std::uint64_t message_id, std::string_view why_not_sent, sim::WallTime now) {
  const auto it = state.messages.find(message_id);
  if (it == state.messages.end()) return;
  if (auto t = state.tickets.find(it->second.ticket_id); t != state.tickets.end()) {
    auto& ids = t->second.message_ids;
    ids.erase(std::remove(ids.begin(), ids.end(), message_id), ids.end());
  }
  state.messages.erase(it);
  for (auto p = pending_sends.begin(); p != pending_sends.end(); ++p) {
    if (p->message_id != message_id) continue;
    if (p->timer && executor != nullptr) executor->Cancel(*p->timer);
    pending_sends.erase(p);
    if (auto d = delivery_by_message.find(message_id); d != delivery_by_message.end()) {
      CustomerDelivery& record = deliveries[d->second];
      record.fate = DeliveryFate::kNotDelivered;
      record.reason = std::string(why_not_sent);
      record.decided = now;
    }
    break;
  }
}

Reply Core::ListTicketMessages(Ctx& ctx) {
  const Ticket* ticket = FindTicket(ctx);
  if (ticket == nullptr) return sim::MakeUnexpected(NotFound());
  // Choice: paginated like every other list (the mirror calls this list older and unpaginated;
  // a client reading "data" works with both).
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime"}, query)) return sim::MakeUnexpected(*bad);
  std::vector<SortKey> keys;
  for (std::uint64_t id : ticket->message_ids) {
    const auto m = state.messages.find(id);
    if (m == state.messages.end()) continue;
    keys.push_back({Micros(m->second.created), {}, id});
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return MessageJson(state.messages.at(id)); });
}

Reply Core::CreateTicketMessage(Ctx& ctx) {
  Ticket* ticket = FindTicket(ctx);
  if (ticket == nullptr) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  const std::optional<MessageDraft> draft =
      ParseMessage(ctx.body.is_null() ? OrderedJson::object() : ctx.body, {}, errors, ctx, ticket);
  if (!draft) return sim::MakeUnexpected(ValidationError("Failed to create message", errors));
  const std::uint64_t id = InsertMessage(ctx, *ticket, *draft, false);
  AddEvent(ctx, "ticket-message-created", "TicketMessage", id, {{"ticket_id", ticket->id}});
  // A customer writing on a closed ticket reopens it.
  if (!draft->from_agent && ticket->status == "closed") {
    ticket->status = "open";
    ticket->closed.reset();
    AddEvent(ctx, "ticket-reopened", "Ticket", ticket->id);
  }
  const Message& message = state.messages.at(id);
  Fire("ticket-message-created", *ticket, &message, ctx.now.wall);
  return sim::Response::Json(201, MessageText(message));
}

Reply Core::GetTicketMessage(Ctx& ctx) {
  const Ticket* ticket = FindTicket(ctx);
  const auto mid = ctx.params.GetUint("mid");
  const auto it = mid ? state.messages.find(*mid) : state.messages.end();
  if (ticket == nullptr || it == state.messages.end() || it->second.ticket_id != ticket->id) return sim::MakeUnexpected(NotFound());
  return sim::Response::Json(200, MessageText(it->second));
}

Reply Core::UpdateTicketMessage(Ctx& ctx) {
  Ticket* ticket = FindTicket(ctx);
  const auto mid = ctx.params.GetUint("mid");
  const auto it = mid ? state.messages.find(*mid) : state.messages.end();
  if (ticket == nullptr || it == state.messages.end() || it->second.ticket_id != ticket->id) return sim::MakeUnexpected(NotFound());
  FieldErrors errors;
  if (!ctx.body.is_object()) {
    errors.Add({"_schema"}, kNotObject);
    return sim::MakeUnexpected(ValidationError("Failed to update message", errors));
  }
  Message updated = it->second;
  const FieldPath root;
  ReadString(ctx.body, "subject", root, errors, updated.subject);
  ReadString(ctx.body, "body_text", root, errors, updated.body_text);
  ReadString(ctx.body, "body_html", root, errors, updated.body_html);
  ReadString(ctx.body, "external_id", root, errors, updated.external_id);
  ReadString(ctx.body, "message_id", root, errors, updated.message_id);
  ReadDatetime(ctx.body, "opened_datetime", root, errors, updated.opened);
  if (const OrderedJson* v = Find(ctx.body, "meta")) updated.meta = *v;
  if (const OrderedJson* v = Find(ctx.body, "attachments"); v != nullptr && v->is_array()) updated.attachments = *v;
  if (!errors.empty()) return sim::MakeUnexpected(ValidationError("Failed to update message", errors));
  it->second = std::move(updated);
  ticket->updated = ctx.now.wall;
  AddEvent(ctx, "ticket-updated", "Ticket", ticket->id);
  return sim::Response::Json(202, MessageText(it->second));
}

Reply Core::DeleteTicketMessage(Ctx& ctx) {
  Ticket* ticket = FindTicket(ctx);
  const auto mid = ctx.params.GetUint("mid");
  const auto it = mid ? state.messages.find(*mid) : state.messages.end();
  if (ticket == nullptr || it == state.messages.end() || it->second.ticket_id != ticket->id) return sim::MakeUnexpected(NotFound());
  RemoveMessage(*mid, "the message was deleted before it was sent", ctx.now.wall);
  ticket->updated = ctx.now.wall;
  AddEvent(ctx, "ticket-updated", "Ticket", ticket->id);
  return EmptyResponse(200);
}

Reply Core::ListMessages(Ctx& ctx) {
  ListQuery query;
  if (auto bad = ParseListQuery(ctx, {"created_datetime"}, query)) return sim::MakeUnexpected(*bad);
  std::optional<std::uint64_t> ticket_id;
  if (const auto t = ctx.request.Query("ticket_id")) {
    std::uint64_t n = 0;
    const auto [end, ec] = std::from_chars(t->data(), t->data() + t->size(), n);
    if (ec != std::errc() || end != t->data() + t->size()) {
      FieldErrors errors;
      errors.Add({"ticket_id"}, kNotInteger);
      return sim::MakeUnexpected(ValidationError("Invalid query parameters.", errors));
    }
    ticket_id = n;
  }
  std::vector<SortKey> keys;
  for (const auto& [id, m] : state.messages) {
    if (ticket_id && m.ticket_id != *ticket_id) continue;
    keys.push_back({Micros(m.created), {}, id});
  }
  return ListPage(ctx, std::move(keys), query, [&](std::uint64_t id) { return MessageJson(state.messages.at(id)); });
}

}  // namespace rh::mocks::gorgias::detail
