// I8: rate limits respected. Retry-After is judged on the network (what each caller sent after a
// 429, against what the service or the fault plan asked), storms and give-ups on the clients'
// records, and "nothing dropped for good" on the tickets Gorgias told the pipeline about.
#include <algorithm>
#include <cmath>

#include "run_facts.h"

namespace rh::harness::oracles {
namespace {

// "0.5", "2", " 30 " as a duration in `unit`; nullopt when it is not a plain number (an HTTP date).
std::optional<sim::Duration> ParseAmount(std::string_view text, sim::Duration unit) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0, scale = 0;
  for (char c : text) {
    if (c == '.' && scale == 0) {
      scale = 1;
    } else if (c >= '0' && c <= '9') {
      if (scale > 0) {
        scale /= 10;
        value += (c - '0') * scale;
      } else {
        value = value * 10 + (c - '0');
      }
    } else {
      return std::nullopt;
    }
  }
  return sim::Duration(static_cast<std::int64_t>(std::llround(value * static_cast<double>(unit.count()))));
}

std::optional<sim::Duration> FromHeaders(const sim::Headers& headers) {
  if (auto ms = headers.Get("retry-after-ms")) {
    if (auto d = ParseAmount(*ms, sim::Ms(1))) return d;
  }
  if (auto s = headers.Get("Retry-After")) return ParseAmount(*s, sim::Sec(1));
  return std::nullopt;
}

// A mock's request-log note: "refused ... retry_after=0.5s".
std::optional<sim::Duration> FromLogNote(std::string_view note) {
  const auto at = note.find("retry_after=");
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = note.substr(at + 12);
  rest = rest.substr(0, rest.find('s'));
  return ParseAmount(rest, sim::Sec(1));
}

struct LogKey {
  std::string host;
  std::int64_t at_ns = 0;
  std::string target;
  auto operator<=>(const LogKey&) const = default;
};

// Where a 429's Retry-After came from, and what it said.
struct Wait {
  sim::Duration d{0};
  std::string source;  // "fault rule 'x'", "the gorgias mock", "the caller's reading"
};

}  // namespace

namespace {

// A request sent before the wait a 429 asked for was over (Retry-After, from the fault rule, the
// mock's own refusal or what the caller read).
void SentTooSoon(const RunFacts& facts, std::vector<Violation>& out) {
  SimWorld& world = facts.context.world;

  // What the mocks said when they refused.
  std::map<LogKey, std::optional<sim::Duration>> refusals;
  auto add_log = [&](std::string_view host, const std::vector<mocks::RequestLogEntry>& log) {
    for (const auto& e : log) {
      if (e.status == 429) refusals[{std::string(host), e.at.time_since_epoch().count(), e.target}] = FromLogNote(e.rate_limit);
    }
  };
  add_log(kGorgiasHost, world.gorgias().Requests());
  add_log(kKlaviyoHost, world.klaviyo().Requests());
  add_log(kShopifyHost, world.shopify().RequestLogEntries());
  const std::vector<sim::FaultRule>& rules = world.network().faults().rules();

  auto retry_after = [&](const Exchange& e) -> std::optional<Wait> {
    if (e.fault_index) {
      std::string names = RunFacts::Str(facts.trace[*e.fault_index], "rules");
      std::size_t from = 0;
      while (from <= names.size()) {
        const std::size_t comma = std::min(names.find(',', from), names.size());
        const std::string name = names.substr(from, comma - from);
        for (const auto& rule : rules) {
          if (rule.name == name && rule.kind == sim::FaultKind::kErrorStatus && rule.status == 429) {
            if (auto d = FromHeaders(rule.headers)) return Wait{*d, "fault rule '" + name + "'"};
          }
        }
        from = comma + 1;
      }
    }
    if (e.handled_index && e.handled_status == 429) {
      auto it = refusals.find({e.host, facts.trace[*e.handled_index].time.time_since_epoch().count(), e.target});
      if (it != refusals.end() && it->second) return Wait{*it->second, "the " + e.host + " mock"};
    }
    // No service record (the LLM): what the caller itself read from the response.
    if (e.response_index) {
      for (std::size_t i = *e.response_index + 1; i < facts.trace.size() && facts.trace[i].time == e.responded; ++i) {
        const sim::TraceRecord& r = facts.trace[i];
        if (r.kind == "client.retry" && RunFacts::Int(r, "status").value_or(0) == 429) {
          const std::int64_t ms = RunFacts::Int(r, "retry_after_ms").value_or(0);
          if (ms > 0) return Wait{sim::Ms(ms), "the caller's reading"};
          break;
        }
      }
    }
    return std::nullopt;
  };

  // Requests of one kind (caller, host, method, path), in the order sent.
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::vector<const Exchange*>> kinds;
  for (const auto& [id, ex] : facts.exchanges) {
    if (ex.caller.empty()) continue;
    kinds[{ex.caller, ex.host, ex.method, ex.Path()}].push_back(&ex);
  }
  for (auto& [kind, list] : kinds) {
    std::sort(list.begin(), list.end(), [](const Exchange* a, const Exchange* b) { return a->request_index < b->request_index; });
    for (std::size_t a = 0; a < list.size(); ++a) {
      const Exchange& refused = *list[a];
      if (refused.response_status != 429 || !refused.response_index) continue;
      const std::optional<Wait> wait = retry_after(refused);
      if (!wait) continue;
      const sim::Instant until = refused.responded + wait->d;
      for (std::size_t b = a + 1; b < list.size(); ++b) {
        const Exchange& next = *list[b];
        if (next.request_index < *refused.response_index) continue;  // sent before the 429 arrived
        if (next.sent >= until) break;
        Violation v;
        v.message = "'" + refused.caller + "' sent " + refused.method + " " + next.Path() + " to " + refused.host +
                    " at " + facts.When(next.sent) + ", " + Span(next.sent - refused.responded) +
                    " after a 429 that asked it to wait " + Span(wait->d) + " (" + wait->source + ")";
        v.evidence = {refused.request_index, *refused.response_index, next.request_index};
        out.push_back(std::move(v));
        break;
      }
    }
  }
}

// A storm: one call tried again and again; and a call that gave up on a rate limit.
void StormsAndGiveUps(const RunFacts& facts, std::vector<Violation>& out) {
  for (const std::size_t i : facts.OfKind("client.attempt")) {
    const sim::TraceRecord& r = facts.trace[i];
    if (RunFacts::Int(r, "attempt").value_or(0) != kMaxAttemptsPerCall + 1) continue;
    out.push_back({"a " + RunFacts::Str(r, "op") + " call of " + r.source + " made more than " +
                       std::to_string(kMaxAttemptsPerCall) + " attempts (at " + facts.When(r.time) + ")",
                   {i}});
  }
  // Dropped for good: a call that gave up on a rate limit.
  for (const std::size_t i : facts.OfKind("client.gave_up")) {
    const sim::TraceRecord& r = facts.trace[i];
    if (RunFacts::Str(r, "error_kind") != "rate_limited") continue;
    out.push_back({"a " + RunFacts::Str(r, "op") + " call of " + r.source + " gave up on a rate limit at " +
                       facts.When(r.time) + " (" + RunFacts::Str(r, "reason") + ")",
                   {i}});
  }
}

// Reads body.ticket.id of an integration call's JSON body without building its tree (the body is a
// whole ticket; issue 11): a SAX pass that keeps only that one value. 0 when the body is not JSON,
// not an object, has no object "ticket", or its id is neither an unsigned number nor all digits (as
// the tree's reading was; the last of duplicated keys wins, as in the tree).
class TicketIdReader final : public nlohmann::json_sax<mocks::OrderedJson> {
 public:
  std::uint64_t ticket_id() const { return root_is_object_ && ticket_is_object_ ? id_ : 0; }

  bool null() override { return Scalar(0); }
  bool boolean(bool) override { return Scalar(0); }
  bool number_integer(number_integer_t) override { return Scalar(0); }
  bool number_unsigned(number_unsigned_t v) override { return Scalar(v); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(0); }
  bool string(string_t& v) override { return Scalar(Digits(v)); }
  bool binary(binary_t&) override { return Scalar(0); }
  bool start_object(std::size_t) override {
    if (depth_ == 0) root_is_object_ = true;
    if (depth_ == 1 && key_ == "ticket") {
      ticket_is_object_ = true;
      id_ = 0;  // a later "ticket" replaces an earlier one
    }
    if (depth_ == 2 && in_ticket_ && key_ == "id") id_ = 0;  // an object is no id
    ++depth_;
    return true;
  }
  bool key(string_t& k) override {
    if (depth_ <= 2) key_ = k;
    if (depth_ == 1) in_ticket_ = k == "ticket";
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override {
    Container();
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

 private:
  static std::uint64_t Digits(const std::string& text) {
    std::uint64_t n = 0;
    for (char c : text) {
      if (c < '0' || c > '9') return 0;
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
  }
  // A value at depth 1 under "ticket" that is not an object; at depth 2 inside it, "id".
  bool Scalar(std::uint64_t value) {
    if (depth_ == 1 && key_ == "ticket") ticket_is_object_ = false;
    if (depth_ == 2 && in_ticket_ && key_ == "id") id_ = value;
    return true;
  }
  void Container() {
    if (depth_ == 1 && key_ == "ticket") ticket_is_object_ = false;
    if (depth_ == 2 && in_ticket_ && key_ == "id") id_ = 0;
  }

  int depth_ = 0;
  bool root_is_object_ = false;
  std::string key_;
  bool in_ticket_ = false;
  bool ticket_is_object_ = false;
  std::uint64_t id_ = 0;
};

std::uint64_t TicketIdOfBody(const std::string& body) {
  TicketIdReader reader;
  if (!mocks::OrderedJson::sax_parse(body, &reader)) return 0;
  return reader.ticket_id();
}

// Dropped for good: a ticket Gorgias told the pipeline about that never got a routing decision.
void TicketsNeverRouted(const RunFacts& facts, std::vector<Violation>& out) {
  // An outside pipeline leaves no routing records: what it did is judged by I10 and I11 instead.
  if (!facts.context.pipeline.traced) return;
  std::map<std::uint64_t, std::vector<const mocks::gorgias::IntegrationCall*>> told;
  for (const auto& call : facts.integration_calls) {
    if (call.trigger != "ticket-created" && call.trigger != "ticket-message-created") continue;
    if (call.url.find(std::string(kPipelineHost)) == std::string::npos) continue;
    const std::uint64_t ticket_id = TicketIdOfBody(call.body);
    if (ticket_id != 0) told[ticket_id].push_back(&call);
  }
  std::map<std::string, std::vector<std::size_t>> attempts;  // delivery id -> webhook.attempt records
  for (const std::size_t i : facts.OfKind("webhook.attempt")) {
    attempts[RunFacts::Str(facts.trace[i], "delivery")].push_back(i);
  }
  for (const auto& [ticket_id, calls] : told) {
    auto view = facts.tickets.find(ticket_id);
    if (view == facts.tickets.end() || view->second.customer_messages.empty()) continue;
    bool decided = false;
    for (const std::size_t i : facts.ForTicket(ticket_id)) {
      decided = decided || (facts.trace[i].kind == "route" && facts.trace[i].source == "pipeline");
    }
    if (decided) continue;
    Violation v;
    v.message = "ticket " + std::to_string(ticket_id) + " (" + view->second.email + "), told to the pipeline at " +
                facts.When(calls.front()->created) + ", never got a routing decision";
    for (const auto* call : calls) {
      for (const std::size_t i : attempts[call->delivery_id]) v.evidence.push_back(i);
    }
    for (const std::size_t i : facts.ForTicket(ticket_id)) {
      if (facts.trace[i].source == "pipeline") v.evidence.push_back(i);
    }
    out.push_back(std::move(v));
  }
}

}  // namespace

std::vector<Violation> CheckI8(const RunFacts& facts) {
  std::vector<Violation> out;
  SentTooSoon(facts, out);
  StormsAndGiveUps(facts, out);
  TicketsNeverRouted(facts, out);
  return out;
}

}  // namespace rh::harness::oracles
