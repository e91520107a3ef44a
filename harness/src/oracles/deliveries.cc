// I6 (an unsigned or forged webhook changes nothing) and I7 (duplicate or reordered deliveries
// cause no double effect): signatures re-verified with the shop's secrets, effects counted in the
// services' own state (Gorgias messages and tag events, Klaviyo events, Shopify refunds).
#include <algorithm>

#include "run_facts.h"
#include "sim/crypto.h"

namespace rh::harness::oracles {
namespace {

bool Accepted(int status) { return status >= 200 && status <= 299; }

// The number of customer messages on the ticket up to `at`: replies and notes in one segment
// answer the same customer message.
std::size_t Segment(const TicketView& view, sim::WallTime at) {
  std::size_t n = 0;
  for (const auto* m : view.customer_messages) n += m->created <= at ? 1 : 0;
  return n;
}

// The intake's verdict, recorded as the service ran (just before the network's "handled").
void IntakeRecord(const RunFacts& facts, std::size_t handled, std::vector<std::size_t>& evidence) {
  const sim::Instant t = facts.trace[handled].time;
  for (std::size_t i = handled; i-- > 0 && facts.trace[i].time == t;) {
    if (facts.trace[i].source == "pipeline" && facts.trace[i].kind.rfind("intake.", 0) == 0) {
      evidence.push_back(i);
      return;
    }
  }
}

// What a refund gave back, in minor units.
std::int64_t Cents(const mocks::shopify::Refund& refund) {
  std::int64_t total = 0;
  for (const auto& t : refund.transactions) total += t.amount;
  return total;
}

}  // namespace

std::vector<Violation> CheckI6(const RunFacts& facts) {
  std::vector<Violation> out;
  SimWorld& world = facts.context.world;
  const WorldCredentials& creds = world.credentials();
  std::vector<std::string> gorgias_secrets = {creds.gorgias_webhook_secret};
  for (const auto& [id, integration] : facts.gorgias.integrations) {
    if (!integration.hmac_secret.empty()) gorgias_secrets.push_back(integration.hmac_secret);
  }
  std::map<std::string, std::vector<std::size_t>> attempts;  // delivery id -> webhook.attempt records
  for (const std::size_t i : facts.OfKind("webhook.attempt")) {
    attempts[RunFacts::Str(facts.trace[i], "delivery")].push_back(i);
  }

  // Deliveries of the mocks' senders, signatures checked again.
  for (mocks::WebhookEmitter* emitter : {&world.shopify_webhooks(), &world.gorgias_webhooks()}) {
    for (const mocks::DeliveryRecord& d : emitter->Deliveries()) {
      const sim::Request& request = d.webhook.request;
      if (request.Host() != kPipelineHost) continue;
      const std::string_view path = request.Path();
      bool valid = false;
      std::string why;
      if (path == "/webhooks/shopify") {
        const auto sig = request.headers.Get("X-Shopify-Hmac-Sha256");
        valid = sig && *sig == sim::Base64Encode(sim::HmacSha256(creds.shopify_api_secret, request.body));
        why = sig ? "a wrong signature" : "no signature";
      } else if (path == "/webhooks/gorgias") {
        const auto sig = request.headers.Get("X-Gorgias-Signature");
        for (const auto& secret : gorgias_secrets) {
          valid = valid || (sig && *sig == sim::HexEncode(sim::HmacSha256(secret, request.body)));
        }
        why = sig ? "a wrong signature" : "no signature";
      } else {
        continue;  // not a webhook route: refused whatever it carries
      }
      if (valid) continue;
      Violation v;
      int accepted_status = Accepted(d.last_status) ? d.last_status : 0;
      for (const std::size_t i : attempts[d.webhook.delivery_id]) {
        const int status = static_cast<int>(RunFacts::Int(facts.trace[i], "status").value_or(0));
        if (Accepted(status)) {
          accepted_status = status;
          v.evidence.push_back(i);
        }
      }
      if (accepted_status == 0) continue;
      v.message = "webhook " + d.webhook.topic + " (delivery " + d.webhook.delivery_id + ") with " + why +
                  " was accepted by the pipeline (" + std::to_string(accepted_status) + ")";
      out.push_back(std::move(v));
    }
  }
  // Anyone else who reached the pipeline's host holds no secret: whatever they sent is forged.
  for (const auto& [id, ex] : facts.exchanges) {
    if (ex.host != kPipelineHost || !ex.handled_index || !Accepted(ex.handled_status)) continue;
    if (std::find(std::begin(kWebhookSenderCallers), std::end(kWebhookSenderCallers), ex.caller) !=
        std::end(kWebhookSenderCallers)) {
      continue;
    }
    Violation v;
    v.message = "'" + ex.caller + "', who holds no signing secret, sent " + ex.method + " " + ex.target +
                " to the pipeline at " + facts.When(ex.sent) + " and it was accepted (" +
                std::to_string(ex.handled_status) + ")";
    v.evidence.push_back(ex.request_index);
    IntakeRecord(facts, *ex.handled_index, v.evidence);
    v.evidence.push_back(*ex.handled_index);
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

// Replies and notes: the same text twice in answer to one customer message.
void DoubledReplies(const RunFacts& facts, std::vector<Violation>& out) {
  for (const auto& [id, view] : facts.tickets) {
    auto doubles = [&](const std::vector<const mocks::gorgias::Message*>& messages, const std::string& what) {
      std::map<std::pair<std::size_t, std::string>, std::vector<const mocks::gorgias::Message*>> seen;
      for (const auto* m : messages) seen[{Segment(view, m->created), m->body_text.value_or("")}].push_back(m);
      for (const auto& [key, same] : seen) {
        if (same.size() < 2) continue;
        Violation v;
        v.message = "ticket " + std::to_string(id) + ": the same " + what + " (\"" + Clip(key.second, 40) + "\") " +
                    std::to_string(same.size()) + " times, at";
        for (const auto* m : same) {
          v.message += " " + facts.When(m->created);
          if (auto i = facts.CreatingRequest(*m)) v.evidence.push_back(*i);
        }
        out.push_back(std::move(v));
      }
    };
    doubles(view.pipeline_replies, "reply");
    doubles(view.pipeline_notes, "note");
  }
}

// Tags the pipeline added: one intent per customer message, and no tag twice.
void RepeatedTags(const RunFacts& facts, std::vector<Violation>& out) {
  std::map<std::uint64_t, std::map<std::size_t, std::vector<std::pair<std::uint64_t, const mocks::gorgias::Event*>>>> tags;
  for (const auto& [eid, e] : facts.gorgias.events) {
    if (e.type != "ticket-tags-added" || e.object_type != "Ticket" || !e.user_id || *e.user_id != facts.pipeline_user_id) {
      continue;
    }
    auto view = facts.tickets.find(e.object_id);
    if (view == facts.tickets.end() || !e.data.is_object() || !e.data.contains("tags_added")) continue;
    for (const auto& tag : e.data["tags_added"]) {
      if (tag.is_number_unsigned()) {
        tags[e.object_id][Segment(view->second, e.created)].push_back({tag.get<std::uint64_t>(), &e});
      }
    }
  }
  for (const auto& [ticket_id, segments] : tags) {
    for (const auto& [segment, added] : segments) {
      std::map<std::uint64_t, int> times;
      std::vector<std::string> intents;
      std::vector<const mocks::gorgias::Event*> events;
      for (const auto& [tag_id, e] : added) {
        ++times[tag_id];
        auto tag = facts.gorgias.tags.find(tag_id);
        const std::string name = tag == facts.gorgias.tags.end() ? std::to_string(tag_id) : tag->second.name;
        if (name.rfind("intent:", 0) == 0) {
          intents.push_back(name);
          events.push_back(e);
        }
      }
      std::string problem;
      for (const auto& [tag_id, n] : times) {
        if (n < 2) continue;
        auto tag = facts.gorgias.tags.find(tag_id);
        problem = "tag '" + (tag == facts.gorgias.tags.end() ? std::to_string(tag_id) : tag->second.name) + "' added " +
                  std::to_string(n) + " times";
      }
      if (problem.empty() && intents.size() > 1) {
        problem = std::to_string(intents.size()) + " intent tags (";
        for (std::size_t i = 0; i < intents.size(); ++i) problem += (i == 0 ? "" : ", ") + intents[i];
        problem += ")";
      }
      if (problem.empty()) continue;
      Violation v{"ticket " + std::to_string(ticket_id) + ": " + problem + " for one customer message", {}};
      for (const auto* e : events) {
        if (const Exchange* ex = facts.HandledAt(kGorgiasHost, facts.ToInstant(e->created),
                                                 "/api/tickets/" + std::to_string(ticket_id) + "/tags")) {
          v.evidence.push_back(ex->request_index);
        }
      }
      out.push_back(std::move(v));
    }
  }
}

// Recovery events: one per issue (Klaviyo drops a repeated unique_id; a new one gets through).
void RepeatedRecoveryEvents(const RunFacts& facts, std::vector<Violation>& out) {
  std::map<std::pair<std::string, std::string>, std::vector<const mocks::klaviyo::Event*>> by_issue;
  for (const mocks::klaviyo::Event* event : facts.RecoveryEvents()) {
    const mocks::klaviyo::Event& e = *event;
    std::string key = e.unique_id;
    if (e.properties.is_object() && e.properties.contains("issue_id")) {
      const auto& v = e.properties["issue_id"];
      key = v.is_string() ? v.get<std::string>() : v.dump();
    }
    if (!key.empty()) by_issue[{e.profile_id, key}].push_back(&e);
  }
  for (const auto& [key, events] : by_issue) {
    if (events.size() < 2) continue;
    Violation v;
    v.message = "recovery event for issue '" + key.second + "' of " + facts.EmailOfKlaviyoProfile(key.first) + " " +
                std::to_string(events.size()) + " times, at";
    for (const auto* e : events) v.message += " " + facts.When(e->time);
    for (const auto& [id, ex] : facts.exchanges) {
      if (ex.host != kKlaviyoHost || ex.Path() != "/api/events" || !ex.handled_index) continue;
      for (const auto* e : events) {
        const sim::Instant from = facts.ToInstant(e->time);
        const sim::Instant t = facts.trace[*ex.handled_index].time;
        if (t >= from && t < from + sim::Sec(1)) v.evidence.push_back(ex.request_index);
      }
    }
    out.push_back(std::move(v));
  }
}

// Refunds: the same refund of an order twice within an hour.
void RepeatedRefunds(const RunFacts& facts, std::vector<Violation>& out) {
  for (const auto& [id, order] : facts.shopify.orders) {
    for (std::size_t a = 0; a < order.refunds.size(); ++a) {
      for (std::size_t b = a + 1; b < order.refunds.size(); ++b) {
        const auto& x = order.refunds[a];
        const auto& y = order.refunds[b];
        const auto gap = y.created_at > x.created_at ? y.created_at - x.created_at : x.created_at - y.created_at;
        if (x.note != y.note || Cents(x) != Cents(y) || gap > sim::Hours(1)) continue;
        Violation v;
        v.message = "order " + order.name + " refunded twice the same way (\"" + x.note.value_or("") + "\", at " +
                    facts.When(x.created_at) + " and " + facts.When(y.created_at) + ")";
        const std::string path = "/admin/api/" + facts.context.world.credentials().shopify_api_version + "/orders/" +
                                 std::to_string(id) + "/refunds.json";
        for (const auto* r : {&x, &y}) {
          if (const Exchange* ex = facts.HandledAt(kShopifyHost, facts.ToInstant(r->created_at), path)) {
            v.evidence.push_back(ex->request_index);
          }
        }
        out.push_back(std::move(v));
      }
    }
  }
}

}  // namespace

std::vector<Violation> CheckI7(const RunFacts& facts) {
  std::vector<Violation> out;
  DoubledReplies(facts, out);
  RepeatedTags(facts, out);
  RepeatedRecoveryEvents(facts, out);
  RepeatedRefunds(facts, out);
  return out;
}

}  // namespace rh::harness::oracles
