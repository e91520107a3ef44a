// The asynchronous sending of agents' messages. Creating queues; after the modelled delay the
// message is delivered (recorded in the outbox), fails visibly (failed_datetime,
// last_sending_error, ticket-message-failed), or is silently not delivered because its channel
// cannot reach the customer (channels.h) — silent to the client, explained to the harness.
// Deterministic: the delay jitter and failure draws come from the mock's Rng in a fixed order.
#include <algorithm>

#include "core.h"
#include "mocks/gorgias/channels.h"

namespace rh::mocks::gorgias::detail {

namespace {

bool HasChannelOfType(const Customer* c, const ChannelRule& rule, std::string* address = nullptr) {
  if (c == nullptr) return false;
  for (const CustomerChannel& ch : c->channels) {
    for (std::string_view type : rule.customer_channel_types) {
      if (!type.empty() && ch.type == type) {
        if (address != nullptr) *address = ch.address;
        return true;
      }
    }
  }
  return false;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::string AddressAt(const OrderedJson& source, std::string_view side) {
  const OrderedJson* v = Find(source, side);
  if (v == nullptr) return "";
  const OrderedJson* address = Find(*v, "address");
  return address != nullptr && address->is_string() ? address->get<std::string>() : "";
}

std::vector<std::string> ToAddresses(const OrderedJson& source) {
  std::vector<std::string> out;
  const OrderedJson* to = Find(source, "to");
  if (to == nullptr || !to->is_array()) return out;
  for (const OrderedJson& item : *to) {
    const OrderedJson* address = Find(item, "address");
    if (address != nullptr && address->is_string() && !address->get<std::string>().empty()) {
      out.push_back(address->get<std::string>());
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> Core::ReplyOptionChannels(const Ticket& ticket) const {
  std::vector<std::string> out;
  const auto customer_it = state.customers.find(ticket.customer_id);
  const Customer* customer = customer_it == state.customers.end() ? nullptr : &customer_it->second;
  const auto add = [&](std::string_view channel) {
    if (std::find(out.begin(), out.end(), channel) == out.end()) out.emplace_back(channel);
  };
  // The ticket's own channel, when anything can be sent on it.
  if (const ChannelRule* own = FindChannelRule(ticket.channel)) {
    if (own->route == ChannelRoute::kToAddress || own->route == ChannelRoute::kInThread ||
        (own->route == ChannelRoute::kCustomerChannel && HasChannelOfType(customer, *own))) {
      add(own->channel);
    }
  }
  // Every channel the customer's own channels open.
  for (const ChannelRule& rule : ChannelTable()) {
    if ((rule.route == ChannelRoute::kToAddress || rule.route == ChannelRoute::kCustomerChannel) &&
        HasChannelOfType(customer, rule)) {
      add(rule.channel);
    }
  }
  add("internal-note");
  return out;
}

std::optional<std::string> Core::WhyUndeliverable(const Message& m, const Ticket& ticket, std::string& to) const {
  const ChannelRule* rule = FindChannelRule(m.channel);
  if (rule == nullptr) return "unknown channel '" + m.channel + "'";
  if (rule->route == ChannelRoute::kNone) {
    return "channel '" + m.channel + "' has no route to a customer: nothing is ever sent on it";
  }
  if (rule->route == ChannelRoute::kInternal) return "internal notes are never sent";
  const std::vector<std::string> options = ReplyOptionChannels(ticket);
  if (std::find(options.begin(), options.end(), m.channel) == options.end()) {
    return "channel '" + m.channel + "' is not a reply option of ticket " + std::to_string(ticket.id) +
           " (reply options: " + Join(options) + ")";
  }
  const std::uint64_t customer_id = m.receiver.kind == Party::Kind::kCustomer ? m.receiver.id : ticket.customer_id;
  const auto customer_it = state.customers.find(customer_id);
  const Customer* customer = customer_it == state.customers.end() ? nullptr : &customer_it->second;

  switch (rule->route) {
    case ChannelRoute::kToAddress: {
      const std::vector<std::string> tos = ToAddresses(m.source);
      if (rule->address_kind == "email") {
        if (tos.empty()) return "email reply without source.to[].address: it has no recipient";
        if (AddressAt(m.source, "from").empty()) {
          return "email reply without source.from.address: it has no sending address";
        }
        for (const std::string& address : tos) {
          if (!LooksLikeEmail(address)) return "source.to address '" + address + "' is not an email address";
        }
        to = Join(tos);
        return std::nullopt;
      }
      std::string phone = tos.empty() ? "" : tos.front();
      if (phone.empty() && !HasChannelOfType(customer, *rule, &phone)) {
        return m.channel + " reply without a phone number: no source.to[].address and the customer has no " +
               std::string(rule->customer_channel_types[0]) + " channel";
      }
      if (!LooksLikePhone(phone)) return "'" + phone + "' is not a phone number, so the " + m.channel + " cannot go";
      to = phone;
      return std::nullopt;
    }
    case ChannelRoute::kCustomerChannel:
      if (!HasChannelOfType(customer, *rule, &to)) {
        return "the customer has no " + std::string(rule->customer_channel_types[0]) + " channel";
      }
      return std::nullopt;
    case ChannelRoute::kInThread:
      to = "the " + m.channel + " thread of ticket " + std::to_string(ticket.id);
      return std::nullopt;
    case ChannelRoute::kInternal:
    case ChannelRoute::kNone:
      break;
  }
  return "channel '" + m.channel + "' cannot be sent";
}

void Core::QueueSend(Ctx& ctx, const Message& m) {
  sim::Duration delay = config.sending.delay;
  if (config.sending.jitter.count() > 0) delay += sim::Duration(rng.UniformInt(0, config.sending.jitter.count()));
  CustomerDelivery record;
  record.message_id = m.id;
  record.ticket_id = m.ticket_id;
  record.channel = m.channel;
  record.subject = m.subject;
  record.body_text = m.body_text.value_or("");
  record.created = m.created;
  record.fate = DeliveryFate::kQueued;
  delivery_by_message[m.id] = deliveries.size();
  deliveries.push_back(std::move(record));

  PendingSend pending{m.id, ctx.now.monotonic + delay, std::nullopt};
  if (executor != nullptr) {
    // Scheduled on the executor's own clock: the transport's `now` may come from another clock
    // (the live server's runtime), whose monotonic origin differs.
    const std::uint64_t id = m.id;
    pending.timer = executor->ScheduleAt(executor->clock().Now() + delay, [this, id] {
      std::lock_guard lock(mu);
      RunSend(id, executor->clock().MomentNow());
    });
  }
  pending_sends.push_back(pending);
}

void Core::RunSend(std::uint64_t message_id, sim::Moment now) {
  const auto pending = std::find_if(pending_sends.begin(), pending_sends.end(),
                                    [&](const PendingSend& p) { return p.message_id == message_id; });
  if (pending == pending_sends.end()) return;  // already run, or the message was deleted
  pending_sends.erase(pending);
  const auto mit = state.messages.find(message_id);
  if (mit == state.messages.end()) return;
  Message& m = mit->second;
  Ticket& ticket = state.tickets.at(m.ticket_id);
  CustomerDelivery& record = deliveries[delivery_by_message.at(message_id)];

  std::string to;
  const std::optional<std::string> why = WhyUndeliverable(m, ticket, to);
  // The failure draw happens for every send, so whether one message fails never shifts the
  // draws of the next.
  const bool drawn_failure = rng.Bernoulli(config.sending.failure_rate);
  record.to = to;
  const std::string from = AddressAt(m.source, "from");
  record.from = !from.empty() ? from
                : (m.channel == "sms" || m.channel == "whatsapp") ? state.account.support_phone
                                                                  : state.account.support_email;
  record.subject = m.subject;
  record.body_text = m.body_text.value_or("");
  record.decided = now.wall;

  if (why) {
    record.fate = DeliveryFate::kNotDelivered;
    record.reason = *why;
    if (config.sending.silent_drop == SilentDrop::kMarkedSent) m.sent = now.wall;
    return;
  }
  bool fail = drawn_failure;
  std::string error = config.sending.failure_error;
  if (forced_failures > 0) {
    --forced_failures;
    fail = true;
    error = forced_failure_error;
  }
  if (fail) {
    m.failed = now.wall;
    m.last_sending_error = error;
    record.fate = DeliveryFate::kFailed;
    record.reason = error;
    Ctx ctx{NoRequest(), now, std::nullopt, {}, nullptr, {}};
    AddEvent(ctx, "ticket-message-failed", "TicketMessage", m.id, {{"ticket_id", ticket.id}});
    Fire("ticket-message-failed", ticket, &m, now.wall);
    return;
  }
  m.sent = now.wall;
  if (m.channel == "email" && !m.message_id) {
    m.message_id = "<" + Uuid4(rng) + "@" + state.account.domain + ".gorgias.email>";
  }
  record.fate = DeliveryFate::kDelivered;
}

void Core::RunDueSendsLocked(sim::Moment now) {
  std::vector<std::uint64_t> due;
  for (const PendingSend& p : pending_sends) {
    if (p.due <= now.monotonic) due.push_back(p.message_id);
  }
  for (std::uint64_t id : due) {
    for (const PendingSend& p : pending_sends) {
      if (p.message_id == id && p.timer && executor != nullptr) executor->Cancel(*p.timer);
    }
    RunSend(id, now);
  }
}

void Core::RecordIgnoredReplies(const Ticket& ticket, const OrderedJson& messages, sim::WallTime now) {
  const auto record_one = [&](const OrderedJson& item) {
    CustomerDelivery record;
    record.ticket_id = ticket.id;
    if (const OrderedJson* ch = Find(item, "channel"); ch != nullptr && ch->is_string()) {
      record.channel = ch->get<std::string>();
    }
    if (const OrderedJson* body = Find(item, "body_text"); body != nullptr && body->is_string()) {
      record.body_text = body->get<std::string>();
    }
    record.fate = DeliveryFate::kNotDelivered;
    record.reason = "\"messages\" in PUT /api/tickets/" + std::to_string(ticket.id) +
                    " were ignored: a reply is only POST /api/tickets/" + std::to_string(ticket.id) + "/messages";
    record.created = now;
    record.decided = now;
    deliveries.push_back(std::move(record));
  };
  if (messages.is_array()) {
    for (const OrderedJson& item : messages) record_one(item);
  } else {
    record_one(messages);
  }
}

}  // namespace rh::mocks::gorgias::detail
