// Shopify's search query syntax, as far as support lookups need it: customers by e-mail, name,
// phone or tag; orders by e-mail, name, tag, status, financial and fulfillment status, customer
// and dates. Used by GET /customers/search.json and GraphQL `customers(query:)` and
// `orders(query:)`. Pure functions.
#include <algorithm>
#include <memory>

#include "core.h"

namespace rh::mocks::shopify::detail {

namespace {

struct Term {
  bool negated = false;
  std::string field;  // empty: a bare word
  std::string op;     // "", ">", ">=", "<", "<="
  std::string value;
};

// Groups of terms: the query matches when every term of some group does.
std::vector<std::vector<Term>> ParseQuery(std::string_view q) {
  std::vector<std::string> words;
  std::string current;
  bool quoted = false;
  for (char c : q) {
    if (c == '"' || c == '\'') {
      quoted = !quoted;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t' || c == '\n')) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  if (!current.empty()) words.push_back(std::move(current));

  std::vector<std::vector<Term>> groups(1);
  bool negate_next = false;
  for (const auto& w : words) {
    if (w == "OR") {
      groups.emplace_back();
      continue;
    }
    if (w == "AND") continue;
    if (w == "NOT") {
      negate_next = true;
      continue;
    }
    Term t;
    std::string_view s = w;
    t.negated = negate_next;
    negate_next = false;
    if (!s.empty() && s.front() == '-') {
      t.negated = !t.negated;
      s.remove_prefix(1);
    }
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) {
      t.value = std::string(s);
    } else {
      t.field = ToLower(s.substr(0, colon));
      std::string_view v = s.substr(colon + 1);
      for (std::string_view op : {">=", "<=", ">", "<"}) {
        if (v.substr(0, op.size()) == op) {
          t.op = std::string(op);
          v.remove_prefix(op.size());
          break;
        }
      }
      t.value = std::string(v);
    }
    groups.back().push_back(std::move(t));
  }
  return groups;
}

// The parsed form of `query`, kept for the next call: a search evaluates the same query against
// every customer or order, and parsing it each time cost more than matching. A pure memo (one
// per thread, so mocks on parallel scenario threads never share it); results are unchanged. The
// caller holds the shared pointer, so a nested search with another query cannot pull the groups
// from under it.
using QueryGroups = std::vector<std::vector<Term>>;
std::shared_ptr<const QueryGroups> ParsedQuery(std::string_view query) {
  thread_local std::string last_query;
  thread_local std::shared_ptr<const QueryGroups> last_groups = std::make_shared<const QueryGroups>(ParseQuery(""));
  if (query != last_query) {
    last_groups = std::make_shared<const QueryGroups>(ParseQuery(query));
    last_query.assign(query);
  }
  return last_groups;
}

template <class Pred>
bool Evaluate(std::string_view query, Pred&& term_matches) {
  const std::shared_ptr<const QueryGroups> parsed = ParsedQuery(query);
  const QueryGroups& groups = *parsed;
  for (const auto& group : groups) {
    if (group.empty()) continue;
    bool all = true;
    for (const auto& t : group) {
      if (term_matches(t) == t.negated) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  // An empty query matches everything.
  return std::all_of(groups.begin(), groups.end(), [](const auto& g) { return g.empty(); });
}

bool Text(const std::string& pattern, std::string_view text) {
  if (pattern.find('*') != std::string::npos) return WildcardMatch(pattern, text);
  return sim::EqualsIgnoreCase(pattern, text);  // ASCII case folding, as ToLower
}

// Whether `haystack` contains `needle`, ASCII case folded (as ToLower on both), without copies.
bool Contains(std::string_view haystack, std::string_view needle) {
  if (needle.size() > haystack.size()) return false;
  for (std::size_t at = 0; at + needle.size() <= haystack.size(); ++at) {
    if (sim::EqualsIgnoreCase(haystack.substr(at, needle.size()), needle)) return true;
  }
  return false;
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

bool HasTag(const std::vector<std::string>& tags, const std::string& value) {
  return std::any_of(tags.begin(), tags.end(), [&](const std::string& t) { return Text(value, t); });
}

bool CompareTime(const Core& core, sim::WallTime t, const Term& term) {
  const std::optional<sim::WallTime> v = ParseTime(core, term.value);
  if (!v) return false;
  if (term.op == ">") return t > *v;
  if (term.op == ">=") return t >= *v;
  if (term.op == "<") return t < *v;
  if (term.op == "<=") return t <= *v;
  // A bare date means that day.
  if (term.value.size() == 10) return t >= *v && t < *v + sim::Days(1);
  return t == *v;
}

bool CompareNumber(std::int64_t n, const Term& term) {
  char* end = nullptr;
  const long long v = std::strtoll(term.value.c_str(), &end, 10);
  if (end == term.value.c_str()) return false;
  if (term.op == ">") return n > v;
  if (term.op == ">=") return n >= v;
  if (term.op == "<") return n < v;
  if (term.op == "<=") return n <= v;
  return n == v;
}

}  // namespace

bool CustomerMatches(const Core& core, const Customer& c, std::string_view query) {
  return Evaluate(query, [&](const Term& t) {
    if (t.field.empty()) {
      return Contains(c.email, t.value) || Contains(c.first_name, t.value) ||
             Contains(c.last_name, t.value) ||
             Contains(c.first_name + " " + c.last_name, t.value);
    }
    if (t.field == "email") return Text(t.value, c.email);
    if (t.field == "first_name") return Text(t.value, c.first_name);
    if (t.field == "last_name") return Text(t.value, c.last_name);
    if (t.field == "name") return Contains(c.first_name + " " + c.last_name, t.value);
    if (t.field == "phone") return c.phone && !Digits(t.value).empty() && Digits(*c.phone) == Digits(t.value);
    if (t.field == "tag" || t.field == "tags" || t.field == "customer_tag") return HasTag(c.tags, t.value);
    if (t.field == "id") return std::to_string(c.id) == t.value;
    if (t.field == "state") return ToLower(c.state) == ToLower(t.value);
    if (t.field == "orders_count") return CompareNumber(StatsOf(core, c).orders_count, t);
    if (t.field == "created_at") return CompareTime(core, c.created_at, t);
    if (t.field == "updated_at") return CompareTime(core, c.updated_at, t);
    return false;
  });
}

bool OrderMatches(const Core& core, const Order& o, std::string_view query) {
  return Evaluate(query, [&](const Term& t) {
    const std::string name_digits = o.name.size() > 1 && o.name[0] == '#' ? o.name.substr(1) : o.name;
    if (t.field.empty()) {
      return Contains(o.name, t.value) || (o.email && Contains(*o.email, t.value));
    }
    if (t.field == "email") return o.email && Text(t.value, *o.email);
    if (t.field == "name") return Text(t.value, o.name) || Text(t.value, name_digits);
    if (t.field == "tag" || t.field == "tags") return HasTag(o.tags, t.value);
    if (t.field == "id") return std::to_string(o.id) == t.value;
    if (t.field == "customer_id") return o.customer_id && std::to_string(*o.customer_id) == t.value;
    if (t.field == "status") {
      const std::string v = ToLower(t.value);
      if (v == "any") return true;
      if (v == "open") return !o.closed_at && !o.cancelled_at;
      if (v == "closed") return o.closed_at.has_value();
      if (v == "cancelled" || v == "canceled") return o.cancelled_at.has_value();
      return false;
    }
    if (t.field == "financial_status") {
      const std::string v = ToLower(t.value);
      if (v == "any") return true;
      if (v == "unpaid") return o.financial_status == "authorized" || o.financial_status == "partially_paid" || o.financial_status == "pending";
      return o.financial_status == v;
    }
    if (t.field == "fulfillment_status") {
      const std::string v = ToLower(t.value);
      const std::optional<std::string> fs = OrderFulfillmentStatus(o);
      if (v == "any") return true;
      if (v == "shipped" || v == "fulfilled") return fs == "fulfilled";
      if (v == "partial") return fs == "partial";
      if (v == "unshipped") return !fs;
      if (v == "unfulfilled") return !fs || fs == "partial";
      return false;
    }
    if (t.field == "sku") {
      return std::any_of(o.line_items.begin(), o.line_items.end(),
                         [&](const LineItem& l) { return l.sku && Text(t.value, *l.sku); });
    }
    if (t.field == "created_at") return CompareTime(core, o.created_at, t);
    if (t.field == "updated_at") return CompareTime(core, o.updated_at, t);
    if (t.field == "processed_at") return CompareTime(core, o.processed_at, t);
    if (t.field == "test") return (ToLower(t.value) == "true") == o.test;
    return false;
  });
}

}  // namespace rh::mocks::shopify::detail
