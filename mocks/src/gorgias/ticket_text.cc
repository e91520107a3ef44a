// Tickets, messages and customers written straight to JSON text: the same bytes as DumpJson of
// json.cc's trees (field for field, in the same order), without building and tearing down a
// tree for every integration call and API answer. A change to a shape in json.cc must be made
// here too; GorgiasTicketText tests compare the two renderings on the same state.
#include "core.h"
#include "mocks/common/json_text.h"
#include "sim/json_writer.h"

namespace rh::mocks::gorgias::detail {
namespace {

void AppendDatetime(std::string& out, sim::WallTime t) { sim::AppendJsonString(out, Datetime(t)); }

void AppendDatetime(std::string& out, const std::optional<sim::WallTime>& t) {
  if (t) {
    AppendDatetime(out, *t);
  } else {
    out += "null";
  }
}

void AppendResourceUri(std::string& out, std::string_view prefix, std::uint64_t id) {
  out.push_back('"');
  out.append(prefix);
  sim::AppendJsonNumber(out, id);
  out += "/\"";
}

}  // namespace

void Core::AppendUserSummaryText(std::string& out, const User& user) const {
  JsonTextObject o(out);
  o.Uint("id", user.id).Str("email", user.email).Str("firstname", user.firstname).Str("lastname", user.lastname);
  o.Str("name", FullName(user.firstname, user.lastname)).Null("bio").Null("meta");
  o.Close();
}

void Core::AppendPartyText(std::string& out, const Party& party) const {
  if (party.kind == Party::Kind::kNone) {
    out += "null";
    return;
  }
  if (party.kind == Party::Kind::kUser) {
    const auto it = state.users.find(party.id);
    if (it != state.users.end()) {
      AppendUserSummaryText(out, it->second);
      return;
    }
    JsonTextObject(out).Uint("id", party.id).Close();
    return;
  }
  const auto it = state.customers.find(party.id);
  if (it == state.customers.end()) {
    JsonTextObject(out).Uint("id", party.id).Close();
    return;
  }
  const Customer& c = it->second;
  JsonTextObject o(out);
  o.Uint("id", c.id).OptStr("email", c.email).Str("name", c.name).Str("firstname", c.firstname);
  o.Str("lastname", c.lastname).Value("meta", c.meta).Close();
}

void Core::AppendCustomerText(std::string& out, const Customer& c, bool with_integrations) const {
  JsonTextObject o(out);
  o.Uint("id", c.id).OptStr("external_id", c.external_id).Bool("active", c.active).OptStr("email", c.email);
  o.Str("name", c.name).Str("firstname", c.firstname).Str("lastname", c.lastname);
  o.OptStr("language", c.language).Str("timezone", c.timezone).OptStr("note", c.note);
  std::string& channels = o.Key("channels");
  channels.push_back('[');
  for (std::size_t i = 0; i < c.channels.size(); ++i) {
    const CustomerChannel& ch = c.channels[i];
    if (i > 0) channels.push_back(',');
    JsonTextObject cj(channels);
    cj.Uint("id", ch.id).Str("type", ch.type).Str("address", ch.address).Bool("preferred", ch.preferred);
    AppendDatetime(cj.Key("created_datetime"), ch.created);
    AppendDatetime(cj.Key("updated_datetime"), ch.updated);
    cj.Null("deleted_datetime").Close();
  }
  channels.push_back(']');
  o.Value("meta", c.meta);
  if (with_integrations) o.Value("data", c.data).Value("integrations", c.integrations);
  AppendDatetime(o.Key("created_datetime"), c.created);
  AppendDatetime(o.Key("updated_datetime"), c.updated);
  o.Close();
}

void Core::AppendMessageText(std::string& out, const Message& m) const {
  JsonTextObject o(out);
  o.Uint("id", m.id);
  std::string& uri = o.Key("uri");
  uri += "\"/api/tickets/";
  sim::AppendJsonNumber(uri, m.ticket_id);
  uri += "/messages/";
  sim::AppendJsonNumber(uri, m.id);
  uri += "/\"";
  o.OptStr("message_id", m.message_id).Uint("ticket_id", m.ticket_id).OptStr("external_id", m.external_id);
  o.Bool("public", m.is_public).Str("channel", m.channel).Str("via", m.via).Value("source", m.source);
  AppendPartyText(o.Key("sender"), m.sender);
  AppendPartyText(o.Key("receiver"), m.receiver);
  o.OptUint("integration_id", m.integration_id).Null("rule_id").Bool("from_agent", m.from_agent);
  o.OptStr("subject", m.subject).OptStr("body_text", m.body_text).OptStr("body_html", m.body_html);
  o.OptStr("stripped_text", m.body_text).OptStr("stripped_html", m.body_html).Null("stripped_signature");
  o.Value("attachments", m.attachments).Value("headers", m.headers).Value("meta", m.meta);
  o.Value("actions", m.actions).Value("macros", m.macros).Value("mention_ids", m.mention_ids);
  AppendDatetime(o.Key("created_datetime"), m.created);
  AppendDatetime(o.Key("sent_datetime"), m.sent);
  AppendDatetime(o.Key("opened_datetime"), m.opened);
  AppendDatetime(o.Key("failed_datetime"), m.failed);
  if (m.last_sending_error) {
    JsonTextObject error(o.Key("last_sending_error"));
    error.Str("error", *m.last_sending_error).Close();
  } else {
    o.Null("last_sending_error");
  }
  o.Bool("is_retriable", m.failed.has_value()).Close();
}

namespace {

// The members of a ticket before its messages, in json.cc's order.
void AppendTicketHead(const Core& core, JsonTextObject& o, const Ticket& t, Core::TicketView view) {
  o.Uint("id", t.id);
  AppendResourceUri(o.Key("uri"), "/api/tickets/", t.id);
  o.OptStr("external_id", t.external_id).OptStr("language", t.language).Str("status", t.status);
  o.Str("priority", t.priority).Str("channel", t.channel).Str("via", t.via);
  o.Bool("from_agent", t.from_agent).Bool("spam", t.spam);
  const auto customer = core.state.customers.find(t.customer_id);
  if (customer != core.state.customers.end()) {
    core.AppendCustomerText(o.Key("customer"), customer->second, view == Core::TicketView::kWebhook);
  } else {
    o.Null("customer");
  }
  const auto user = t.assignee_user_id ? core.state.users.find(*t.assignee_user_id) : core.state.users.end();
  if (user != core.state.users.end()) {
    core.AppendUserSummaryText(o.Key("assignee_user"), user->second);
  } else {
    o.Null("assignee_user");
  }
  o.OptUint("assignee_user_id", t.assignee_user_id).Null("assignee_team");
  o.OptUint("assignee_team_id", t.assignee_team_id).OptStr("subject", t.subject).Value("meta", t.meta);
  std::string& tags = o.Key("tags");
  tags.push_back('[');
  bool first = true;
  for (std::uint64_t id : t.tag_ids) {
    const auto tag = core.state.tags.find(id);
    if (tag == core.state.tags.end()) continue;
    if (!first) tags.push_back(',');
    first = false;
    JsonTextObject tj(tags);
    tj.Uint("id", tag->second.id).Str("name", tag->second.name);
    AppendResourceUri(tj.Key("uri"), "/api/tags/", tag->second.id);
    tj.Value("decoration", tag->second.decoration).Close();
  }
  tags.push_back(']');
  o.Value("custom_fields", t.custom_fields).Bool("is_unread", t.is_unread);
}

}  // namespace

void Core::AppendTicketText(std::string& out, const Ticket& t, TicketView view) const {
  JsonTextObject o(out);
  AppendTicketHead(*this, o, t, view);
  std::size_t count = 0;
  const Message* first = nullptr;
  const Message* last = nullptr;
  std::string* messages = view != TicketView::kListItem ? &o.Key("messages") : nullptr;
  if (messages != nullptr) messages->push_back('[');
  for (std::uint64_t id : t.message_ids) {
    const auto m = state.messages.find(id);
    if (m == state.messages.end()) continue;
    // As in TicketJsonOf: a message of another ticket would put words on the wrong conversation.
    RH_CHECK(m->second.ticket_id == t.id, "a ticket lists a message of another ticket");
    if (messages != nullptr) {
      if (count > 0) messages->push_back(',');
      AppendMessageText(*messages, m->second);
    }
    ++count;
    if (first == nullptr) first = &m->second;
    last = &m->second;
  }
  if (messages != nullptr) messages->push_back(']');
  o.Uint("messages_count", count);
  std::string& options = o.Key("reply_options");
  JsonTextObject oj(options);
  for (const std::string& channel : ReplyOptionChannels(t)) oj.Raw(channel, "{\"answerable\":true}");
  oj.Close();
  AppendDatetime(o.Key("created_datetime"), t.created);
  AppendDatetime(o.Key("opened_datetime"), t.opened);
  AppendDatetime(o.Key("last_received_message_datetime"), t.last_received_message);
  AppendDatetime(o.Key("last_message_datetime"), t.last_message);
  AppendDatetime(o.Key("updated_datetime"), t.updated);
  AppendDatetime(o.Key("closed_datetime"), t.closed);
  AppendDatetime(o.Key("snooze_datetime"), t.snooze);
  AppendDatetime(o.Key("trashed_datetime"), t.trashed);
  if (view == TicketView::kWebhook) {
    o.Uint("customer_id", t.customer_id);
    if (first != nullptr) {
      AppendMessageText(o.Key("first_message"), *first);
    } else {
      o.Null("first_message");
    }
    if (last != nullptr) {
      AppendMessageText(o.Key("last_message"), *last);
    } else {
      o.Null("last_message");
    }
    JsonTextObject account(o.Key("account"));
    account.Str("domain", state.account.domain).Close();
  }
  o.Close();
}

std::string Core::TicketText(const Ticket& ticket, TicketView view) const {
  std::string out;
  out.reserve(4096);
  AppendTicketText(out, ticket, view);
  return out;
}

std::string Core::MessageText(const Message& message) const {
  std::string out;
  out.reserve(1024);
  AppendMessageText(out, message);
  return out;
}

std::string Core::CustomerText(const Customer& customer) const {
  std::string out;
  out.reserve(1024);
  AppendCustomerText(out, customer, /*with_integrations=*/true);
  return out;
}

std::string Core::WebhookContextText(const Ticket& ticket, const Message* message) const {
  std::string out;
  out.reserve(8192);
  JsonTextObject o(out);
  AppendTicketText(o.Key("ticket"), ticket, TicketView::kWebhook);
  if (message != nullptr) AppendMessageText(o.Key("message"), *message);
  o.Close();
  return out;
}

}  // namespace rh::mocks::gorgias::detail
