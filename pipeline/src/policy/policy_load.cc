// Loading a policy from YAML. yaml-cpp only parses; every value is read from its scalar text here,
// so what is accepted (and the message when it is not) is ours, not the library's conversions.
// Errors point at the offending key (unknown or duplicate fields) or value (everything else).
// Internally a failure is thrown as LoadFailure and caught before it leaves this file.
#include "pipeline/policy.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <limits>

#include <yaml-cpp/yaml.h>

#include "config/did_you_mean.h"
#include "config/yaml_reader.h"

namespace rh::pipeline {
namespace {

constexpr std::size_t kMaxPolicyBytes = 1 << 20;
constexpr std::int64_t kMaxMinorUnits = 1'000'000'000'000'000;  // 10^18 / 1000: room to add

const std::vector<std::string_view>& KnownShipmentStatuses() {
  static const std::vector<std::string_view> kStatuses = {
      "label_printed", "label_purchased",  "attempted_delivery", "ready_for_pickup",
      "confirmed",     "in_transit",       "out_for_delivery",   "delivered",
      "failure",       "carrier_picked_up", "delayed",           "picked_up"};
  return kStatuses;
}

using config::Describe;
using config::Entry;
using config::Join;
using config::ParseInt;

// "; did you mean 'window_days'?" or "; known: a, b, c" (config::DidYouMean).
template <class Names>
std::string Suggest(std::string_view got, const Names& known) {
  return config::DidYouMean(got, known);
}

// A decimal amount in major units ("1000.00", "15", "0.5") as minor units; exact, no floating
// point. Refuses signs, exponents and more decimals than the currency has.
std::optional<std::int64_t> ParseMoney(std::string_view s, int decimals) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() || whole.size() > 15 || (dot != std::string_view::npos && frac.empty()) ||
      frac.size() > static_cast<std::size_t>(decimals)) {
    return std::nullopt;
  }
  const auto is_digits = [](std::string_view p) {
    return std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!is_digits(whole) || !is_digits(frac)) return std::nullopt;
  std::int64_t value = *ParseInt(whole);
  for (int k = 0; k < decimals; ++k) {
    const auto digit = static_cast<std::size_t>(k) < frac.size() ? frac[static_cast<std::size_t>(k)] - '0' : 0;
    value = value * 10 + digit;
  }
  if (value > kMaxMinorUnits) return std::nullopt;
  return value;
}

class Loader {
 public:
  Loader(std::string file, const PolicyLoadOptions& options) : reader_(std::move(file)), options_(options) {}

  Policy Load(const YAML::Node& doc) {
    const Entry root = Root(doc);
    if (root.value.IsNull()) Fail(root.ValueMark(), Join(root.path, "schema_version"), "missing; this build reads 1");
    if (!root.value.IsMap()) Fail(root.ValueMark(), root.path, "expected a mapping of policy sections, got " + Describe(root.value));

    // The version first (a newer file's other fields would only confuse), then the store, whose
    // currency the amounts of the other sections are read in.
    const Entry version = FindKey(root.value, "schema_version", root.path);
    if (!version.value) Fail(root.ValueMark(), Join(root.path, "schema_version"), "missing; this build reads 1");
    const std::int64_t v = Int(version, 0, 1000);
    if (v != 1) Fail(version.ValueMark(), version.path, "unsupported version " + std::to_string(v) + "; this build reads 1");
    const Entry store = FindKey(root.value, "store", root.path);
    if (store.value) Store(store);

    Map(root, {
        {"schema_version", [](const Entry&) {}},
        {"store", [](const Entry&) {}},
        {"automation", [&](const Entry& e) { Automation(e); }},
        {"returns", [&](const Entry& e) { Returns(e); }},
        {"exchanges", [&](const Entry& e) { Exchanges(e); }},
        {"cutoffs", [&](const Entry& e) { Cutoffs(e); }},
        {"tracking", [&](const Entry& e) { Tracking(e); }},
        {"vip", [&](const Entry& e) { Vip(e); }},
        {"new_customer", [&](const Entry& e) { NewCustomer(e); }},
        {"repeated_refunds", [&](const Entry& e) { RepeatedRefunds(e); }},
        {"suppression", [&](const Entry& e) { Suppression(e); }},
        {"recovery", [&](const Entry& e) { Recovery(e); }},
        {"routing", [&](const Entry& e) { Routing(e); }},
    });
    CrossCheck();
    return p_;
  }

 private:
  using Handler = std::function<void(const Entry&)>;

  [[noreturn]] void Fail(const YAML::Mark& mark, std::string field, std::string message) const {
    reader_.Fail(mark, std::move(field), std::move(message));
  }

  static Entry FindKey(const YAML::Node& map, std::string_view key, const std::string& path) {
    return config::Reader::FindKey(map, key, path);
  }

  // The document, or the mapping under options_.root_key when the policy is part of a bigger file.
  Entry Root(const YAML::Node& doc) const {
    if (options_.root_key.empty()) return Entry{doc, "", YAML::Mark()};
    if (!doc.IsMap() || !doc[options_.root_key]) {
      Fail(YAML::Mark(), options_.root_key, "missing (the policy is expected under this key)");
    }
    return FindKey(doc, options_.root_key, "");
  }

  // Reads a mapping whose fields are known: each key in document order goes to its handler; an
  // unknown or repeated key is refused at the key. Nothing (an empty section) is all defaults.
  void Map(const Entry& e, std::initializer_list<std::pair<std::string_view, Handler>> fields) {
    std::vector<std::string_view> names;
    for (const auto& f : fields) names.push_back(f.first);
    reader_.EachField(e, names, [&](std::string_view key, const Entry& field) {
      std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.first == key; })->second(field);
    });
  }

  std::string Scalar(const Entry& e, std::string_view expected) const { return reader_.Text(e, expected); }

  std::int64_t Int(const Entry& e, std::int64_t min, std::int64_t max) const { return reader_.Int(e, min, max); }

  int SmallInt(const Entry& e, int min, int max) const { return static_cast<int>(Int(e, min, max)); }

  bool Bool(const Entry& e) const { return reader_.Bool(e); }

  double Fraction(const Entry& e) const {
    const std::string text = Scalar(e, "a number between 0 and 1");
    double v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
      Fail(e.ValueMark(), e.path, "expected a number between 0 and 1, got '" + text + "'");
    }
    if (v < 0.0 || v > 1.0) Fail(e.ValueMark(), e.path, "must be between 0 and 1, got " + text);
    return v;
  }

  sim::Duration Duration(const Entry& e, sim::Duration min, sim::Duration max) const {
    const std::string text = Scalar(e, "a duration like \"90m\", \"2h\" or \"3d\"");
    const auto d = ParsePolicyDuration(text);
    if (!d) {
      const bool bare_number = ParseInt(text).has_value();
      Fail(e.ValueMark(), e.path,
           "expected a duration like \"90m\", \"2h\" or \"3d\", got '" + text + "'" +
               (bare_number ? " (add a unit: s, m, h, d or w)" : ""));
    }
    if (*d < min || *d > max) {
      Fail(e.ValueMark(), e.path,
           "must be between " + FormatPolicyDuration(min) + " and " + FormatPolicyDuration(max) + ", got " + text);
    }
    return *d;
  }

  std::int64_t Money(const Entry& e, std::int64_t min) const {
    const int decimals = p_.store.currency_decimals;
    const std::string example = decimals == 0 ? "\"1000\"" : "\"1000." + std::string(static_cast<std::size_t>(decimals), '0') + "\"";
    const std::string text = Scalar(e, "an amount like " + example);
    const auto v = ParseMoney(text, decimals);
    if (!v) {
      Fail(e.ValueMark(), e.path,
           "expected an amount like " + example + " (at most " + std::to_string(decimals) + " decimals), got '" +
               text + "'");
    }
    if (*v < min) Fail(e.ValueMark(), e.path, "must be more than zero, got " + text);
    return *v;
  }

  std::optional<std::uint64_t> UserId(const Entry& e) const {
    if (e.value.IsNull()) return std::nullopt;
    return static_cast<std::uint64_t>(Int(e, 1, std::numeric_limits<std::int64_t>::max()));
  }

  // A list of scalars, each with its entry (for errors on one item). Nothing is an empty list.
  std::vector<Entry> List(const Entry& e) const { return reader_.List(e); }

  // A list of names from a closed vocabulary, each once.
  template <class T>
  std::vector<T> Names(const Entry& e, std::string_view what, const std::vector<std::string_view>& known,
                       const std::function<std::optional<T>(std::string_view)>& parse,
                       std::vector<std::pair<T, YAML::Mark>>* marks = nullptr) const {
    std::vector<T> out;
    for (const Entry& item : List(e)) {
      const std::string text = Scalar(item, what);
      const auto v = parse(text);
      if (!v) Fail(item.ValueMark(), item.path, "unknown " + std::string(what) + " '" + text + "'" + Suggest(text, known));
      if (std::find(out.begin(), out.end(), *v) != out.end()) {
        Fail(item.ValueMark(), item.path, "'" + text + "' is listed twice");
      }
      out.push_back(*v);
      if (marks) marks->emplace_back(*v, item.ValueMark());
    }
    return out;
  }

  std::vector<std::string> Strings(const Entry& e, std::string_view what) const {
    std::vector<std::string> out;
    for (const Entry& item : List(e)) {
      const std::string text = Scalar(item, what);
      if (text.empty()) Fail(item.ValueMark(), item.path, "empty " + std::string(what));
      if (std::find(out.begin(), out.end(), text) != out.end()) {
        Fail(item.ValueMark(), item.path, "'" + text + "' is listed twice");
      }
      out.push_back(text);
    }
    return out;
  }

  static std::vector<std::string_view> IntentNames() {
    std::vector<std::string_view> names;
    for (const Intent i : AllIntents()) names.push_back(IntentName(i));
    return names;
  }

  std::optional<Intent> IntentOf(const Entry& e) const {
    const std::string text = Scalar(e, "an intent");
    const auto intent = ParseIntent(text);
    if (!intent) Fail(e.ValueMark(), e.path, "unknown intent '" + text + "'" + Suggest(text, IntentNames()));
    return intent;
  }

  Priority PriorityOf(const Entry& e) const {
    static const std::vector<std::string_view> kNames = {"low", "normal", "high", "critical"};
    const std::string text = Scalar(e, "a priority");
    for (std::size_t i = 0; i < kNames.size(); ++i) {
      if (kNames[i] == text) return static_cast<Priority>(i);
    }
    Fail(e.ValueMark(), e.path, "unknown priority '" + text + "'" + Suggest(text, kNames));
  }

  // --- sections --------------------------------------------------------------------------------

  void Store(const Entry& e) {
    Map(e, {
        {"timezone",
         [&](const Entry& f) {
           const std::string name = Scalar(f, "a time zone name");
           auto zone = TimeZone::Load(name, options_.zoneinfo_dir);
           if (!zone) Fail(f.ValueMark(), f.path, zone.error());
           p_.store.timezone = std::move(zone).value();
         }},
        {"currency_decimals", [&](const Entry& f) { p_.store.currency_decimals = SmallInt(f, 0, 4); }},
    });
  }

  void Automation(const Entry& e) {
    Map(e, {
        {"enabled", [&](const Entry& f) { p_.automation.enabled = Bool(f); }},
        {"auto_send_confidence", [&](const Entry& f) { p_.automation.auto_send_confidence = Fraction(f); }},
        {"safe_intents",
         [&](const Entry& f) {
           safe_marks_.clear();
           p_.automation.safe_intents = Names<Intent>(f, "intent", IntentNames(), ParseIntent, &safe_marks_);
         }},
        {"never_auto_intents",
         [&](const Entry& f) {
           p_.automation.never_auto_intents = Names<Intent>(f, "intent", IntentNames(), ParseIntent);
         }},
    });
  }

  void Returns(const Entry& e) {
    Map(e, {
        {"window_days", [&](const Entry& f) { p_.returns.window_days = SmallInt(f, 0, 3650); }},
        {"window_starts_from",
         [&](const Entry& f) {
           static const std::vector<std::string_view> kNames = {"delivery", "fulfillment", "order"};
           const std::string text = Scalar(f, "delivery, fulfillment or order");
           const auto it = std::find(kNames.begin(), kNames.end(), text);
           if (it == kNames.end()) Fail(f.ValueMark(), f.path, "unknown anchor '" + text + "'" + Suggest(text, kNames));
           p_.returns.window_starts_from = static_cast<WindowAnchor>(it - kNames.begin());
         }},
        {"require_delivered", [&](const Entry& f) { p_.returns.require_delivered = Bool(f); }},
    });
  }

  void Exchanges(const Entry& e) {
    Map(e, {
        {"approved_skus", [&](const Entry& f) { p_.exchanges.approved_skus = Strings(f, "SKU"); }},
        {"approved_sku_prefixes", [&](const Entry& f) { p_.exchanges.approved_sku_prefixes = Strings(f, "SKU prefix"); }},
        {"approved_product_types",
         [&](const Entry& f) { p_.exchanges.approved_product_types = Strings(f, "product type"); }},
        {"within_return_window", [&](const Entry& f) { p_.exchanges.within_return_window = Bool(f); }},
    });
  }

  void Cutoffs(const Entry& e) {
    Map(e, {
        {"fulfillment_lock",
         [&](const Entry& f) { p_.cutoffs.fulfillment_lock = Duration(f, sim::Duration::zero(), sim::Days(30)); }},
        {"pick_and_pack_cutoff",
         [&](const Entry& f) { p_.cutoffs.pick_and_pack_cutoff = Duration(f, sim::Duration::zero(), sim::Days(30)); }},
    });
  }

  std::vector<std::string> Statuses(const Entry& f, std::vector<std::pair<std::string, YAML::Mark>>* marks) const {
    std::vector<std::string> out;
    for (const Entry& item : List(f)) {
      const std::string text = Scalar(item, "a shipment status");
      const auto& known = KnownShipmentStatuses();
      if (std::find(known.begin(), known.end(), text) == known.end()) {
        Fail(item.ValueMark(), item.path, "unknown shipment status '" + text + "'" + Suggest(text, known));
      }
      if (std::find(out.begin(), out.end(), text) != out.end()) {
        Fail(item.ValueMark(), item.path, "'" + text + "' is listed twice");
      }
      out.push_back(text);
      if (marks) marks->emplace_back(text, item.ValueMark());
    }
    return out;
  }

  void Tracking(const Entry& e) {
    Map(e, {
        {"stale_after", [&](const Entry& f) { p_.tracking.stale_after = Duration(f, sim::Hours(1), sim::Days(90)); }},
        {"ship_within", [&](const Entry& f) { p_.tracking.ship_within = Duration(f, sim::Hours(1), sim::Days(90)); }},
        {"healthy_statuses", [&](const Entry& f) { p_.tracking.healthy_statuses = Statuses(f, nullptr); }},
        {"exception_statuses",
         [&](const Entry& f) {
           exception_marks_.clear();
           p_.tracking.exception_statuses = Statuses(f, &exception_marks_);
         }},
        {"final_statuses", [&](const Entry& f) { p_.tracking.final_statuses = Statuses(f, nullptr); }},
    });
  }

  void Vip(const Entry& e) {
    Map(e, {
        {"lifetime_value_at_least", [&](const Entry& f) { p_.vip.lifetime_value_at_least = Money(f, 1); }},
        {"orders_count_at_least",
         [&](const Entry& f) {
           p_.vip.orders_count_at_least =
               f.value.IsNull() ? std::nullopt : std::optional<std::int64_t>(Int(f, 1, 1'000'000));
         }},
        {"always_human", [&](const Entry& f) { p_.vip.always_human = Bool(f); }},
        {"human_when_active_issue", [&](const Entry& f) { p_.vip.human_when_active_issue = Bool(f); }},
    });
  }

  void NewCustomer(const Entry& e) {
    Map(e, {
        {"orders_count_at_most", [&](const Entry& f) { p_.new_customer.orders_count_at_most = Int(f, 0, 1'000'000); }},
    });
  }

  void RepeatedRefunds(const Entry& e) {
    Map(e, {
        {"refunds_at_least", [&](const Entry& f) { p_.repeated_refunds.refunds_at_least = SmallInt(f, 1, 1000); }},
        {"window", [&](const Entry& f) { p_.repeated_refunds.window = Duration(f, sim::Days(1), sim::Days(3650)); }},
    });
  }

  void Suppression(const Entry& e) {
    std::vector<std::string_view> issue_names;
    for (int i = 0; i < kIssueCount; ++i) issue_names.push_back(IssueName(static_cast<Issue>(i)));
    static const std::vector<std::string_view> kKinds = {"promotional", "review_request"};
    Map(e, {
        {"triggers", [&](const Entry& f) { p_.suppression.triggers = Names<Issue>(f, "trigger", issue_names, ParseIssue); }},
        {"message_kinds",
         [&](const Entry& f) {
           p_.suppression.message_kinds = Names<MessageKind>(
               f, "message kind", kKinds, [](std::string_view s) -> std::optional<MessageKind> {
                 if (s == "promotional") return MessageKind::kPromotional;
                 if (s == "review_request") return MessageKind::kReviewRequest;
                 return std::nullopt;
               });
         }},
    });
  }

  void Offer(const Entry& e, RecoveryOffer& offer) {
    if (e.value.IsNull()) Fail(e.ValueMark(), e.path, "expected a mapping of fields, got nothing");
    // A written offer is whole: fields left out take the offer defaults, not the bucket's, so
    // "vip: {apology: true}" means no discount.
    offer = RecoveryOffer{};
    Map(e, {
        {"apology", [&](const Entry& f) { offer.apology = Bool(f); }},
        {"feedback_request", [&](const Entry& f) { offer.feedback_request = Bool(f); }},
        {"discount",
         [&](const Entry& f) {
           offer.discount.reset();
           if (f.value.IsNull()) return;
           Map(f, {
               {"percent",
                [&](const Entry& g) {
                  if (offer.discount) Fail(g.key_mark, g.path, "give either percent or amount, not both");
                  offer.discount = Discount{Discount::Kind::kPercent, Int(g, 1, 100)};
                }},
               {"amount",
                [&](const Entry& g) {
                  if (offer.discount) Fail(g.key_mark, g.path, "give either percent or amount, not both");
                  offer.discount = Discount{Discount::Kind::kAmount, Money(g, 1)};
                }},
           });
           if (!offer.discount) Fail(f.ValueMark(), f.path, "needs percent or amount");
         }},
    });
  }

  void Recovery(const Entry& e) {
    Map(e, {
        {"metric",
         [&](const Entry& f) {
           const std::string text = Scalar(f, "an event name");
           if (text.empty() || text.size() > 128) Fail(f.ValueMark(), f.path, "must be 1 to 128 characters");
           p_.recovery.metric = text;
         }},
        {"offers",
         [&](const Entry& f) {
           Map(f, {
               {"vip", [&](const Entry& g) { Offer(g, p_.recovery.vip); }},
               {"regular", [&](const Entry& g) { Offer(g, p_.recovery.regular); }},
               {"new", [&](const Entry& g) { Offer(g, p_.recovery.new_customer); }},
           });
         }},
    });
  }

  void PriorityRules(const Entry& e) {
    p_.routing.priority_rules.clear();
    for (const Entry& item : List(e)) {
      if (!item.value.IsMap()) Fail(item.ValueMark(), item.path, "expected {when: <condition>, priority: <priority>}, got " + Describe(item.value));
      PriorityRule rule;
      bool has_when = false, has_priority = false;
      Map(item, {
          {"when",
           [&](const Entry& f) {
             rule.when = Scalar(f, "a condition");
             CheckCondition(f, rule.when);
             has_when = true;
           }},
          {"priority",
           [&](const Entry& f) {
             rule.priority = PriorityOf(f);
             has_priority = true;
           }},
      });
      if (!has_when || !has_priority) Fail(item.ValueMark(), item.path, std::string("missing ") + (has_when ? "priority" : "when"));
      p_.routing.priority_rules.push_back(std::move(rule));
    }
  }

  void CheckCondition(const Entry& f, const std::string& when) const {
    std::vector<std::string_view> known = {"vip",           "new_customer",      "regular_customer", "touches_money",
                                           "repeated_refunds", "automation_failed", "low_confidence"};
    for (int i = 0; i < kIssueCount; ++i) known.push_back(IssueName(static_cast<Issue>(i)));
    if (std::find(known.begin(), known.end(), when) != known.end()) return;
    constexpr std::string_view kIntentPrefix = "intent:";
    if (when.rfind(kIntentPrefix, 0) == 0) {
      const std::string label = when.substr(kIntentPrefix.size());
      if (ParseIntent(label)) return;
      Fail(f.ValueMark(), f.path, "unknown intent '" + label + "'" + Suggest(label, IntentNames()));
    }
    known.push_back("intent:<intent>");
    Fail(f.ValueMark(), f.path, "unknown condition '" + when + "'" + Suggest(when, known));
  }

  void Routing(const Entry& e) {
    Map(e, {
        {"default_assignee_user_id", [&](const Entry& f) { p_.routing.default_assignee_user_id = UserId(f); }},
        {"vip_assignee_user_id", [&](const Entry& f) { p_.routing.vip_assignee_user_id = UserId(f); }},
        {"intent_assignees",
         [&](const Entry& f) {
           p_.routing.intent_assignees.clear();
           if (f.value.IsNull()) return;
           if (!f.value.IsMap()) Fail(f.ValueMark(), f.path, "expected a mapping of intent to user id, got " + Describe(f.value));
           for (auto it = f.value.begin(); it != f.value.end(); ++it) {
             const Entry key{it->first, Join(f.path, it->first.IsScalar() ? it->first.Scalar() : "?"), it->first.Mark()};
             const Intent intent = *IntentOf(key);
             for (const auto& [listed, user] : p_.routing.intent_assignees) {
               if (listed == intent) Fail(key.key_mark, key.path, "duplicate field");
             }
             const std::optional<std::uint64_t> user = UserId(Entry{it->second, key.path, key.key_mark});
             if (!user) Fail(key.key_mark, key.path, "expected a user id, got nothing");
             p_.routing.intent_assignees.emplace_back(intent, *user);
           }
         }},
        {"default_priority", [&](const Entry& f) { p_.routing.default_priority = PriorityOf(f); }},
        {"priority_rules", [&](const Entry& f) { PriorityRules(f); }},
    });
  }

  // Rules that span fields, checked once every field is read.
  void CrossCheck() {
    const auto& never = p_.automation.never_auto_intents;
    for (std::size_t i = 0; i < safe_marks_.size(); ++i) {
      const auto& [intent, mark] = safe_marks_[i];
      const std::string path = Join(prefix(), "automation.safe_intents[" + std::to_string(i) + "]");
      if (IsMoneyIntent(intent)) {
        Fail(mark, path, std::string(IntentName(intent)) + " touches money and is never sent automatically (invariant I2)");
      }
      if (std::find(never.begin(), never.end(), intent) != never.end()) {
        Fail(mark, path, std::string(IntentName(intent)) + " is also in automation.never_auto_intents");
      }
    }
    const auto& healthy = p_.tracking.healthy_statuses;
    for (std::size_t i = 0; i < exception_marks_.size(); ++i) {
      const auto& [status, mark] = exception_marks_[i];
      if (std::find(healthy.begin(), healthy.end(), status) != healthy.end()) {
        Fail(mark, Join(prefix(), "tracking.exception_statuses[" + std::to_string(i) + "]"),
             "'" + status + "' is also in tracking.healthy_statuses");
      }
    }
    // The money intents are never-auto whether listed or not.
    for (const Intent intent : AllIntents()) {
      if (IsMoneyIntent(intent) && std::find(never.begin(), never.end(), intent) == never.end()) {
        p_.automation.never_auto_intents.push_back(intent);
      }
    }
  }

  std::string prefix() const { return options_.root_key; }

  config::Reader reader_;
  const PolicyLoadOptions& options_;
  Policy p_;
  std::vector<std::pair<Intent, YAML::Mark>> safe_marks_;
  std::vector<std::pair<std::string, YAML::Mark>> exception_marks_;
};

}  // namespace

sim::Expected<Policy, PolicyError> LoadPolicyText(std::string_view yaml, std::string_view file_name,
                                                  const PolicyLoadOptions& options) {
  const std::string file(file_name);
  try {
    const YAML::Node doc = YAML::Load(std::string(yaml));
    return Loader(file, options).Load(doc);
  } catch (const config::ReadFailure& failure) {
    return sim::MakeUnexpected(failure.error);
  } catch (const YAML::Exception& e) {
    PolicyError error{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1, "",
                      "YAML syntax: " + e.msg};
    return sim::MakeUnexpected(std::move(error));
  }
}

sim::Expected<Policy, PolicyError> LoadPolicyFile(const std::string& path, const PolicyLoadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::MakeUnexpected(PolicyError{path, 0, 0, "", "cannot open the policy file"});
  std::string text(kMaxPolicyBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxPolicyBytes) {
    return sim::MakeUnexpected(PolicyError{path, 0, 0, "", "the policy file is larger than 1 MiB"});
  }
  return LoadPolicyText(text, path, options);
}

std::optional<sim::Duration> ParsePolicyDuration(std::string_view text) { return config::ParseDuration(text); }

std::string FormatPolicyDuration(sim::Duration d) { return config::FormatDuration(d); }

}  // namespace rh::pipeline
