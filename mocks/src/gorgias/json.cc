// The JSON shapes of the Gorgias API objects, in the field order of Gorgias's own payloads
// (ordered JSON, so a response prints the same on every run). Datetimes have microseconds and
// "+00:00"; every "uri" ends with '/'.
#include "core.h"

namespace rh::mocks::gorgias::detail {

OrderedJson Core::UserJson(const User& user) const {
  return {{"id", user.id},
          {"email", user.email},
          {"firstname", user.firstname},
          {"lastname", user.lastname},
          {"name", FullName(user.firstname, user.lastname)},
          {"active", user.active},
          {"bio", nullptr},
          {"country", nullptr},
          {"language", "en"},
          {"timezone", "UTC"},
          {"role", {{"name", user.role}}},
          {"meta", nullptr},
          {"created_datetime", Datetime(user.created)},
          {"deactivated_datetime", nullptr}};
}

OrderedJson Core::UserSummaryJson(const User& user) const {
  return {{"id", user.id},
          {"email", user.email},
          {"firstname", user.firstname},
          {"lastname", user.lastname},
          {"name", FullName(user.firstname, user.lastname)},
          {"bio", nullptr},
          {"meta", nullptr}};
}

OrderedJson Core::PartyJson(const Party& party) const {
  if (party.kind == Party::Kind::kUser) {
    const auto it = state.users.find(party.id);
    if (it != state.users.end()) return UserSummaryJson(it->second);
    return {{"id", party.id}};
  }
  if (party.kind == Party::Kind::kCustomer) {
    const auto it = state.customers.find(party.id);
    if (it == state.customers.end()) return {{"id", party.id}};
    const Customer& c = it->second;
    return {{"id", c.id},
            {"email", OptString(c.email)},
            {"name", c.name},
            {"firstname", c.firstname},
            {"lastname", c.lastname},
            {"meta", c.meta}};
  }
  return nullptr;
}

OrderedJson Core::ChannelJson(const CustomerChannel& channel) const {
  return {{"id", channel.id},
          {"type", channel.type},
          {"address", channel.address},
          {"preferred", channel.preferred},
          {"created_datetime", Datetime(channel.created)},
          {"updated_datetime", Datetime(channel.updated)},
          {"deleted_datetime", nullptr}};
}

OrderedJson Core::CustomerJsonOf(const Customer& c, bool with_integrations) const {
  OrderedJson channels = OrderedJson::array();
  for (const CustomerChannel& ch : c.channels) channels.push_back(ChannelJson(ch));
  OrderedJson out = {{"id", c.id},
                     {"external_id", OptString(c.external_id)},
                     {"active", c.active},
                     {"email", OptString(c.email)},
                     {"name", c.name},
                     {"firstname", c.firstname},
                     {"lastname", c.lastname},
                     {"language", OptString(c.language)},
                     {"timezone", c.timezone},
                     {"note", OptString(c.note)},
                     {"channels", std::move(channels)},
                     {"meta", c.meta}};
  if (with_integrations) {
    out["data"] = c.data;
    out["integrations"] = c.integrations;
  }
  out["created_datetime"] = Datetime(c.created);
  out["updated_datetime"] = Datetime(c.updated);
  return out;
}

OrderedJson Core::MessageJson(const Message& m) const {
  OrderedJson error = nullptr;
  if (m.last_sending_error) error = {{"error", *m.last_sending_error}};
  return {{"id", m.id},
          {"uri", "/api/tickets/" + std::to_string(m.ticket_id) + "/messages/" + std::to_string(m.id) + "/"},
          {"message_id", OptString(m.message_id)},
          {"ticket_id", m.ticket_id},
          {"external_id", OptString(m.external_id)},
          {"public", m.is_public},
          {"channel", m.channel},
          {"via", m.via},
          {"source", m.source},
          {"sender", PartyJson(m.sender)},
          {"receiver", PartyJson(m.receiver)},
          {"integration_id", OptId(m.integration_id)},
          {"rule_id", nullptr},
          {"from_agent", m.from_agent},
          {"subject", OptString(m.subject)},
          {"body_text", OptString(m.body_text)},
          {"body_html", OptString(m.body_html)},
          {"stripped_text", OptString(m.body_text)},
          {"stripped_html", OptString(m.body_html)},
          {"stripped_signature", nullptr},
          {"attachments", m.attachments},
          {"headers", m.headers},
          {"meta", m.meta},
          {"actions", m.actions},
          {"macros", m.macros},
          {"mention_ids", m.mention_ids},
          {"created_datetime", Datetime(m.created)},
          {"sent_datetime", Datetime(m.sent)},
          {"opened_datetime", Datetime(m.opened)},
          {"failed_datetime", Datetime(m.failed)},
          {"last_sending_error", std::move(error)},
          {"is_retriable", m.failed.has_value()}};
}

OrderedJson Core::ReplyOptionsJson(const Ticket& ticket) const {
  OrderedJson out = OrderedJson::object();
  for (const std::string& channel : ReplyOptionChannels(ticket)) out[channel] = {{"answerable", true}};
  return out;
}

OrderedJson Core::TicketJsonOf(const Ticket& t, TicketView view) const {
  const auto customer = state.customers.find(t.customer_id);
  OrderedJson customer_json = nullptr;
  if (customer != state.customers.end()) {
    customer_json = CustomerJsonOf(customer->second, view == TicketView::kWebhook);
  }
  OrderedJson assignee = nullptr;
  if (t.assignee_user_id) {
    const auto user = state.users.find(*t.assignee_user_id);
    if (user != state.users.end()) assignee = UserSummaryJson(user->second);
  }
  OrderedJson tags = OrderedJson::array();
  for (std::uint64_t id : t.tag_ids) {
    const auto tag = state.tags.find(id);
    if (tag == state.tags.end()) continue;
    tags.push_back({{"id", tag->second.id},
                    {"name", tag->second.name},
                    {"uri", "/api/tags/" + std::to_string(tag->second.id) + "/"},
                    {"decoration", tag->second.decoration}});
  }
  OrderedJson out = {{"id", t.id},
                     {"uri", "/api/tickets/" + std::to_string(t.id) + "/"},
                     {"external_id", OptString(t.external_id)},
                     {"language", OptString(t.language)},
                     {"status", t.status},
                     {"priority", t.priority},
                     {"channel", t.channel},
                     {"via", t.via},
                     {"from_agent", t.from_agent},
                     {"spam", t.spam},
                     {"customer", std::move(customer_json)},
                     {"assignee_user", std::move(assignee)},
                     {"assignee_user_id", OptId(t.assignee_user_id)},
                     {"assignee_team", nullptr},
                     {"assignee_team_id", OptId(t.assignee_team_id)},
                     {"subject", OptString(t.subject)},
                     {"meta", t.meta},
                     {"tags", std::move(tags)},
                     {"custom_fields", t.custom_fields},
                     {"is_unread", t.is_unread}};
  std::size_t count = 0;
  OrderedJson messages = OrderedJson::array();
  const Message* first = nullptr;
  const Message* last = nullptr;
  for (std::uint64_t id : t.message_ids) {
    const auto m = state.messages.find(id);
    if (m == state.messages.end()) continue;
    // A ticket that listed another ticket's message would show the customer's words on the wrong
    // conversation, and every reader (the pipeline, the oracles) would believe it.
    RH_CHECK(m->second.ticket_id == t.id, "a ticket lists a message of another ticket");
    ++count;
    if (first == nullptr) first = &m->second;
    last = &m->second;
    if (view != TicketView::kListItem) messages.push_back(MessageJson(m->second));
  }
  if (view != TicketView::kListItem) out["messages"] = std::move(messages);
  out["messages_count"] = count;
  out["reply_options"] = ReplyOptionsJson(t);
  out["created_datetime"] = Datetime(t.created);
  out["opened_datetime"] = Datetime(t.opened);
  out["last_received_message_datetime"] = Datetime(t.last_received_message);
  out["last_message_datetime"] = Datetime(t.last_message);
  out["updated_datetime"] = Datetime(t.updated);
  out["closed_datetime"] = Datetime(t.closed);
  out["snooze_datetime"] = Datetime(t.snooze);
  out["trashed_datetime"] = Datetime(t.trashed);
  if (view == TicketView::kWebhook) {
    out["customer_id"] = t.customer_id;
    out["first_message"] = first != nullptr ? MessageJson(*first) : OrderedJson(nullptr);
    out["last_message"] = last != nullptr ? MessageJson(*last) : OrderedJson(nullptr);
    out["account"] = {{"domain", state.account.domain}};
  }
  return out;
}

OrderedJson Core::TagJson(const Tag& tag) const {
  std::size_t usage = 0;
  for (const auto& [id, t] : state.tickets) {
    usage += static_cast<std::size_t>(std::count(t.tag_ids.begin(), t.tag_ids.end(), tag.id));
  }
  return {{"id", tag.id},
          {"uri", "/api/tags/" + std::to_string(tag.id) + "/"},
          {"name", tag.name},
          {"description", OptString(tag.description)},
          {"decoration", tag.decoration},
          {"usage", usage},
          {"created_datetime", Datetime(tag.created)},
          {"deleted_datetime", nullptr}};
}

OrderedJson Core::MacroJson(const Macro& macro) const {
  return {{"id", macro.id},
          {"uri", "/api/macros/" + std::to_string(macro.id) + "/"},
          {"name", macro.name},
          {"intent", OptString(macro.intent)},
          {"language", OptString(macro.language)},
          {"actions", macro.actions},
          {"created_datetime", Datetime(macro.created)},
          {"updated_datetime", Datetime(macro.updated)},
          {"archived_datetime", Datetime(macro.archived)}};
}

OrderedJson Core::EventJson(const Event& e) const {
  return {{"id", e.id},
          {"uri", "/api/events/" + std::to_string(e.id) + "/"},
          {"context", e.context},
          {"created_datetime", Datetime(e.created)},
          {"data", e.data},
          {"object_id", e.object_id},
          {"object_type", e.object_type},
          {"type", e.type},
          {"user_id", OptId(e.user_id)}};
}

OrderedJson Core::IntegrationJson(const Integration& i) const {
  return {{"id", i.id},
          {"uri", "/api/integrations/" + std::to_string(i.id) + "/"},
          {"type", i.type},
          {"name", i.name},
          {"description", OptString(i.description)},
          {"http", i.type == "http" ? i.http : OrderedJson(nullptr)},
          {"meta", i.meta},
          {"created_datetime", Datetime(i.created)},
          {"updated_datetime", Datetime(i.updated)},
          {"deactivated_datetime", Datetime(i.deactivated)},
          {"deleted_datetime", nullptr}};
}

OrderedJson Core::AccountJson() const {
  return {{"domain", state.account.domain},
          {"created_datetime", Datetime(state.account.created)},
          {"status", {{"status", "active"}}},
          {"settings", OrderedJson::array()}};
}

}  // namespace rh::mocks::gorgias::detail
