#include "run_facts.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <limits>

#include "mocks/llm/model.h"
#include "pipeline/draft_check.h"
#include "pipeline/triage_rules.h"

namespace rh::harness::oracles {
namespace {

const std::vector<std::size_t> kNone;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// "54.99" -> (5499, 2); nullopt when it is not a plain decimal.
std::optional<std::pair<std::int64_t, int>> ParseDecimal(std::string_view s) {
  std::int64_t value = 0;
  int decimals = -1;
  bool any = false;
  for (char c : s) {
    if (c == '.' && decimals < 0) {
      decimals = 0;
      continue;
    }
    if (!IsDigit(c)) return std::nullopt;
    if (value > std::numeric_limits<std::int64_t>::max() / 20) return std::nullopt;
    value = value * 10 + (c - '0');
    any = true;
    if (decimals >= 0) ++decimals;
  }
  if (!any) return std::nullopt;
  return std::pair{value, std::max(decimals, 0)};
}

std::string FormatDecimal(std::int64_t value, int decimals) {
  std::string digits = std::to_string(value);
  if (decimals <= 0) return digits;
  const auto d = static_cast<std::size_t>(decimals);
  while (digits.size() <= d) digits.insert(digits.begin(), '0');
  digits.insert(digits.end() - static_cast<std::ptrdiff_t>(d), '.');
  return digits;
}

std::string JsonText(const mocks::OrderedJson& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return {};
  const auto& v = object[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();
  return {};
}


// The order as Shopify held it at `at`: only fulfilments, scans, refunds and returns recorded by
// then count. The last scan is when Shopify recorded it (what any reader of the order saw).
pipeline::OrderFacts OrderFactsAt(const mocks::shopify::Order& order, sim::WallTime at) {
  pipeline::OrderFacts f;
  f.created_at = order.created_at;
  f.financial_status = order.financial_status;
  f.cancelled = order.cancelled_at.has_value() && *order.cancelled_at <= at;
  for (const auto& line : order.line_items) f.lines.push_back({line.sku.value_or(""), ""});
  const mocks::shopify::Fulfillment* latest = nullptr;
  for (const auto& ful : order.fulfillments) {
    if (ful.created_at > at) continue;
    if (ful.status == "cancelled" || ful.status == "error" || ful.status == "failure") continue;
    latest = &ful;
  }
  if (latest != nullptr) {
    f.fulfilled_at = latest->created_at;
    const mocks::shopify::FulfillmentEvent* scan = nullptr;
    for (const auto& e : latest->events) {
      if (e.created_at <= at) scan = &e;
    }
    if (scan != nullptr) {
      f.shipment_status = scan->status;
      f.last_scan_at = scan->created_at;
      if (scan->status == "delivered") f.delivered_at = scan->created_at;
    }
  }
  for (const auto& r : order.returns) {
    if (r.created_at > at) continue;
    const bool ended = (r.closed_at && *r.closed_at <= at) || r.status == "DECLINED" || r.status == "CANCELED" ||
                       (r.status == "CLOSED" && !r.closed_at);
    f.open_return = f.open_return || !ended;
  }
  return f;
}

}  // namespace

std::string Clip(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text) out.push_back(c == '\n' || c == '\r' ? ' ' : c);
  if (out.size() > max) {
    out.resize(max);
    out += "...";
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::optional<pipeline::Intent> TrueIntent(std::string_view customer_text) {
  const mocks::llm::IntentCues cues = mocks::llm::ClassifyText(customer_text);
  if (cues.ambiguous()) return std::nullopt;
  return pipeline::ParseIntent(mocks::llm::IntentName(cues.truth));
}

std::string RunFacts::Str(const sim::TraceRecord& record, std::string_view key) {
  const sim::TraceValue* v = record.Find(key);
  if (v == nullptr) return {};
  if (const auto* s = std::get_if<std::string>(v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(v)) return *b ? "true" : "false";
  return {};
}

std::optional<double> RunFacts::Num(const sim::TraceRecord& record, std::string_view key) {
  const sim::TraceValue* v = record.Find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<std::int64_t> RunFacts::Int(const sim::TraceRecord& record, std::string_view key) {
  const sim::TraceValue* v = record.Find(key);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<std::int64_t>(v)) return *i;
  return std::nullopt;
}

RunFacts::RunFacts(const OracleContext& ctx)
    : context(ctx), policy(ctx.pipeline.policy), trace(ctx.world.trace().records()) {
  SimWorld& world = ctx.world;
  const sim::Moment moment = world.Now();
  now = moment.monotonic;
  now_wall = moment.wall;
  wall_epoch_ = moment.wall - moment.monotonic.time_since_epoch();

  gorgias = world.gorgias().Snapshot();
  deliveries = world.gorgias().Deliveries();
  integration_calls = world.gorgias().IntegrationCalls();
  klaviyo = world.klaviyo().Snapshot();
  world.shopify().Inspect([this](const mocks::shopify::State& s) { shopify = s; });
  IndexShopify();

  const std::string own = Lower(world.credentials().gorgias_email);
  for (const auto& [id, user] : gorgias.users) {
    if (Lower(user.email) == own) pipeline_user_id = id;
  }

  // No log (an outside pipeline without the decisions endpoint): I4 is not applicable
  // (oracles.cc), and the other oracles read no rows.
  if (ctx.pipeline.log != nullptr) ReadLog(*ctx.pipeline.log);

  IndexTrace();
  BuildTickets();
  BuildDeliveryIssues();
}

void RunFacts::ReadLog(pipeline::DecisionLog& log) {
  auto count = log.Count();
  if (!count) {
    log_error = count.error();
    return;
  }
  pipeline::DecisionFilter all;
  all.limit = static_cast<std::size_t>(std::max<std::int64_t>(*count, 0));
  auto read = log.Query(all);
  if (read) {
    rows = std::move(*read);
  } else {
    log_error = read.error();
  }
}

void RunFacts::IndexTrace() {
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const sim::TraceRecord& r = trace[i];
    by_kind_[r.kind].push_back(i);
    if (const auto t = Int(r, "ticket"); t && *t > 0) by_ticket_[static_cast<std::uint64_t>(*t)].push_back(i);
    if (r.kind.rfind("http.", 0) != 0) continue;
    const auto id = Int(r, "id");
    if (!id) continue;
    Exchange& ex = exchanges[*id];
    ex.id = *id;
    if (r.kind == "http.request") {
      ex.caller = r.source;
      ex.host = Str(r, "to");
      ex.method = Str(r, "method");
      ex.target = Str(r, "target");
      ex.request_index = i;
      ex.sent = r.time;
    } else if (r.kind == "http.fault") {
      ex.fault_index = i;
    } else if (r.kind == "http.handled") {
      ex.handled_index = i;
      ex.handled_status = static_cast<int>(Int(r, "status").value_or(0));
      handled_at_[{r.source, r.time.time_since_epoch().count()}].push_back(i);
    } else if (r.kind == "http.response" || r.kind == "http.error") {
      ex.response_index = i;
      ex.response_status = static_cast<int>(Int(r, "status").value_or(0));
      ex.responded = r.time;
    }
  }
}

const std::vector<std::size_t>& RunFacts::OfKind(std::string_view kind) const {
  auto it = by_kind_.find(kind);
  return it == by_kind_.end() ? kNone : it->second;
}

const std::vector<std::size_t>& RunFacts::ForTicket(std::uint64_t ticket_id) const {
  auto it = by_ticket_.find(ticket_id);
  return it == by_ticket_.end() ? kNone : it->second;
}

std::string Span(sim::Duration d) {
  const std::int64_t total_ms = std::chrono::floor<std::chrono::milliseconds>(d).count();
  const bool negative = total_ms < 0;
  std::int64_t ms = negative ? -total_ms : total_ms;
  const std::int64_t days = ms / 86'400'000;
  ms %= 86'400'000;
  const std::int64_t hours = ms / 3'600'000;
  ms %= 3'600'000;
  const std::int64_t minutes = ms / 60'000;
  ms %= 60'000;
  char buf[64];
  if (ms % 1000 == 0) {
    std::snprintf(buf, sizeof buf, "%s%lldd%02lldh%02lldm%02llds", negative ? "-" : "", static_cast<long long>(days),
                  static_cast<long long>(hours), static_cast<long long>(minutes), static_cast<long long>(ms / 1000));
  } else {
    std::snprintf(buf, sizeof buf, "%s%lldd%02lldh%02lldm%02lld.%03llds", negative ? "-" : "",
                  static_cast<long long>(days), static_cast<long long>(hours), static_cast<long long>(minutes),
                  static_cast<long long>(ms / 1000), static_cast<long long>(ms % 1000));
  }
  return buf;
}

std::string RunFacts::When(sim::WallTime t) const {
  const sim::Duration d = t - wall_epoch_;
  return d.count() < 0 ? Span(d) : "+" + Span(d);
}

std::string RunFacts::EmailOfGorgiasCustomer(std::uint64_t customer_id) const {
  auto it = gorgias.customers.find(customer_id);
  if (it == gorgias.customers.end()) return {};
  if (it->second.email) return Lower(*it->second.email);
  for (const auto& ch : it->second.channels) {
    if (ch.type == "email") return Lower(ch.address);
  }
  return {};
}

std::vector<const mocks::klaviyo::Event*> RunFacts::RecoveryEvents() const {
  std::string metric_id;
  for (const auto& [id, m] : klaviyo.metrics) {
    if (m.name == policy.recovery.metric) metric_id = id;
  }
  std::vector<const mocks::klaviyo::Event*> out;
  if (metric_id.empty()) return out;
  for (const mocks::klaviyo::Event& e : klaviyo.events) {
    if (e.metric_id == metric_id) out.push_back(&e);
  }
  return out;
}

std::string RunFacts::EmailOfKlaviyoProfile(const std::string& profile_id) const {
  auto it = klaviyo.profiles.find(profile_id);
  if (it == klaviyo.profiles.end() || !it->second.email) return {};
  return Lower(*it->second.email);
}

void RunFacts::IndexShopify() {
  for (const auto& [id, c] : shopify.customers) customer_by_email_.emplace(Lower(c.email), &c);  // the first wins
  for (const auto& [id, order] : shopify.orders) {
    if (order.customer_id) orders_by_customer_[*order.customer_id].push_back(&order);
    if (order.email) orders_by_email_[Lower(*order.email)].push_back(&order);
  }
}

const mocks::shopify::Customer* RunFacts::ShopifyCustomer(const std::string& email) const {
  const auto it = customer_by_email_.find(email);
  return it == customer_by_email_.end() ? nullptr : it->second;
}

std::vector<const mocks::shopify::Order*> RunFacts::OrdersOf(const std::string& email) const {
  std::vector<const mocks::shopify::Order*> out;
  if (email.empty()) return out;
  // The orders by customer id and by e-mail, merged in id order without repeats (as the store's scan).
  static const std::vector<const mocks::shopify::Order*> kNone;
  const mocks::shopify::Customer* customer = ShopifyCustomer(email);
  const auto by_id = customer != nullptr ? orders_by_customer_.find(customer->id) : orders_by_customer_.end();
  const auto by_email = orders_by_email_.find(email);
  const auto& of_customer = by_id == orders_by_customer_.end() ? kNone : by_id->second;
  const auto& of_email = by_email == orders_by_email_.end() ? kNone : by_email->second;
  std::set_union(of_customer.begin(), of_customer.end(), of_email.begin(), of_email.end(), std::back_inserter(out),
                 [](const mocks::shopify::Order* x, const mocks::shopify::Order* y) { return x->id < y->id; });
  std::stable_sort(out.begin(), out.end(), [](const auto* a, const auto* b) { return a->created_at < b->created_at; });
  return out;
}

const mocks::gorgias::Message* RunFacts::MessageById(std::uint64_t id) const {
  auto it = gorgias.messages.find(id);
  return it == gorgias.messages.end() ? nullptr : &it->second;
}

bool RunFacts::ByPipeline(const mocks::gorgias::Message& message) const {
  return pipeline_user_id != 0 && message.sender.kind == mocks::gorgias::Party::Kind::kUser &&
         message.sender.id == pipeline_user_id;
}

void RunFacts::BuildTickets() {
  // Status changes per ticket, oldest first (event ids grow with time).
  std::map<std::uint64_t, std::vector<const mocks::gorgias::Event*>> status_events;
  for (const auto& [id, e] : gorgias.events) {
    if (e.object_type == "Ticket" && (e.type == "ticket-closed" || e.type == "ticket-reopened")) {
      status_events[e.object_id].push_back(&e);
    }
  }
  for (const auto& [id, ticket] : gorgias.tickets) {
    TicketView& view = tickets[id];
    view.ticket = &ticket;
    view.email = EmailOfGorgiasCustomer(ticket.customer_id);
    for (const std::uint64_t mid : ticket.message_ids) {
      const mocks::gorgias::Message* m = MessageById(mid);
      if (m == nullptr) continue;
      const bool note = m->channel == "internal-note" || !m->is_public;
      if (note) {
        if (ByPipeline(*m)) {
          view.pipeline_notes.push_back(m);
        } else if (m->from_agent) {
          view.agent_notes.push_back(m);
        }
      } else if (m->from_agent || m->sender.kind == mocks::gorgias::Party::Kind::kUser) {
        (ByPipeline(*m) ? view.pipeline_replies : view.agent_replies).push_back(m);
      } else {
        view.customer_messages.push_back(m);
      }
    }
    // Open periods: a customer message or a reopening opens, a closing ends.
    struct Step {
      sim::WallTime at;
      int order;  // same instant: the message (or reopening) first, then the close
      bool opens;
    };
    std::vector<Step> steps;
    for (const auto* m : view.customer_messages) steps.push_back({m->created, 0, true});
    for (const auto* e : status_events[id]) steps.push_back({e->created, e->type == "ticket-closed" ? 1 : 0, e->type != "ticket-closed"});
    std::stable_sort(steps.begin(), steps.end(),
                     [](const Step& a, const Step& b) { return a.at != b.at ? a.at < b.at : a.order < b.order; });
    for (const Step& s : steps) {
      const bool open = !view.periods.empty() && !view.periods.back().to;
      if (s.opens && !open) view.periods.push_back({s.at, std::nullopt});
      if (!s.opens && open) view.periods.back().to = s.at;
    }

    if (view.customer_messages.empty()) continue;
    const mocks::gorgias::Message& first = *view.customer_messages.front();
    std::optional<pipeline::Intent> intent = TruthOf(first);
    if (!intent) {
      for (const std::size_t i : ForTicket(id)) {
        if (trace[i].kind == "triage" && trace[i].source == "pipeline") {
          intent = pipeline::ParseIntent(Str(trace[i], "intent"));
          break;
        }
      }
    }
    view.intent = intent.value_or(pipeline::Intent::kOther);
    // The case's live issues by the written policy's suppression table (policy_model.h).
    const Case c = CaseAt(view, first, first.created, view.intent, 1.0);
    std::vector<pipeline::Issue> live = c.facts.order ? OrderIssues(policy, *c.facts.order, first.created)
                                                      : std::vector<pipeline::Issue>{};
    if (view.intent == pipeline::Intent::kDamagedItem || view.intent == pipeline::Intent::kDeliveredNotReceived) {
      live.push_back(pipeline::Issue::kComplaint);
    }
    if (!live.empty() && c.facts.customer && WrittenVip(policy, *c.facts.customer)) {
      live.push_back(pipeline::Issue::kVipActiveIssue);
    }
    std::sort(live.begin(), live.end());
    const auto& enabled = policy.suppression.triggers;
    for (const pipeline::Issue issue : live) {
      if (std::find(enabled.begin(), enabled.end(), issue) != enabled.end()) view.issues.push_back(issue);
    }
  }
}

void RunFacts::BuildDeliveryIssues() {
  const auto& exceptions = policy.tracking.exception_statuses;
  for (const auto& [id, order] : shopify.orders) {
    DeliveryIssue issue;
    issue.order = &order;
    for (const auto& ful : order.fulfillments) {
      if (ful.status == "cancelled") continue;
      std::optional<sim::WallTime> open;
      for (const auto& e : ful.events) {
        const bool exception = std::find(exceptions.begin(), exceptions.end(), e.status) != exceptions.end();
        if (exception && !open) open = e.created_at;
        // POLICY.md: the exception holds while the latest scan is one, so any other scan (in
        // transit again, delivered) ends it.
        if (!exception && open) {
          issue.windows.push_back({*open, e.created_at});
          open.reset();
        }
      }
      if (open) issue.windows.push_back({*open, std::nullopt});
    }
    if (issue.windows.empty()) continue;
    std::stable_sort(issue.windows.begin(), issue.windows.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    issue.from = issue.windows.front().first;
    issue.to = issue.windows.back().second;
    for (const auto& w : issue.windows) {
      if (!w.second) issue.to.reset();
    }
    if (order.email) {
      issue.email = Lower(*order.email);
    } else if (order.customer_id) {
      auto c = shopify.customers.find(*order.customer_id);
      if (c != shopify.customers.end()) issue.email = Lower(c->second.email);
    }
    delivery_issues.push_back(std::move(issue));
  }
}

RunFacts::Case RunFacts::CaseAt(const TicketView& view, const mocks::gorgias::Message& customer_message,
                                sim::WallTime at, pipeline::Intent intent, double confidence) const {
  Case out;
  pipeline::CaseFacts& f = out.facts;
  f.intent = intent;
  f.confidence = confidence;
  f.now = at;
  const std::string text = customer_message.body_text.value_or("");
  const std::vector<const mocks::shopify::Order*> orders = OrdersOf(view.email);
  if (const mocks::shopify::Customer* c = ShopifyCustomer(view.email)) {
    pipeline::CustomerFacts cf;
    if (auto json = context.world.shopify().CustomerJson(c->id)) {
      if (auto spent = ParseDecimal(JsonText(*json, "total_spent"))) {
        // To the policy's minor units, whatever the decimals Shopify wrote.
        std::int64_t value = spent->first;
        for (int d = spent->second; d < policy.store.currency_decimals; ++d) value *= 10;
        for (int d = policy.store.currency_decimals; d < spent->second; ++d) value /= 10;
        cf.lifetime_value = value;
      }
      if (auto n = ParseDecimal(JsonText(*json, "orders_count"))) cf.orders_count = n->first;
    }
    for (const auto* o : orders) {
      for (const auto& r : o->refunds) {
        if (r.created_at <= at) cf.refunds.push_back(r.created_at);
      }
    }
    f.customer = cf;
  }
  // The order the customer names, else their newest one.
  const mocks::shopify::Order* chosen = nullptr;
  for (const auto* o : orders) {
    if (o->created_at > at) continue;
    if (!o->name.empty() && text.find(o->name) != std::string::npos) {
      chosen = o;
      break;
    }
  }
  if (chosen == nullptr) {
    for (const auto* o : orders) {
      if (o->created_at <= at) chosen = o;  // oldest first: the last is the newest
    }
  }
  if (chosen != nullptr) {
    f.order = OrderFactsAt(*chosen, at);
    out.order = chosen;
  }
  if (auto sku = pipeline::RequestedSku(text, f.order)) f.exchange_for = pipeline::LineFacts{*sku, ""};
  f.has_evidence = customer_message.attachments.is_array() && !customer_message.attachments.empty();
  return out;
}

std::optional<pipeline::Intent> RunFacts::TruthOf(const mocks::gorgias::Message& customer_message) const {
  if (auto stated = pipeline::ParseIntent(context.world.TrueIntentOf(customer_message.id))) return stated;
  return TrueIntent(customer_message.body_text.value_or(""));
}

PolicyCase RunFacts::PolicyCaseAt(const TicketView& view, const mocks::gorgias::Message& customer_message,
                                  sim::WallTime at, pipeline::Intent intent, double confidence) const {
  const Case c = CaseAt(view, customer_message, at, intent, confidence);
  PolicyCase out;
  out.intent = intent;
  out.confidence = confidence;
  out.now = at;
  out.customer = c.facts.customer;
  out.order = c.facts.order;
  if (c.facts.exchange_for) out.exchange_sku = c.facts.exchange_for->sku;
  out.has_evidence = c.facts.has_evidence;
  const std::optional<pipeline::Intent> truth = TruthOf(customer_message);
  out.complaint = truth == pipeline::Intent::kDamagedItem || truth == pipeline::Intent::kDeliveredNotReceived;
  // The customer's other orders, as they stood at `at`.
  for (const auto* o : OrdersOf(view.email)) {
    if (o == c.order || o->created_at > at) continue;
    for (const pipeline::Issue i : OrderIssues(policy, OrderFactsAt(*o, at), at)) out.elsewhere.push_back(i);
  }
  // Their other tickets that were open with a live issue at `at`.
  for (const auto& [id, other] : tickets) {
    if (&other == &view || other.email != view.email || other.issues.empty()) continue;
    for (const auto& p : other.periods) {
      if (p.from <= at && (!p.to || at < *p.to)) {
        out.elsewhere.insert(out.elsewhere.end(), other.issues.begin(), other.issues.end());
        break;
      }
    }
  }
  return out;
}

pipeline::DraftFacts RunFacts::DraftFactsOf(const std::string& email) const {
  std::set<std::string> ids;  // ordered: the same list every run
  auto amount = [&](const std::string& s) {
    if (ParseDecimal(s)) ids.insert(s);
  };
  for (const auto* o : OrdersOf(email)) {
    ids.insert(o->name);
    for (const auto& ful : o->fulfillments) {
      for (const auto& t : ful.tracking_numbers) ids.insert(t);
    }
    const auto json = context.world.shopify().OrderJson(o->id);
    if (!json) continue;
    for (const char* key : {"total_price", "subtotal_price", "total_tax", "current_total_price", "current_subtotal_price",
                            "total_discounts", "total_line_items_price"}) {
      amount(JsonText(*json, key));
    }
    if ((*json).contains("line_items")) {
      for (const auto& line : (*json)["line_items"]) {
        const std::string price = JsonText(line, "price");
        amount(price);
        const auto parsed = ParseDecimal(price);
        const std::int64_t quantity = line.value("quantity", 0);
        if (parsed && quantity > 1) ids.insert(FormatDecimal(parsed->first * quantity, parsed->second));
      }
    }
    if ((*json).contains("shipping_lines")) {
      for (const auto& line : (*json)["shipping_lines"]) amount(JsonText(line, "price"));
    }
    if ((*json).contains("refunds")) {
      for (const auto& refund : (*json)["refunds"]) {
        if (!refund.contains("transactions")) continue;
        for (const auto& t : refund["transactions"]) amount(JsonText(t, "amount"));
      }
    }
  }
  ids.erase("");
  pipeline::DraftFacts out{std::vector<std::string>(ids.begin(), ids.end())};
  // Carriers and dates. A date is written in some zone (the shop's, the store's, UTC), so a day
  // either side of each instant counts; an invented date is days away.
  std::set<std::string> carriers, dates;
  auto day = [&](std::chrono::sys_days d) {
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    dates.insert(buf);
  };
  auto around = [&](sim::WallTime t) {
    const auto d = std::chrono::floor<std::chrono::days>(t);
    for (int k = -1; k <= 1; ++k) day(d + std::chrono::days(k));
  };
  for (const auto* o : OrdersOf(email)) {
    around(o->created_at);
    if (o->cancelled_at) around(*o->cancelled_at);
    for (const auto& ful : o->fulfillments) {
      if (ful.tracking_company) carriers.insert(*ful.tracking_company);
      around(ful.created_at);
      around(ful.updated_at);
      for (const auto& e : ful.events) {
        around(e.created_at);
        if (e.status == "delivered") day(std::chrono::sys_days{LastDayOfReturnWindow(policy, e.created_at)});
      }
      day(std::chrono::sys_days{LastDayOfReturnWindow(policy, ful.created_at)});
    }
    for (const auto& r : o->refunds) around(r.created_at);
    day(std::chrono::sys_days{LastDayOfReturnWindow(policy, o->created_at)});
  }
  out.carriers.assign(carriers.begin(), carriers.end());
  out.dates.assign(dates.begin(), dates.end());
  return out;
}

std::optional<std::size_t> RunFacts::TriageBefore(std::uint64_t ticket_id, std::size_t before) const {
  std::optional<std::size_t> out;
  for (const std::size_t i : ForTicket(ticket_id)) {
    if (i > before) break;
    if (trace[i].kind == "triage" && trace[i].source == "pipeline") out = i;
  }
  return out;
}

std::optional<std::size_t> RunFacts::RouteBefore(std::uint64_t ticket_id, std::size_t before) const {
  std::optional<std::size_t> out;
  for (const std::size_t i : ForTicket(ticket_id)) {
    if (i > before) break;
    if (trace[i].kind == "route" && trace[i].source == "pipeline") out = i;
  }
  return out;
}

std::optional<std::size_t> RunFacts::CreatingRequest(const mocks::gorgias::Message& message) const {
  const std::string ticket_path = "/api/tickets/" + std::to_string(message.ticket_id);
  const Exchange* ex = HandledAt(kGorgiasHost, ToInstant(message.created), ticket_path + "/messages", ticket_path);
  if (ex == nullptr) return std::nullopt;
  return ex->request_index;
}

const Exchange* RunFacts::HandledAt(std::string_view host, sim::Instant t, std::string_view path,
                                    std::string_view other_path) const {
  auto it = handled_at_.find({std::string(host), t.time_since_epoch().count()});
  if (it == handled_at_.end()) return nullptr;
  for (const std::size_t i : it->second) {
    const auto id = Int(trace[i], "id");
    if (!id) continue;
    auto ex = exchanges.find(*id);
    if (ex == exchanges.end()) continue;
    const std::string p = ex->second.Path();
    if (p == path || (!other_path.empty() && p == other_path)) return &ex->second;
  }
  return nullptr;
}

std::size_t RunFacts::IndexAt(sim::Instant t) const {
  auto it = std::lower_bound(trace.begin(), trace.end(), t,
                             [](const sim::TraceRecord& r, sim::Instant x) { return r.time < x; });
  return static_cast<std::size_t>(it - trace.begin());
}

}  // namespace rh::harness::oracles
