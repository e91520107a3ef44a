#include "pipeline/clients/gorgias_client.h"

#include <algorithm>

#include "json_read.h"
#include "sim/crypto.h"

namespace rh::pipeline::clients {
namespace {

using detail::Json;

constexpr std::string_view kCallLimitHeader = "X-Gorgias-Account-Api-Call-Limit";

bool LooksLikeEmail(std::string_view a) {
  const auto at = a.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < a.size() && a.find(' ') == std::string_view::npos;
}

bool LooksLikePhone(std::string_view a) {
  int digits = 0;
  for (char c : a) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c != '+' && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 7;
}

GorgiasParty ParseParty(const Json& j) {
  GorgiasParty p;
  if (!j.is_object()) return p;
  p.id = detail::U64(j, "id");
  p.email = detail::Str(j, "email");
  p.name = detail::Str(j, "name");
  return p;
}

GorgiasAddress ParseAddress(const Json& j) { return {detail::Str(j, "address"), detail::Str(j, "name")}; }

GorgiasMessage ParseMessage(const Json& m) {
  GorgiasMessage out;
  out.id = detail::U64(m, "id");
  out.ticket_id = detail::U64(m, "ticket_id");
  out.channel = detail::Str(m, "channel");
  out.via = detail::Str(m, "via");
  out.from_agent = detail::Bool(m, "from_agent", false);
  out.is_public = detail::Bool(m, "public", true);
  if (const Json* s = detail::Member(m, "sender")) out.sender = ParseParty(*s);
  if (const Json* r = detail::Member(m, "receiver")) out.receiver = ParseParty(*r);
  if (const Json* source = detail::Object(m, "source")) {
    out.source.type = detail::Str(*source, "type");
    if (const Json* from = detail::Object(*source, "from")) out.source.from = ParseAddress(*from);
    if (const Json* to = detail::Array(*source, "to")) {
      for (const Json& a : *to) out.source.to.push_back(ParseAddress(a));
    }
  }
  out.subject = detail::Str(m, "subject");
  out.body_text = detail::Str(m, "body_text");
  out.external_id = detail::Str(m, "external_id");
  out.created = detail::Time(m, "created_datetime");
  out.sent = detail::Time(m, "sent_datetime");
  out.failed = detail::Time(m, "failed_datetime");
  if (const Json* e = detail::Object(m, "last_sending_error")) out.last_sending_error = detail::Str(*e, "error");
  return out;
}

std::vector<GorgiasShopifyData> ParseShopifyData(const Json& integrations) {
  std::vector<GorgiasShopifyData> out;
  if (!integrations.is_object()) return out;
  for (const auto& [key, data] : integrations.items()) {  // keys in order: deterministic
    if (detail::Str(data, "__integration_type__") != "shopify") continue;
    GorgiasShopifyData d;
    d.integration_id = key;
    if (const Json* c = detail::Object(data, "customer")) {
      d.shopify_customer_id = detail::OptU64(*c, "id");
      d.orders_count = detail::I64(*c, "orders_count");
    }
    if (const Json* orders = detail::Array(data, "orders")) {
      for (const Json& o : *orders) {
        GorgiasShopifyOrder order;
        order.id = detail::U64(o, "id");
        order.name = detail::Str(o, "name");
        order.created_at = detail::Time(o, "created_at");
        order.financial_status = detail::Str(o, "financial_status");
        order.fulfillment_status = detail::Str(o, "fulfillment_status");
        if (const Json* lines = detail::Array(o, "line_items")) {
          for (const Json& l : *lines) {
            std::string title = detail::Str(l, "title");
            if (title.empty()) title = detail::Str(l, "name");
            order.line_items.push_back({detail::Str(l, "sku"), std::move(title), detail::Int(l, "quantity")});
          }
        }
        d.orders.push_back(std::move(order));
      }
    }
    out.push_back(std::move(d));
  }
  return out;
}

GorgiasCustomer ParseCustomer(const Json& c) {
  GorgiasCustomer out;
  if (!c.is_object()) return out;
  out.id = detail::U64(c, "id");
  out.email = detail::Str(c, "email");
  out.name = detail::Str(c, "name");
  out.firstname = detail::Str(c, "firstname");
  out.lastname = detail::Str(c, "lastname");
  if (const Json* channels = detail::Array(c, "channels")) {
    for (const Json& ch : *channels) {
      out.channels.push_back({detail::Str(ch, "type"), detail::Str(ch, "address"), detail::Bool(ch, "preferred", false)});
    }
  }
  if (const Json* integrations = detail::Member(c, "integrations")) {
    out.integrations = *integrations;
    out.shopify = ParseShopifyData(*integrations);
  }
  return out;
}

GorgiasTicket ParseTicket(const Json& t) {
  GorgiasTicket out;
  out.id = detail::U64(t, "id");
  out.status = detail::Str(t, "status");
  out.priority = detail::Str(t, "priority");
  out.channel = detail::Str(t, "channel");
  out.via = detail::Str(t, "via");
  out.subject = detail::Str(t, "subject");
  if (const Json* c = detail::Object(t, "customer")) out.customer = ParseCustomer(*c);
  out.assignee_user_id = detail::OptU64(t, "assignee_user_id");
  if (!out.assignee_user_id) {
    if (const Json* a = detail::Object(t, "assignee_user")) out.assignee_user_id = detail::OptU64(*a, "id");
  }
  if (const Json* tags = detail::Array(t, "tags")) {
    for (const Json& tag : *tags) out.tags.push_back(detail::Str(tag, "name"));
  }
  if (const Json* messages = detail::Array(t, "messages")) {
    for (const Json& m : *messages) out.messages.push_back(ParseMessage(m));
  }
  if (const Json* options = detail::Object(t, "reply_options")) {
    for (const auto& [channel, option] : options->items()) {
      if (detail::Bool(option, "answerable", true)) out.reply_options.push_back(channel);
    }
  }
  out.created = detail::Time(t, "created_datetime");
  out.updated = detail::Time(t, "updated_datetime");
  return out;
}

GorgiasUser ParseUser(const Json& u) {
  GorgiasUser out;
  out.id = detail::U64(u, "id");
  out.email = detail::Str(u, "email");
  out.name = detail::Str(u, "name");
  if (const Json* role = detail::Object(u, "role")) {
    out.role = detail::Str(*role, "name");
  } else {
    out.role = detail::Str(u, "role");
  }
  out.active = detail::Bool(u, "active", true);
  return out;
}

// The customer's newest message on `channel` (what a reply answers), or nullptr.
const GorgiasMessage* LastIncoming(const GorgiasTicket& ticket, std::string_view channel) {
  for (auto it = ticket.messages.rbegin(); it != ticket.messages.rend(); ++it) {
    if (!it->from_agent && it->channel == channel) return &*it;
  }
  return nullptr;
}

const GorgiasChannel* CustomerChannel(const GorgiasCustomer& c, std::initializer_list<std::string_view> types) {
  for (std::string_view type : types) {
    for (const GorgiasChannel& ch : c.channels) {
      if (ch.type == type && !ch.address.empty()) return &ch;
    }
  }
  return nullptr;
}

enum class Route { kEmail, kPhone, kCustomerChannel, kThread, kEmailInstead, kNone };

struct ChannelKind {
  std::string_view channel;
  Route route;
  std::string_view customer_channel;  // kCustomerChannel: the customer's channel type needed
};

// How each Gorgias channel is answered (see the header comment of gorgias_client.h).
constexpr ChannelKind kChannels[] = {
    {"email", Route::kEmail, ""},
    {"sms", Route::kPhone, ""},
    {"whatsapp", Route::kPhone, ""},
    {"chat", Route::kCustomerChannel, "chat"},
    {"facebook-messenger", Route::kCustomerChannel, "facebook"},
    {"instagram-direct-message", Route::kCustomerChannel, "instagram"},
    {"twitter-direct-message", Route::kCustomerChannel, "twitter"},
    {"facebook", Route::kThread, ""},
    {"facebook-mention", Route::kThread, ""},
    {"facebook-recommendations", Route::kThread, ""},
    {"instagram-comment", Route::kThread, ""},
    {"instagram-ad-comment", Route::kThread, ""},
    {"instagram-mention", Route::kThread, ""},
    {"twitter", Route::kThread, ""},
    {"yotpo-review", Route::kThread, ""},
    // Forms and the help center are answered by e-mail; so are tickets made through the API.
    {"contact_form", Route::kEmailInstead, ""},
    {"help-center", Route::kEmailInstead, ""},
    {"api", Route::kEmailInstead, ""},
};

Route RouteOf(std::string_view channel, std::string_view* customer_channel) {
  for (const ChannelKind& k : kChannels) {
    if (k.channel == channel) {
      *customer_channel = k.customer_channel;
      return k.route;
    }
  }
  return Route::kNone;  // phone, aircall, internal-note, and anything unknown
}

sim::Expected<ReplyRoute, std::string> EmailRoute(const GorgiasTicket& ticket, const std::string& support_email,
                                                  const std::string& support_name) {
  ReplyRoute route;
  route.channel = "email";
  route.source.type = "email";
  // Reply from the address the customer wrote to, to the address they wrote from.
  if (const GorgiasMessage* in = LastIncoming(ticket, "email")) {
    if (!in->source.to.empty() && LooksLikeEmail(in->source.to.front().address)) route.source.from = in->source.to.front();
    if (LooksLikeEmail(in->source.from.address)) route.source.to.push_back(in->source.from);
  }
  if (route.source.from.address.empty()) route.source.from = {support_email, support_name};
  if (route.source.from.name.empty()) route.source.from.name = support_name;
  if (route.source.to.empty()) {
    std::string to = ticket.customer.email;
    if (!LooksLikeEmail(to)) {
      if (const GorgiasChannel* ch = CustomerChannel(ticket.customer, {"email"})) to = ch->address;
    }
    if (LooksLikeEmail(to)) route.source.to.push_back({to, ticket.customer.name});
  }
  if (!LooksLikeEmail(route.source.from.address)) {
    return sim::MakeUnexpected(std::string("no support address to send the e-mail from (set GorgiasConfig::support_email)"));
  }
  if (route.source.to.empty()) return sim::MakeUnexpected(std::string("the customer has no e-mail address"));
  route.subject = ticket.subject;
  if (!route.subject.empty() && route.subject.rfind("Re:", 0) != 0) route.subject = "Re: " + route.subject;
  return route;
}

bool Offered(const GorgiasTicket& ticket, std::string_view channel) {
  // No reply_options at all: the ticket did not say, so do not second-guess the channel.
  return ticket.reply_options.empty() ||
         std::find(ticket.reply_options.begin(), ticket.reply_options.end(), channel) != ticket.reply_options.end();
}

}  // namespace

sim::Expected<ReplyRoute, std::string> ChooseReplyRoute(const GorgiasTicket& ticket, const std::string& support_email,
                                                        const std::string& support_name) {
  std::string_view customer_channel;
  const Route route = RouteOf(ticket.channel, &customer_channel);
  const std::string channel = ticket.channel;
  if (route == Route::kNone) {
    return sim::MakeUnexpected("a " + channel + " ticket has no written route to the customer");
  }
  if (route == Route::kEmailInstead) {
    if (!Offered(ticket, "email")) {
      return sim::MakeUnexpected("a " + channel + " ticket is answered by e-mail, which the ticket does not offer");
    }
    return EmailRoute(ticket, support_email, support_name);
  }
  if (!Offered(ticket, channel)) {
    return sim::MakeUnexpected("the ticket's channel " + channel + " is not among its reply options");
  }
  if (route == Route::kEmail) return EmailRoute(ticket, support_email, support_name);

  ReplyRoute out;
  out.channel = channel;
  const GorgiasMessage* in = LastIncoming(ticket, channel);
  out.source.type = in != nullptr && !in->source.type.empty() ? in->source.type
                    : channel == "whatsapp"                   ? "whatsapp-message"
                                                              : channel;
  if (in != nullptr && !in->source.to.empty()) out.source.from = in->source.to.front();
  switch (route) {
    case Route::kPhone: {
      // The number the customer wrote from, else their phone channel.
      std::string phone = in != nullptr && LooksLikePhone(in->source.from.address) ? in->source.from.address : "";
      if (phone.empty()) {
        const GorgiasChannel* ch = channel == "whatsapp" ? CustomerChannel(ticket.customer, {"whatsapp"})
                                                         : CustomerChannel(ticket.customer, {"phone", "sms"});
        if (ch != nullptr && LooksLikePhone(ch->address)) phone = ch->address;
      }
      if (phone.empty()) return sim::MakeUnexpected("no phone number to send the " + channel + " to");
      out.source.to.push_back({phone, ticket.customer.name});
      return out;
    }
    case Route::kCustomerChannel: {
      const GorgiasChannel* ch = CustomerChannel(ticket.customer, {customer_channel});
      if (ch == nullptr) {
        return sim::MakeUnexpected("the customer has no " + std::string(customer_channel) + " channel to answer the " +
                                   channel + " on");
      }
      out.source.to.push_back({ch->address, ticket.customer.name});
      return out;
    }
    case Route::kThread:
      // A public thread is answered where it is; the reply goes to its author.
      if (in != nullptr && !in->source.from.address.empty()) out.source.to.push_back(in->source.from);
      return out;
    default:
      break;
  }
  return sim::MakeUnexpected("no route for channel " + channel);
}

GorgiasClient::GorgiasClient(GorgiasConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                             sim::Trace* trace)
    : config_(std::move(config)),
      authorization_("Basic " + sim::Base64Encode(config_.email + ":" + config_.api_key)),
      caller_(http, executor, rng, trace, "gorgias", config_.retry,
              [keep_free = config_.keep_free, window = config_.bucket_drain_window](const sim::Response& response,
                                                                            std::int64_t in_flight) {
                // 40 calls drain in 20 s (Enterprise: 10 s; the longer window is the safe guess).
                return LeakyBucketPause(response.headers, kCallLimitHeader, window, keep_free, in_flight);
              }) {}

sim::Request GorgiasClient::Make(sim::Method method, std::string path_and_query, std::string body) const {
  sim::Request r;
  r.method = method;
  r.target = std::move(path_and_query);
  r.headers.Set("Host", config_.host);
  r.headers.Set("Authorization", authorization_);
  r.headers.Set("Accept", "application/json");
  if (!body.empty()) {
    r.headers.Set("Content-Type", "application/json");
    r.body = std::move(body);
  }
  return r;
}

CallOptions GorgiasClient::Options(std::string operation, bool idempotent) const {
  // The bucket is the account's (every API key of it shares one): the host names the account.
  return CallOptions{std::move(operation), config_.host, "api-key", idempotent};
}

sim::Task<CallResult<GorgiasTicket>> GorgiasClient::GetTicket(std::uint64_t ticket_id) {
  sim::Request request = Make(sim::Method::kGet, "/api/tickets/" + std::to_string(ticket_id));
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.get_ticket"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  std::optional<Json> doc = detail::ParseJson(response->body);
  if (!doc || !doc->is_object() || !detail::OptU64(*doc, "id")) {
    co_return sim::MakeUnexpected(detail::Malformed("the ticket is not a JSON object with an id"));
  }
  co_return ParseTicket(*doc);
}

sim::Task<CallResult<GorgiasCustomer>> GorgiasClient::GetCustomer(std::uint64_t customer_id) {
  sim::Request request = Make(sim::Method::kGet, "/api/customers/" + std::to_string(customer_id));
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.get_customer"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  std::optional<Json> doc = detail::ParseJson(response->body);
  if (!doc || !doc->is_object() || !detail::OptU64(*doc, "id")) {
    co_return sim::MakeUnexpected(detail::Malformed("the customer is not a JSON object with an id"));
  }
  co_return ParseCustomer(*doc);
}

sim::Task<CallResult<bool>> GorgiasClient::AddTags(std::uint64_t ticket_id, std::vector<std::string> names) {
  const Json body = {{"names", names}};
  sim::Request request = Make(sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/tags", body.dump());
  // Adding a tag twice leaves one: safe to repeat.
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.add_tags"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  co_return true;
}

sim::Task<CallResult<std::optional<GorgiasMessage>>> GorgiasClient::FindByExternalId(std::uint64_t ticket_id,
                                                                                     std::string external_id) {
  // The newest messages of the ticket: a message we may have created is among them.
  sim::Request request = Make(sim::Method::kGet, "/api/messages?ticket_id=" + std::to_string(ticket_id) +
                                                     "&order_by=created_datetime:desc&limit=100");
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.find_message"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  std::optional<Json> doc = detail::ParseJson(response->body);
  const Json* data = doc ? detail::Array(*doc, "data") : nullptr;
  if (data == nullptr) co_return sim::MakeUnexpected(detail::Malformed("the message list has no \"data\""));
  for (const Json& m : *data) {
    if (detail::Str(m, "external_id") == external_id) co_return std::optional<GorgiasMessage>(ParseMessage(m));
  }
  co_return std::optional<GorgiasMessage>();
}

sim::Task<CallResult<GorgiasMessage>> GorgiasClient::CreateMessage(std::uint64_t ticket_id, std::string body,
                                                                   std::string external_id, std::string operation) {
  // Creating a message is not idempotent. When an attempt may have gone through, look for its
  // external_id before sending again: a reply is never doubled. Two rounds at most.
  CallError last;
  for (int round = 0; round < 2; ++round) {
    sim::Request request =
        Make(sim::Method::kPost, "/api/tickets/" + std::to_string(ticket_id) + "/messages", body);
    sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options(operation, false));
    CallResult<sim::Response> response = co_await std::move(calling);
    if (response) {
      std::optional<Json> doc = detail::ParseJson(response->body);
      if (!doc || !doc->is_object() || !detail::OptU64(*doc, "id")) {
        co_return sim::MakeUnexpected(detail::Malformed("the created message is not a JSON object with an id",
                                                        response->status));
      }
      co_return ParseMessage(*doc);
    }
    last = response.error();
    if (!last.maybe_applied || external_id.empty()) break;
    sim::Task<CallResult<std::optional<GorgiasMessage>>> looking = FindByExternalId(ticket_id, external_id);
    CallResult<std::optional<GorgiasMessage>> found = co_await std::move(looking);
    if (!found) break;  // cannot tell: report the send's error, still maybe_applied
    caller_.Note("client.reconciled", {{"service", caller_.service()},
                                       {"op", operation},
                                       {"external_id", external_id},
                                       {"found", found->has_value()}});
    if (found->has_value()) co_return std::move(**found);
    // Not there: the failed attempt did nothing, so sending again is safe.
  }
  co_return sim::MakeUnexpected(last);
}

sim::Task<CallResult<GorgiasMessage>> GorgiasClient::PostInternalNote(std::uint64_t ticket_id, GorgiasNote note) {
  Json body = {{"channel", "internal-note"},
               {"via", "api"},
               {"from_agent", true},
               {"public", false},
               {"body_text", note.body_text}};
  // Without a sender the message is the API user's own.
  if (note.sender_user_id != 0) body["sender"] = {{"id", note.sender_user_id}};
  if (!note.body_html.empty()) body["body_html"] = note.body_html;
  if (!note.external_id.empty()) body["external_id"] = note.external_id;
  sim::Task<CallResult<GorgiasMessage>> creating =
      CreateMessage(ticket_id, body.dump(), note.external_id, "gorgias.post_note");
  co_return co_await std::move(creating);
}

sim::Task<CallResult<GorgiasMessage>> GorgiasClient::PostReply(GorgiasTicket ticket, GorgiasReply reply) {
  const sim::Expected<ReplyRoute, std::string> route =
      ChooseReplyRoute(ticket, config_.support_email, config_.support_name);
  if (!route) {
    CallError e;
    e.kind = CallErrorKind::kUndeliverable;
    e.detail = route.error();
    co_return sim::MakeUnexpected(e);
  }
  Json source = {{"type", route->source.type}};
  if (!route->source.from.address.empty()) {
    source["from"] = {{"address", route->source.from.address}, {"name", route->source.from.name}};
  }
  Json to = Json::array();
  for (const GorgiasAddress& a : route->source.to) to.push_back({{"address", a.address}, {"name", a.name}});
  source["to"] = to;
  Json body = {{"channel", route->channel},
               {"via", "api"},
               {"from_agent", true},
               {"public", true},
               {"receiver", {{"id", ticket.customer.id}}},
               {"source", source},
               {"body_text", reply.body_text}};
  if (reply.sender_user_id != 0) body["sender"] = {{"id", reply.sender_user_id}};
  if (!route->subject.empty()) body["subject"] = route->subject;
  if (!reply.body_html.empty()) body["body_html"] = reply.body_html;
  if (!reply.external_id.empty()) body["external_id"] = reply.external_id;
  sim::Task<CallResult<GorgiasMessage>> creating =
      CreateMessage(ticket.id, body.dump(), reply.external_id, "gorgias.post_reply");
  co_return co_await std::move(creating);
}

sim::Task<CallResult<GorgiasTicket>> GorgiasClient::UpdateTicket(std::uint64_t ticket_id, GorgiasTicketUpdate update) {
  Json body = Json::object();
  if (update.unassign) {
    body["assignee_user"] = {{"id", nullptr}};
  } else if (update.assignee_user_id) {
    body["assignee_user"] = {{"id", *update.assignee_user_id}};
  }
  if (update.priority) body["priority"] = *update.priority;
  if (update.status) body["status"] = *update.status;
  sim::Request request = Make(sim::Method::kPut, "/api/tickets/" + std::to_string(ticket_id), body.dump());
  sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.update_ticket"));
  CallResult<sim::Response> response = co_await std::move(calling);
  if (!response) co_return sim::MakeUnexpected(response.error());
  std::optional<Json> doc = detail::ParseJson(response->body);
  if (!doc || !doc->is_object() || !detail::OptU64(*doc, "id")) {
    co_return sim::MakeUnexpected(detail::Malformed("the updated ticket is not a JSON object with an id"));
  }
  co_return ParseTicket(*doc);
}

sim::Task<CallResult<std::vector<GorgiasUser>>> GorgiasClient::ListUsers(std::optional<std::string> email) {
  std::vector<GorgiasUser> users;
  std::string cursor;
  for (int page = 0; page < config_.max_user_pages; ++page) {
    std::string target = "/api/users?limit=100";
    if (email) target += "&email=" + sim::PercentEncode(*email);
    if (!cursor.empty()) target += "&cursor=" + sim::PercentEncode(cursor);
    sim::Request request = Make(sim::Method::kGet, std::move(target));
    sim::Task<CallResult<sim::Response>> calling = caller_.Call(std::move(request), Options("gorgias.list_users"));
    CallResult<sim::Response> response = co_await std::move(calling);
    if (!response) co_return sim::MakeUnexpected(response.error());
    std::optional<Json> doc = detail::ParseJson(response->body);
    const Json* data = doc ? detail::Array(*doc, "data") : nullptr;
    if (data == nullptr) co_return sim::MakeUnexpected(detail::Malformed("the user list has no \"data\""));
    for (const Json& u : *data) users.push_back(ParseUser(u));
    const Json* meta = detail::Object(*doc, "meta");
    cursor = meta != nullptr ? detail::Str(*meta, "next_cursor") : "";
    if (cursor.empty()) break;
  }
  co_return users;
}

sim::Task<CallResult<std::optional<GorgiasUser>>> GorgiasClient::FindUserByEmail(std::string email) {
  sim::Task<CallResult<std::vector<GorgiasUser>>> listing = ListUsers(email);
  CallResult<std::vector<GorgiasUser>> users = co_await std::move(listing);
  if (!users) co_return sim::MakeUnexpected(users.error());
  for (const GorgiasUser& u : *users) {
    if (sim::EqualsIgnoreCase(u.email, email)) co_return std::optional<GorgiasUser>(u);
  }
  co_return std::optional<GorgiasUser>();
}

}  // namespace rh::pipeline::clients
