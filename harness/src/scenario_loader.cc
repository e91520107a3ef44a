// Loading a scenario from YAML (docs/SCENARIOS.md). Sections are read in dependency order
// (store, policy, world, then the timeline and the expectations that refer to the world's
// handles), whatever their order in the file, so a reference is checked when it is read. The
// timeline is then sorted by `at` (stably: steps at the same time keep the file's order, which is
// the order the runner performs them in) and checked as the runner will play it: a ticket is used
// only after the customer_writes that opens it, an order is not refunded more units than it has.
// Internally a failure is thrown as LoadFailure and caught before it leaves this file.
#include "harness/scenario_loader.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <variant>

#include <nlohmann/json.hpp>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include "mocks/common/linear_regex.h"
#include "mocks/gorgias/channels.h"
#include "pipeline/decision_log.h"
#include "pipeline/policy.h"
#include "pipeline/vocabulary/intent.h"
#include "pipeline/store_time.h"
#include "scenario/yaml_reader.h"
#include "sim/crypto.h"
#include "sim/untrusted_text.h"

namespace rh::harness {
namespace {

namespace sc = scenario;
using sc::detail::Entry;
using sc::detail::Fields;
using sc::detail::LoadFailure;
using sc::detail::Reader;
using sc::detail::Suggest;

// Generated and shrunk scenarios can be long; this only guards against reading a wrong file whole.
constexpr std::size_t kMaxScenarioBytes = std::size_t{8} << 20;
// The duration parser's own bound (pipeline::ParsePolicyDuration).
constexpr sim::Duration kLongest = sim::Days(3650);
constexpr int kMaxAgents = 50;

using Names = std::vector<std::string_view>;

// The keys of traffic.cc's TicketsPer100Orders (DESIGN.md's verticals); keep the two in step.
const Names& Verticals() {
  static const Names kNames = {"apparel", "electronics", "vehicles", "hardware", "luggage", "home_garden", "sporting",
                               "business", "pets",        "baby",     "beauty",   "arts",    "food",        "toys"};
  return kNames;
}
const Names& ShopifyPlans() {
  static const Names kNames = {"standard", "advanced", "plus", "enterprise"};
  return kNames;
}
// Shopify's shipment_status values (the mock refuses any other).
const Names& ShipmentStatuses() {
  static const Names kNames = {"label_printed",     "label_purchased", "confirmed",        "carrier_picked_up",
                               "in_transit",        "out_for_delivery", "ready_for_pickup", "picked_up",
                               "delivered",         "attempted_delivery", "delayed",        "failure"};
  return kNames;
}
const Names& FinancialStatuses() {
  static const Names kNames = {"pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded",
                               "voided"};
  return kNames;
}
// Klaviyo message kinds (mocks/klaviyo MessageKind).
const Names& MessageKinds() {
  static const Names kNames = {"promotional", "review_request", "transactional", "recovery"};
  return kNames;
}
// In PipelineVariant's order.
const Names& Variants() {
  static const Names kNames = {"reference", "skips_signature_check", "auto_sends_everything", "ignores_suppression",
                               "no_decision_log", "skips_fact_check", "skips_recovery", "replies_twice",
                               "replies_on_email", "ignores_rate_limits", "sends_offers_unapproved"};
  return kNames;
}
const Names& StepKinds() {
  static const Names kNames = {"customer_writes", "carrier_scan", "agent_replies",     "agent_note",
                               "close_ticket",    "refund",       "wait",              "forged_webhook",
                               "create_fulfillment", "add_to_list", "approve_offer", "decline_offer"};
  return kNames;
}
// Facts of an order a reply expectation can look up (ReplyText::fact).
const Names& OrderFacts() {
  static const Names kNames = {"tracking_number", "carrier", "order_name"};
  return kNames;
}
const Names& ValueBuckets() {
  static const Names kNames = {pipeline::kBucketNew, pipeline::kBucketRegular, pipeline::kBucketVip};
  return kNames;
}
const Names& ComparisonOperators() {
  static const Names kNames = {">=", "<=", "==", ">", "<"};
  return kNames;
}
const Names& Routes() {
  static const Names kNames = {pipeline::decision_route::kAutoSend, pipeline::decision_route::kHuman};
  return kNames;
}
const Names& Priorities() {
  static const Names kNames = {"low", "normal", "high", "critical"};
  return kNames;
}
const Names& DecisionKinds() {
  namespace k = pipeline::decision_kind;
  static const Names kNames = {k::kTriage,       k::kDraft,         k::kRoute,    k::kAutoSend, k::kHumanConfirm,
                               k::kHumanEdit,    k::kHumanOverride, k::kSuppress, k::kRecover,  k::kError};
  return kNames;
}
const Names& Outcomes() {
  namespace o = pipeline::decision_outcome;
  static const Names kNames = {o::kSent,       o::kPendingHuman, o::kConfirmed, o::kEdited, o::kOverridden,
                               o::kSuppressed, o::kRecovered,    o::kFailed};
  return kNames;
}
const Names& OracleIds() {
  static const Names kNames = {"I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8", "I9", "I10", "I11", "I12"};
  return kNames;
}
const Names& Intents() {
  static const Names kNames = [] {
    Names names;
    for (const pipeline::Intent i : pipeline::AllIntents()) names.push_back(pipeline::IntentName(i));
    return names;
  }();
  return kNames;
}
// Channels a customer can write on: every Gorgias channel but internal notes.
const Names& CustomerChannels() {
  static const Names kNames = [] {
    Names names;
    for (const auto& rule : mocks::gorgias::ChannelTable()) {
      if (rule.route != mocks::gorgias::ChannelRoute::kInternal) names.push_back(rule.channel);
    }
    return names;
  }();
  return kNames;
}

bool Contains(const Names& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }
std::string Line(const YAML::Mark& mark) { return "line " + std::to_string(mark.line + 1); }

// A list of names in one sentence: "a, b or c".
std::string OneOf(const Names& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// "54.99", "5", "0.5": a non-negative amount with at most two decimals, kept as written.
bool IsPrice(std::string_view s) {
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  const auto digits = [](std::string_view p) {
    return std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return !whole.empty() && whole.size() <= 12 && digits(whole) && digits(frac) &&
         (dot == std::string_view::npos || (!frac.empty() && frac.size() <= 2));
}

// Enough of an address for Shopify, Gorgias and Klaviyo to take it: one '@', a dotted domain.
bool LooksLikeEmail(std::string_view s) {
  const std::size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) return false;
  const std::string_view domain = s.substr(at + 1);
  const std::size_t dot = domain.find('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size() &&
         s.find_first_of(" \t,;<>") == std::string_view::npos;
}

// E.164: '+' then 8 to 15 digits.
bool IsPhone(std::string_view s) {
  return s.size() >= 9 && s.size() <= 16 && s[0] == '+' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// Where a handle was defined, for "duplicate" and "unknown" messages.
struct Defined {
  std::size_t index = 0;
  YAML::Mark mark;
};
using HandleTable = std::map<std::string, Defined>;

// What the order checks need to know about a step, beside the step itself.
struct StepRefs {
  std::optional<Entry> ticket;  // the step's `ticket` value, when it has one
  std::optional<Entry> order;   // the step's `order` value (refunds, scans, fulfillments)
  std::string kind;             // "customer_writes", ...
  // A carrier_scan on an order the world did not fulfil: a create_fulfillment must come first.
  bool needs_fulfillment = false;
};

// A ticket a customer_writes step opens.
struct Opened {
  std::string customer;
  YAML::Mark mark;  // of the step's ticket value
  sim::Duration at{};
};

class ScenarioLoader {
 public:
  ScenarioLoader(std::string file, std::string base_dir, std::string_view text)
      : r_(std::move(file)), base_dir_(std::move(base_dir)), text_(text) {}

  sc::Scenario Load(const YAML::Node& doc) {
    s_.file = r_.file();
    s_.content_hash = sim::HexEncode(sim::Sha256(text_));
    const Entry root{doc, "", YAML::Mark()};
    if (root.IsNull()) r_.Fail(YAML::Mark(), "schema_version", "missing; the file is empty (this build reads 1)");
    if (!doc.IsMap()) r_.Fail(root, "expected a mapping of scenario fields, got " + sc::detail::Describe(doc));

    // The version first: a newer file's other fields would only confuse.
    Version(root);
    const Fields top = r_.Mapping(root, {"schema_version", "name", "description", "seed", "start", "store", "policy",
                                         "world", "generate", "llm", "faults", "pipeline_variant", "timeline",
                                         "run_for", "sla", "expect"});
    s_.name = r_.NonEmptyText(top.Require("name", "a short name that reads as a story, e.g. name: wismo-healthy"),
                              "a name");
    if (const Entry* e = top.Find("description")) s_.description = r_.Text(*e, "a sentence");
    if (const Entry* e = top.Find("seed")) s_.seed = r_.Uint64(*e);
    if (const Entry* e = top.Find("store")) Store(*e);
    if (const Entry* e = top.Find("start")) Start(*e);  // after the store: it is the store's local time
    if (const Entry* e = top.Find("policy")) Policy(*e);
    if (const Entry* e = top.Find("world")) World(*e);
    if (const Entry* e = top.Find("generate")) Generate(*e);
    if (const Entry* e = top.Find("llm")) Llm(*e);
    if (const Entry* e = top.Find("faults")) Faults(*e);
    if (const Entry* e = top.Find("pipeline_variant")) {
      const std::string v = r_.Name(*e, "pipeline variant", Variants());
      s_.variant = static_cast<sc::PipelineVariant>(std::find(Variants().begin(), Variants().end(), v) - Variants().begin());
    }
    if (const Entry* e = top.Find("timeline")) Timeline(*e);
    if (const Entry* e = top.Find("run_for")) s_.run_for = r_.Duration(*e, sim::Duration::zero(), kLongest);
    if (const Entry* e = top.Find("sla")) {
      const Fields f = r_.Mapping(*e, {"first_response"});
      if (const Entry* g = f.Find("first_response")) s_.first_response_sla = r_.Duration(*g, sim::Sec(1), kLongest);
    }
    if (const Entry* e = top.Find("expect")) Expect(*e);
    return std::move(s_);
  }

 private:
  void Version(const Entry& root) {
    for (auto it = root.value.begin(); it != root.value.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "schema_version") continue;
      const Entry version{it->second, "schema_version", it->first.Mark()};
      const std::int64_t v = r_.Int(version, 0, 1000);
      if (v != 1) r_.Fail(version, "unsupported version " + std::to_string(v) + "; this build reads 1");
      return;
    }
    r_.Fail(root.ValueMark(), "schema_version", "missing; this build reads 1 (write schema_version: 1 first)");
  }

  // ---- store and policy ---------------------------------------------------------------------

  void Store(const Entry& e) {
    const Fields f = r_.Mapping(e, {"name", "vertical", "timezone", "shopify_plan", "smart_sending"});
    if (const Entry* g = f.Find("name")) s_.store.name = r_.NonEmptyText(*g, "the store's name");
    if (const Entry* g = f.Find("vertical")) s_.store.vertical = r_.Name(*g, "vertical", Verticals());
    if (const Entry* g = f.Find("timezone")) {
      const std::string zone = r_.NonEmptyText(*g, "a time zone name");
      if (auto loaded = pipeline::TimeZone::Load(zone); !loaded) r_.Fail(*g, loaded.error());
      s_.store.timezone = zone;
    }
    if (const Entry* g = f.Find("shopify_plan")) s_.store.shopify_plan = r_.Name(*g, "Shopify plan", ShopifyPlans());
    if (const Entry* g = f.Find("smart_sending")) s_.store.smart_sending = r_.Bool(*g);
  }

  // "2026-11-27T00:00:00": the store's local time when the run starts. Written without an offset,
  // because the offset is the zone's business (a DST story starts on either side of a change).
  void Start(const Entry& e) {
    const std::string text = r_.NonEmptyText(e, "a local date and time like 2026-11-27T00:00:00");
    const auto digits_at = [&text](std::initializer_list<std::size_t> at) {
      for (std::size_t i : at) {
        if (text[i] < '0' || text[i] > '9') return false;
      }
      return true;
    };
    const bool shaped = text.size() == 19 && text[4] == '-' && text[7] == '-' && text[10] == 'T' && text[13] == ':' &&
                        text[16] == ':' && digits_at({0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18});
    sim::WallTime local_as_utc{};
    if (!shaped || !sim::ParseRfc3339(text + "Z", local_as_utc)) {
      r_.Fail(e, "expected the store's local date and time like 2026-11-27T00:00:00 (no offset: the store's "
                 "timezone gives it), got " + Quote(text));
    }
    const int year = std::stoi(text.substr(0, 4));
    if (year < 2000 || year > 2100) r_.Fail(e, "the year must be between 2000 and 2100, got " + std::to_string(year));
    auto zone = pipeline::TimeZone::Load(s_.store.timezone);
    if (!zone) r_.Fail(e, zone.error());
    // The UTC instant whose local reading is `text`: the offset is looked up twice, the second
    // time at the first guess, which settles on the earlier reading of an hour that occurs twice.
    const sim::WallTime guess = local_as_utc - zone->OffsetAt(local_as_utc);
    const sim::WallTime at = local_as_utc - zone->OffsetAt(guess);
    if (zone->ToLocal(at).time_since_epoch() != local_as_utc.time_since_epoch()) {
      r_.Fail(e, text + " does not exist in " + s_.store.timezone +
                     " (the clocks skip it at a daylight-saving change); start just before or after the jump");
    }
    s_.start = text;
    s_.start_at = at;
  }

  void Policy(const Entry& e) {
    if (e.value.IsMap()) {
      // Embedded: the policy loader reads the same text under the `policy` key, so its errors
      // already carry this file's positions and "policy." fields.
      pipeline::PolicyLoadOptions options;
      options.root_key = "policy";
      auto policy = pipeline::LoadPolicyText(text_, r_.file(), options);
      if (!policy) {
        const pipeline::PolicyError& p = policy.error();
        throw LoadFailure{ScenarioError{r_.file(), p.line, p.column, p.field, p.message}};
      }
      s_.policy_file = r_.file();
      s_.policy = std::move(policy).value();
      return;
    }
    const std::string written =
        r_.NonEmptyText(e, "a policy file's path (relative to this file) or an embedded policy mapping");
    std::filesystem::path path(written);
    if (path.is_relative() && !base_dir_.empty()) path = std::filesystem::path(base_dir_) / path;
    const std::string resolved = path.lexically_normal().generic_string();
    auto policy = pipeline::LoadPolicyFile(resolved);
    // Both positions: where this file names the policy, and the policy file's own.
    if (!policy) r_.Fail(e, "the policy file does not load: " + policy.error().ToString());
    s_.policy_file = resolved;
    s_.policy = std::move(policy).value();
  }

  // ---- the world ------------------------------------------------------------------------------

  // Defines a handle, refusing a second definition.
  std::string Define(const Entry& e, std::string_view what, HandleTable& table, std::size_t index) {
    std::string handle = r_.Handle(e, "a " + std::string(what) + " handle");
    if (auto it = table.find(handle); it != table.end()) {
      r_.Fail(e, "duplicate " + std::string(what) + " handle " + Quote(handle) + " (first defined on " +
                     Line(it->second.mark) + ")");
    }
    table.emplace(handle, Defined{index, e.ValueMark()});
    return handle;
  }

  // A reference to a defined handle; `defined_in` says where they are defined.
  std::string Ref(const Entry& e, std::string_view what, const HandleTable& table, std::string_view defined_in) const {
    std::string handle = r_.Handle(e, "a " + std::string(what) + " handle");
    if (table.count(handle)) return handle;
    if (table.empty()) r_.Fail(e, "unknown " + std::string(what) + " " + Quote(handle) + ": " + std::string(defined_in) + " defines none");
    Names known;
    for (const auto& [name, defined] : table) known.push_back(name);
    r_.Fail(e, "unknown " + std::string(what) + " " + Quote(handle) + Suggest(handle, known));
  }

  std::vector<std::string> ListRefs(const Entry& e) const {
    std::vector<std::string> out;
    for (const Entry& item : r_.List(e)) {
      std::string handle = Ref(item, "list", lists_, "world.lists");
      if (std::find(out.begin(), out.end(), handle) != out.end()) r_.Fail(item, Quote(handle) + " is listed twice");
      out.push_back(std::move(handle));
    }
    return out;
  }

  void World(const Entry& e) {
    const Fields f = r_.Mapping(e, {"customers", "orders", "lists", "campaigns", "flows"});
    // Definitions before their users, whatever the file's order.
    if (const Entry* g = f.Find("lists")) Lists(*g);
    if (const Entry* g = f.Find("customers")) Customers(*g);
    if (const Entry* g = f.Find("orders")) Orders(*g);
    if (const Entry* g = f.Find("campaigns")) Campaigns(*g);
    if (const Entry* g = f.Find("flows")) Flows(*g);
  }

  void Lists(const Entry& e) {
    for (const Entry& item : r_.List(e)) {
      const Fields f = r_.Mapping(item, {"handle", "name"});
      sc::KlaviyoList list;
      list.handle = Define(f.Require("handle", "the list's handle, e.g. handle: newsletter"), "list", lists_,
                           s_.world.lists.size());
      list.name = list.handle;
      if (const Entry* g = f.Find("name")) list.name = r_.NonEmptyText(*g, "the list's name");
      s_.world.lists.push_back(std::move(list));
    }
  }

  void Customers(const Entry& e) {
    std::map<std::string, YAML::Mark> emails;  // lower-cased: the services match addresses so
    for (const Entry& item : r_.List(e)) {
      const Fields f = r_.Mapping(item, {"handle", "email", "first_name", "last_name", "phone", "tags",
                                         "marketing_consent", "lists"});
      sc::Customer c;
      c.handle = Define(f.Require("handle", "the customer's handle, e.g. handle: ana"), "customer", customers_,
                        s_.world.customers.size());
      c.email = c.handle + "@example.com";
      YAML::Mark email_mark = f.self().ValueMark();
      if (const Entry* g = f.Find("email")) {
        c.email = r_.NonEmptyText(*g, "an email address");
        if (!LooksLikeEmail(c.email)) r_.Fail(*g, "expected an email address like ana@example.com, got " + Quote(c.email));
        email_mark = g->ValueMark();
      }
      if (auto [it, fresh] = emails.emplace(Lower(c.email), email_mark); !fresh) {
        r_.Fail(email_mark, item.path + ".email",
                "another customer has the email " + c.email + " (" + Line(it->second) + ")");
      }
      if (const Entry* g = f.Find("first_name")) c.first_name = r_.Text(*g, "a first name");
      if (const Entry* g = f.Find("last_name")) c.last_name = r_.Text(*g, "a last name");
      if (const Entry* g = f.Find("phone")) {
        c.phone = r_.Text(*g, "a phone number");
        if (!c.phone.empty() && !IsPhone(c.phone)) r_.Fail(*g, "expected a phone number like +15551230001, got " + Quote(c.phone));
      }
      if (const Entry* g = f.Find("tags")) c.tags = r_.Texts(*g, "a tag");
      if (const Entry* g = f.Find("marketing_consent")) c.marketing_consent = r_.Bool(*g);
      if (const Entry* g = f.Find("lists")) c.lists = ListRefs(*g);
      s_.world.customers.push_back(std::move(c));
    }
  }

  void Orders(const Entry& e) {
    for (const Entry& item : r_.List(e)) {
      const Fields f = r_.Mapping(item, {"handle", "customer", "items", "financial_status", "age", "fulfillment",
                                         "refunds"});
      sc::Order o;
      o.handle = Define(f.Require("handle", "the order's handle, e.g. handle: o1"), "order", orders_,
                        s_.world.orders.size());
      o.customer = Ref(f.Require("customer", "whose order it is (a customer handle)"), "customer", customers_,
                       "world.customers");
      if (const Entry* g = f.Find("items")) {
        for (const Entry& line : r_.List(*g)) o.items.push_back(Item(line));
        if (o.items.empty()) r_.Fail(*g, "an order needs at least one item (leave items out for one Hoodie)");
      } else {
        o.items.push_back(sc::LineItem{});
      }
      if (const Entry* g = f.Find("financial_status")) o.financial_status = r_.Name(*g, "financial status", FinancialStatuses());
      if (const Entry* g = f.Find("age")) o.age = r_.Duration(*g, sim::Duration::zero(), kLongest, "an age counts back from the start of the run");
      if (const Entry* g = f.Find("fulfillment")) {
        const Fields ff = r_.Mapping(*g, {"carrier", "tracking_number", "status", "age"});
        sc::Fulfillment fulfillment;
        if (const Entry* h = ff.Find("carrier")) fulfillment.carrier = r_.NonEmptyText(*h, "a carrier name");
        if (const Entry* h = ff.Find("tracking_number")) fulfillment.tracking_number = r_.Text(*h, "a tracking number");
        if (const Entry* h = ff.Find("status")) fulfillment.status = r_.Name(*h, "shipment status", ShipmentStatuses());
        if (const Entry* h = ff.Find("age")) {
          fulfillment.age = r_.Duration(*h, sim::Duration::zero(), kLongest, "an age counts back from the start of the run");
          if (fulfillment.age > o.age) {
            r_.Fail(*h, "fulfilled " + pipeline::FormatPolicyDuration(fulfillment.age) + " ago, before the order was placed (age " +
                            pipeline::FormatPolicyDuration(o.age) + ")");
          }
        }
        o.fulfillment = std::move(fulfillment);
      }
      std::int64_t units = 0;
      for (const auto& line : o.items) units += line.quantity;
      if (const Entry* g = f.Find("refunds")) {
        const std::int64_t refunds = r_.Int(*g, 0, 1000);
        if (refunds > units) {
          r_.Fail(*g, "the order has " + std::to_string(units) + (units == 1 ? " unit" : " units") + " to refund, not " +
                          std::to_string(refunds));
        }
        o.refunds = static_cast<int>(refunds);
      }
      units_left_[o.handle] = units - o.refunds;
      s_.world.orders.push_back(std::move(o));
    }
  }

  sc::LineItem Item(const Entry& e) const {
    const Fields f = r_.Mapping(e, {"title", "sku", "quantity", "price"});
    sc::LineItem line;
    if (const Entry* g = f.Find("title")) line.title = r_.NonEmptyText(*g, "an item title");
    if (const Entry* g = f.Find("sku")) line.sku = r_.NonEmptyText(*g, "a SKU");
    if (const Entry* g = f.Find("quantity")) line.quantity = static_cast<int>(r_.Int(*g, 1, 1000));
    if (const Entry* g = f.Find("price")) {
      line.price = r_.Text(*g, "a price like \"54.99\"");
      if (!IsPrice(line.price)) r_.Fail(*g, "expected a price like \"54.99\" (at most 2 decimals), got " + Quote(line.price));
    }
    return line;
  }

  void Campaigns(const Entry& e) {
    for (const Entry& item : r_.List(e)) {
      const Fields f = r_.Mapping(item, {"name", "kind", "at", "lists", "smart_sending"});
      sc::Campaign c;
      c.name = r_.NonEmptyText(f.Require("name", "the campaign's name"), "a campaign name");
      if (const Entry* g = f.Find("kind")) c.kind = r_.Name(*g, "message kind", MessageKinds());
      if (const Entry* g = f.Find("at")) c.at = r_.Duration(*g, sim::Duration::zero(), kLongest, "a campaign sends after the run starts");
      const Entry& lists = f.Require("lists", "the list handles it sends to, e.g. lists: [newsletter]");
      c.lists = ListRefs(lists);
      if (c.lists.empty()) r_.Fail(lists, "a campaign needs at least one list");
      if (const Entry* g = f.Find("smart_sending")) c.smart_sending = r_.Bool(*g);
      s_.world.campaigns.push_back(std::move(c));
    }
  }

  void Flows(const Entry& e) {
    for (const Entry& item : r_.List(e)) {
      const Fields f = r_.Mapping(item, {"name", "trigger_metric", "trigger_list", "actions"});
      sc::Flow flow;
      flow.name = r_.NonEmptyText(f.Require("name", "the flow's name"), "a flow name");
      const Entry* metric = f.Find("trigger_metric");
      const Entry* list = f.Find("trigger_list");
      if (metric && list) {
        const Entry* second = metric->key_mark.pos > list->key_mark.pos ? metric : list;
        r_.Fail(second->key_mark, second->path, "give trigger_metric or trigger_list, not both");
      }
      if (metric) flow.trigger_metric = r_.NonEmptyText(*metric, "a metric name");
      if (list) flow.trigger_list = Ref(*list, "list", lists_, "world.lists");
      if (!metric && !list) {
        r_.Fail(f.self().ValueMark(), item.path + ".trigger_metric",
                "missing; a flow starts on trigger_metric (e.g. \"Fulfilled Order\") or trigger_list (a list handle)");
      }
      const Entry& actions = f.Require("actions", "the flow's steps, e.g. actions: [{delay: 3d}, {message: Review request}]");
      for (const Entry& a : r_.List(actions)) {
        const Fields af = r_.Mapping(a, {"delay", "message", "kind", "smart_sending"});
        sc::FlowAction action;
        const Entry* delay = af.Find("delay");
        const Entry* message = af.Find("message");
        const Entry* kind = af.Find("kind");
        if (delay && message) {
          const Entry* second = delay->key_mark.pos > message->key_mark.pos ? delay : message;
          r_.Fail(second->key_mark, second->path, "an action is a delay or a message, not both");
        }
        if (!delay && !message) r_.Fail(af.self().ValueMark(), a.path, "an action needs delay (e.g. 3d) or message (an email's name)");
        if (delay && kind) r_.Fail(kind->key_mark, kind->path, "a delay has no kind; kind belongs to a message");
        if (const Entry* smart = af.Find("smart_sending")) {
          if (delay) r_.Fail(smart->key_mark, smart->path, "a delay sends nothing; smart_sending belongs to a message");
          action.smart_sending = r_.Bool(*smart);
        }
        if (delay) action.delay = r_.Duration(*delay, sim::Sec(1), kLongest);
        if (message) action.message = r_.NonEmptyText(*message, "an email's name");
        if (kind) action.kind = r_.Name(*kind, "message kind", MessageKinds());
        flow.actions.push_back(std::move(action));
      }
      if (flow.actions.empty()) r_.Fail(actions, "a flow needs at least one action");
      s_.world.flows.push_back(std::move(flow));
    }
  }

  // ---- generated traffic and faults --------------------------------------------------------------

  void Generate(const Entry& e) {
    const Fields f = r_.Mapping(e, {"vertical", "orders_per_day", "average_order_value", "repeat_share", "delay_rate",
                                    "days", "intent_mix", "channel_mix", "write_on_delay", "reopen_on_wrong_answer",
                                    "agents", "agent_handle_time", "agent_shift"});
    sc::Generate g;
    if (const Entry* h = f.Find("vertical")) g.vertical = r_.Name(*h, "vertical", Verticals());
    if (const Entry* h = f.Find("orders_per_day")) g.orders_per_day = static_cast<int>(r_.Int(*h, 1, 1'000'000));
    if (const Entry* h = f.Find("average_order_value")) g.average_order_value = r_.Number(*h, 1, 1'000'000);
    if (const Entry* h = f.Find("repeat_share")) g.repeat_share = r_.Probability(*h);
    if (const Entry* h = f.Find("delay_rate")) g.delay_rate = r_.Probability(*h);
    if (const Entry* h = f.Find("days")) g.days = static_cast<int>(r_.Int(*h, 1, 366));
    if (const Entry* h = f.Find("intent_mix")) g.intent_mix = Mix(*h, "intent", Intents());
    if (const Entry* h = f.Find("channel_mix")) g.channel_mix = Mix(*h, "channel", CustomerChannels());
    if (const Entry* h = f.Find("write_on_delay")) g.write_on_delay = r_.Probability(*h);
    if (const Entry* h = f.Find("reopen_on_wrong_answer")) g.reopen_on_wrong_answer = r_.Probability(*h);
    if (const Entry* h = f.Find("agents")) g.agents = static_cast<int>(r_.Int(*h, 1, 1000));
    if (const Entry* h = f.Find("agent_handle_time")) g.agent_handle_time = r_.Duration(*h, sim::Sec(1), sim::Days(1));
    if (const Entry* h = f.Find("agent_shift")) {
      const Fields shift = r_.Mapping(*h, {"start", "end"});
      const Entry& start = shift.Require("start", "the time of day the shift starts, e.g. start: 8h");
      const Entry& end = shift.Require("end", "the time of day the shift ends, e.g. end: 20h");
      g.shift_start = r_.Duration(start, sim::Hours(0), sim::Hours(24));
      g.shift_end = r_.Duration(end, sim::Hours(0), sim::Hours(24));
      if (g.shift_end <= g.shift_start) r_.Fail(end, "a shift ends after it starts, within one day");
    }
    s_.generate = std::move(g);
  }

  // `kind` label -> share, each label one of `names`; the shares add up to 1.
  std::map<std::string, double> Mix(const Entry& e, const char* kind, const Names& names) {
    std::map<std::string, double> mix;
    double sum = 0;
    for (const auto& [label, share] : r_.OpenMapping(e, kind)) {
      if (!Contains(names, label)) r_.Fail(share.key_mark, share.path, "unknown " + std::string(kind) + " " + Quote(label) + Suggest(label, names));
      mix[label] = r_.Probability(share);
      sum += mix[label];
    }
    // Shares, not weights: a mix that does not add up is a typo more often than not.
    if (!mix.empty() && (sum < 0.999 || sum > 1.001)) {
      char text[32];
      std::snprintf(text, sizeof text, "%.3g", sum);
      r_.Fail(e, std::string("the shares add up to ") + text + ", not 1");
    }
    return mix;
  }

  void Llm(const Entry& e) {
    const Fields f = r_.Mapping(e, {"faults", "accuracy", "scripts"});
    sc::LlmFaults& llm = s_.faults.llm;
    if (const Entry* g = f.Find("scripts")) {
      for (const Entry& item : r_.List(*g)) s_.faults.llm_scripts.push_back(LlmScript(item));
    }
    if (const Entry* g = f.Find("faults")) {
      const Fields ff = r_.Mapping(*g, {"overload", "refusal", "hallucinated_tracking", "refund_promise", "invalid_json",
                                        "truncated", "slow_stream"});
      const std::pair<std::string_view, double*> rates[] = {
          {"overload", &llm.overload},         {"refusal", &llm.refusal},
          {"hallucinated_tracking", &llm.hallucinated_tracking}, {"refund_promise", &llm.refund_promise},
          {"invalid_json", &llm.invalid_json}, {"truncated", &llm.truncated},
          {"slow_stream", &llm.slow_stream}};
      for (const auto& [name, rate] : rates) {
        if (const Entry* h = ff.Find(name)) *rate = r_.Probability(*h);
      }
    }
    if (const Entry* g = f.Find("accuracy")) llm.accuracy = r_.Probability(*g);
  }

  sc::LlmScript LlmScript(const Entry& e) {
    const Fields f = r_.Mapping(e, {"contains", "regex", "nth_call", "times", "text", "json", "status", "error_type",
                                    "error_message"});
    sc::LlmScript s;
    s.where = r_.SourceOf(e.ValueMark());
    if (const Entry* h = f.Find("contains")) s.contains = r_.Text(*h, "text the prompt contains");
    if (const Entry* h = f.Find("regex")) {
      s.regex = r_.Text(*h, "an ECMAScript regular expression");
      // The LLM mock matches in linear time (mocks/common/linear_regex.h), so a pattern it cannot
      // match that way (a backreference, a lookahead) is refused here, with the reason.
      if (const auto compiled = mocks::LinearRegex::Compile(s.regex); !compiled) {
        r_.Fail(*h, "not a regular expression the LLM mock can match: " + compiled.error());
      }
    }
    if (const Entry* h = f.Find("nth_call")) s.nth_call = static_cast<std::uint64_t>(r_.Int(*h, 1, 100'000'000));
    if (const Entry* h = f.Find("times")) s.times = static_cast<std::uint64_t>(r_.Int(*h, 1, 100'000'000));
    if (const Entry* h = f.Find("text")) s.text = r_.Text(*h, "the answer's text");
    if (const Entry* h = f.Find("json")) {
      s.json = r_.NonEmptyText(*h, "a JSON answer, e.g. json: '{\"intent\": \"wismo\", \"confidence\": 0.97}'");
      if (!sim::JsonNestingWithin(s.json)) {
        r_.Fail(*h, "JSON nested deeper than " + std::to_string(sim::kMaxJsonNesting) + " levels");
      } else if (!nlohmann::json::accept(s.json)) {
        r_.Fail(*h, "not valid JSON");
      }
    }
    if (const Entry* h = f.Find("status")) s.status = static_cast<int>(r_.Int(*h, 400, 599));
    if (const Entry* h = f.Find("error_type")) s.error_type = r_.Text(*h, "an error type, e.g. overloaded_error");
    if (const Entry* h = f.Find("error_message")) s.error_message = r_.Text(*h, "an error message");
    if (s.text.empty() && s.json.empty() && s.status == 0) {
      r_.Fail(e.ValueMark(), e.path, "a script answers with text, json or an error status; give one");
    }
    return s;
  }

  void Faults(const Entry& e) {
    const Fields f = r_.Mapping(e, {"webhooks", "shopify_rest", "llm_requests_per_minute"});
    if (const Entry* g = f.Find("webhooks")) {
      const Fields w = r_.Mapping(*g, {"duplicate_rate", "delay_rate", "max_delay"});
      if (const Entry* h = w.Find("duplicate_rate")) s_.faults.webhooks.duplicate_rate = r_.Probability(*h);
      if (const Entry* h = w.Find("delay_rate")) s_.faults.webhooks.delay_rate = r_.Probability(*h);
      if (const Entry* h = w.Find("max_delay")) s_.faults.webhooks.max_delay = r_.Duration(*h, sim::Sec(1), sim::Days(1));
    }
    if (const Entry* g = f.Find("shopify_rest")) {
      const Fields rest = r_.Mapping(*g, {"bucket", "leak_every"});
      if (const Entry* h = rest.Find("bucket")) s_.faults.shopify_rest_bucket = r_.Int(*h, 1, 100'000);
      if (const Entry* h = rest.Find("leak_every")) s_.faults.shopify_rest_leak_every = r_.Duration(*h, sim::Sec(1), sim::Hours(1));
    }
    if (const Entry* g = f.Find("llm_requests_per_minute")) s_.faults.llm_requests_per_minute = r_.Number(*g, 0.001, 1e7);
  }

  // ---- the timeline -------------------------------------------------------------------------------

  void Timeline(const Entry& e) {
    std::vector<std::pair<sc::Step, StepRefs>> steps;
    for (const Entry& item : r_.List(e)) {
      if (!item.value.IsMap()) {
        r_.Fail(item, "expected a step like {at: 10m, customer_writes: {...}}, got " + sc::detail::Describe(item.value));
      }
      // A step is `at` plus exactly one action, so its keys are read here rather than by Mapping:
      // an unknown key is an unknown step kind.
      std::optional<Entry> at, action;
      std::string kind;
      for (auto it = item.value.begin(); it != item.value.end(); ++it) {
        const YAML::Mark key_mark = it->first.Mark();
        if (!it->first.IsScalar()) r_.Fail(key_mark, item.path, "field names must be plain words");
        const std::string key = it->first.Scalar();
        const Entry entry{it->second, sc::detail::Join(item.path, key), key_mark};
        if (key == "at") {
          if (at) r_.Fail(key_mark, entry.path, "duplicate field (first given on " + Line(at->key_mark) + ")");
          at.emplace(entry);
        } else if (Contains(StepKinds(), key)) {
          if (action) r_.Fail(key_mark, entry.path, "one action per step; this step already has " + kind + " (" + Line(action->key_mark) + ")");
          action.emplace(entry);
          kind = key;
        } else {
          Names known = StepKinds();
          known.insert(known.begin(), "at");
          r_.Fail(key_mark, entry.path, "unknown step kind " + Quote(key) + Suggest(key, known));
        }
      }
      if (!at) r_.Fail(item.ValueMark(), item.path + ".at", "missing; when the step happens, from the start of the run (e.g. at: 10m)");
      if (!action) r_.Fail(item.ValueMark(), item.path, "a step needs an action: one of " + OneOf(StepKinds()));
      sc::Step step;
      step.at = r_.Duration(*at, sim::Duration::zero(), kLongest, "a step cannot happen before the run starts");
      step.source = r_.SourceOf(item.ValueMark());
      StepRefs refs;
      refs.kind = kind;
      step.action = Action(kind, *action, refs);
      steps.emplace_back(std::move(step), std::move(refs));
    }
    // Sorted through indices: the steps hold Entries, which must not be assigned (yaml_reader.h).
    std::vector<std::size_t> order(steps.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&steps](std::size_t a, std::size_t b) { return steps[a].first.at < steps[b].first.at; });
    std::vector<const std::pair<sc::Step, StepRefs>*> played;
    for (const std::size_t i : order) played.push_back(&steps[i]);
    CheckPlayOrder(played);
    for (const std::size_t i : order) s_.timeline.push_back(std::move(steps[i].first));
  }

  int Agent(const Fields& f) const {
    const Entry* e = f.Find("agent");
    return e ? static_cast<int>(r_.Int(*e, 0, kMaxAgents - 1)) : 0;
  }

  std::string Customer(const Fields& f) const {
    return Ref(f.Require("customer", "who (a customer handle)"), "customer", customers_, "world.customers");
  }

  std::string Ticket(const Fields& f, StepRefs& refs) const {
    const Entry& e = f.Require("ticket", "which ticket (the handle a customer_writes step gave it)");
    refs.ticket.emplace(e);
    return r_.Handle(e, "a ticket handle");
  }

  // A Gorgias channel a customer can write on; internal notes are an agent's (agent_note).
  std::string CustomerChannel(const Entry& e) const {
    const std::string channel = r_.Text(e, "a channel");
    const auto* rule = mocks::gorgias::FindChannelRule(channel);
    if (rule && rule->route == mocks::gorgias::ChannelRoute::kInternal) {
      r_.Fail(e, "customers do not write internal notes (an agent's note is an agent_note step); use a channel such "
                 "as email, sms or chat");
    }
    return r_.Name(e, "channel", CustomerChannels());
  }

  std::string Order(const Fields& f, StepRefs& refs) const {
    const Entry& e = f.Require("order", "which order (an order handle)");
    refs.order.emplace(e);
    return Ref(e, "order", orders_, "world.orders");
  }

  sc::Action Action(const std::string& kind, const Entry& e, StepRefs& refs) const {
    if (kind == "customer_writes") {
      const Fields f = r_.Mapping(e, {"customer", "channel", "text", "ticket", "with_photo", "intent"});
      sc::CustomerWrites a;
      a.customer = Customer(f);
      if (const Entry* g = f.Find("channel")) a.channel = CustomerChannel(*g);
      a.text = r_.NonEmptyText(f.Require("text", "what the customer writes"), "the message's text");
      if (const Entry* g = f.Find("ticket")) {
        refs.ticket.emplace(*g);
        a.ticket = r_.Handle(*g, "a ticket handle");
      }
      if (const Entry* g = f.Find("with_photo")) a.with_photo = r_.Bool(*g);
      // Ground truth for the oracles, so a label the pipeline does not know is a typo, not a wish.
      if (const Entry* g = f.Find("intent")) a.intent = r_.Name(*g, "intent", Intents());
      return a;
    }
    if (kind == "carrier_scan") {
      const Fields f = r_.Mapping(e, {"order", "status", "message"});
      sc::CarrierScan a;
      a.order = Order(f, refs);
      // An order shipped mid-run (create_fulfillment) is checked in play order.
      refs.needs_fulfillment = !s_.world.orders[orders_.at(a.order).index].fulfillment;
      a.status = r_.Name(f.Require("status", "the shipment status the scan reports, e.g. status: delayed"),
                         "shipment status", ShipmentStatuses());
      if (const Entry* g = f.Find("message")) a.message = r_.Text(*g, "the scan's message");
      return a;
    }
    if (kind == "agent_replies") {
      const Fields f = r_.Mapping(e, {"ticket", "agent", "text"});
      sc::AgentReplies a;
      a.ticket = Ticket(f, refs);
      a.agent = Agent(f);
      if (const Entry* g = f.Find("text")) a.text = r_.NonEmptyText(*g, "draft, edit or the reply's text");
      return a;
    }
    if (kind == "agent_note") {
      const Fields f = r_.Mapping(e, {"ticket", "agent", "text"});
      sc::AgentNote a;
      a.ticket = Ticket(f, refs);
      a.agent = Agent(f);
      a.text = r_.NonEmptyText(f.Require("text", "the note's text"), "the note's text");
      return a;
    }
    if (kind == "close_ticket") {
      const Fields f = r_.Mapping(e, {"ticket", "agent"});
      sc::CloseTicket a;
      a.ticket = Ticket(f, refs);
      a.agent = Agent(f);
      return a;
    }
    if (kind == "approve_offer" || kind == "decline_offer") {
      const Fields f = r_.Mapping(e, {"ticket", "agent"});
      sc::DecideOffer a;
      a.ticket = Ticket(f, refs);
      a.agent = Agent(f);
      a.approve = kind == "approve_offer";
      return a;
    }
    if (kind == "refund") {
      const Fields f = r_.Mapping(e, {"order", "note"});
      sc::Refund a;
      a.order = Order(f, refs);
      if (const Entry* g = f.Find("note")) a.note = r_.NonEmptyText(*g, "the refund's note");
      return a;
    }
    if (kind == "wait") {
      r_.Mapping(e, std::vector<std::string_view>{});  // `wait: {}` or `wait:`; nothing else
      return sc::Wait{};
    }
    if (kind == "create_fulfillment") {
      const Fields f = r_.Mapping(e, {"order", "carrier", "tracking_number", "status"});
      sc::CreateFulfillment a;
      a.order = Order(f, refs);
      if (s_.world.orders[orders_.at(a.order).index].fulfillment) {
        r_.Fail(*refs.order, "order " + Quote(a.order) + " is already fulfilled in world.orders; a create_fulfillment step "
                                 "ships an order that has no fulfillment yet");
      }
      if (const Entry* g = f.Find("carrier")) a.carrier = r_.NonEmptyText(*g, "a carrier name");
      if (const Entry* g = f.Find("tracking_number")) a.tracking_number = r_.Text(*g, "a tracking number");
      if (const Entry* g = f.Find("status")) a.status = r_.Name(*g, "shipment status", ShipmentStatuses());
      return a;
    }
    if (kind == "add_to_list") {
      const Fields f = r_.Mapping(e, {"customer", "list"});
      sc::AddToList a;
      a.customer = Customer(f);
      a.list = Ref(f.Require("list", "which Klaviyo list (a list handle)"), "list", lists_, "world.lists");
      return a;
    }
    const Fields f = r_.Mapping(e, {"customer", "text"});  // forged_webhook
    sc::ForgedWebhook a;
    a.customer = Customer(f);
    if (const Entry* g = f.Find("text")) a.text = r_.NonEmptyText(*g, "the forged message's text");
    return a;
  }

  // The timeline as the runner plays it (sorted): tickets exist before they are used and stay
  // with the customer who opened them; refunds do not outrun the order's units.
  void CheckPlayOrder(const std::vector<const std::pair<sc::Step, StepRefs>*>& steps) {
    std::map<std::string, Opened> all;  // every ticket any customer_writes opens, first opening
    for (const auto* played : steps) {
      const auto& [step, refs] = *played;
      if (const auto* w = std::get_if<sc::CustomerWrites>(&step.action); w && !w->ticket.empty()) {
        all.emplace(w->ticket, Opened{w->customer, refs.ticket->ValueMark(), step.at});
      }
    }
    std::map<std::string, std::string> open;  // ticket -> customer, as of the current step
    std::map<std::string, std::int64_t> units_left = units_left_;
    std::map<std::string, YAML::Mark> shipped;  // order -> the create_fulfillment step's order value
    for (const auto* played : steps) {
      const auto& [step, refs] = *played;
      if (const auto* ship = std::get_if<sc::CreateFulfillment>(&step.action)) {
        if (auto [it, fresh] = shipped.emplace(ship->order, refs.order->ValueMark()); !fresh) {
          r_.Fail(*refs.order, "order " + Quote(ship->order) + " is already shipped by the create_fulfillment on " +
                                   Line(it->second) + "; an order has one fulfillment here");
        }
      } else if (refs.needs_fulfillment && !shipped.count(std::get<sc::CarrierScan>(step.action).order)) {
        r_.Fail(*refs.order, "order " + Quote(std::get<sc::CarrierScan>(step.action).order) +
                                 " has no fulfillment, so no carrier scans it (give it a fulfillment, or a "
                                 "create_fulfillment step before this one)");
      }
      if (const auto* w = std::get_if<sc::CustomerWrites>(&step.action)) {
        if (w->ticket.empty()) continue;
        if (auto it = open.find(w->ticket); it != open.end() && it->second != w->customer) {
          r_.Fail(*refs.ticket, "ticket " + Quote(w->ticket) + " is " + it->second + "'s (opened on " +
                                    Line(all.at(w->ticket).mark) + "); " + w->customer + " cannot write on it");
        }
        open.emplace(w->ticket, w->customer);
      } else if (refs.ticket) {
        const std::string& ticket = refs.ticket->value.Scalar();
        if (open.count(ticket)) continue;
        if (auto it = all.find(ticket); it != all.end()) {
          r_.Fail(*refs.ticket, "ticket " + Quote(ticket) + " is used before the customer_writes that opens it (" +
                                    Line(it->second.mark) + ", at " + pipeline::FormatPolicyDuration(it->second.at) + ")");
        }
        Names known;
        for (const auto& [name, opened] : all) known.push_back(name);
        r_.Fail(*refs.ticket, "unknown ticket " + Quote(ticket) + ": tickets are opened by customer_writes steps" +
                                  (known.empty() ? std::string(" and none gives one") : Suggest(ticket, known)));
      } else if (const auto* refund = std::get_if<sc::Refund>(&step.action)) {
        if (--units_left[refund->order] < 0) {
          r_.Fail(*refs.order, "order " + Quote(refund->order) + " has no unit left to refund by then (its items and " +
                                   "earlier refunds used them all)");
        }
      }
    }
    tickets_ = std::move(all);
  }

  // ---- expectations ---------------------------------------------------------------------------------

  // A ticket handle that some customer_writes step opens.
  std::string TicketRef(const Entry& e, const YAML::Mark& mark, const std::string& handle) const {
    if (tickets_.count(handle)) return handle;
    Names known;
    for (const auto& [name, opened] : tickets_) known.push_back(name);
    r_.Fail(mark, e.path, "unknown ticket " + Quote(handle) + ": no customer_writes step opens it" +
                              (known.empty() ? std::string() : Suggest(handle, known)));
  }

  void Expect(const Entry& e) {
    const Fields f = r_.Mapping(e, {"tickets", "klaviyo", "decisions", "orders", "kpis", "oracles_fire"});
    sc::Expectations& x = s_.expect;
    if (const Entry* g = f.Find("tickets")) {
      for (const auto& [handle, entry] : r_.OpenMapping(*g, "ticket handle")) {
        TicketRef(entry, entry.key_mark, handle);
        x.tickets.push_back(TicketExpectation(handle, entry));
      }
    }
    if (const Entry* g = f.Find("klaviyo")) Klaviyo(*g);
    if (const Entry* g = f.Find("decisions")) {
      for (const Entry& item : r_.List(*g)) {
        const Fields d = r_.Mapping(item, {"ticket", "kind", "route", "outcome", "override_reason", "count",
                                           "rationale_mentions", "value_bucket"});
        sc::DecisionExpectation want;
        const Entry& ticket = d.Require("ticket", "which ticket's decisions (a ticket handle)");
        want.ticket = TicketRef(ticket, ticket.ValueMark(), r_.Handle(ticket, "a ticket handle"));
        want.kind = r_.Name(d.Require("kind", "the decision-log row kind, e.g. kind: route"), "decision kind", DecisionKinds());
        if (const Entry* h = d.Find("route")) want.route = r_.Name(*h, "route", Routes());
        if (const Entry* h = d.Find("outcome")) want.outcome = r_.Name(*h, "outcome", Outcomes());
        if (const Entry* h = d.Find("override_reason")) want.override_reason = r_.NonEmptyText(*h, "the agent's reason");
        if (const Entry* h = d.Find("count")) want.count = static_cast<int>(r_.Int(*h, 0, 100'000));
        if (const Entry* h = d.Find("rationale_mentions")) {
          want.rationale_mentions = r_.NonEmptyText(*h, "text the rationale contains, e.g. rationale_mentions: delivery exception");
        }
        if (const Entry* h = d.Find("value_bucket")) want.value_bucket = r_.Name(*h, "value bucket", ValueBuckets());
        want.source = r_.SourceOf(item.ValueMark());
        x.decisions.push_back(std::move(want));
      }
    }
    if (const Entry* g = f.Find("orders")) {
      for (const auto& [handle, entry] : r_.OpenMapping(*g, "order handle")) {
        if (!orders_.count(handle)) {
          Names known;
          for (const auto& [name, defined] : orders_) known.push_back(name);
          r_.Fail(entry.key_mark, entry.path,
                  "unknown order " + Quote(handle) +
                      (known.empty() ? std::string(": world.orders defines none") : Suggest(handle, known)));
        }
        x.orders.push_back(OrderExpectation(handle, entry));
      }
    }
    if (const Entry* g = f.Find("kpis")) Kpis(*g);
    if (const Entry* g = f.Find("oracles_fire")) {
      for (const Entry& item : r_.List(*g)) {
        std::string id = r_.Name(item, "oracle id", OracleIds());
        if (std::find(x.oracles_fire.begin(), x.oracles_fire.end(), id) != x.oracles_fire.end()) {
          r_.Fail(item, Quote(id) + " is listed twice");
        }
        x.oracles_fire.push_back(std::move(id));
      }
    }
  }

  sc::TicketExpectation TicketExpectation(const std::string& handle, const Entry& e) const {
    const Fields f = r_.Mapping(e, {"tags_include", "tags_exclude", "replies_delivered", "route", "rule", "intent",
                                    "priority", "assigned", "mentions", "excludes"});
    // The runner judges only what is written, so an empty expectation would pass whatever happens.
    if (f.empty()) {
      r_.Fail(e, "nothing to check; give tags_include, tags_exclude, replies_delivered, route, rule, intent, priority, "
                 "assigned, mentions or excludes");
    }
    sc::TicketExpectation t;
    t.ticket = handle;
    t.source = r_.SourceOf(e.key_mark);
    if (const Entry* g = f.Find("tags_include")) t.tags_include = Tags(*g);
    if (const Entry* g = f.Find("tags_exclude")) {
      t.tags_exclude = Tags(*g);
      const auto items = r_.List(*g);
      for (std::size_t i = 0; i < t.tags_exclude.size(); ++i) {
        const auto& tag = t.tags_exclude[i];
        if (std::find(t.tags_include.begin(), t.tags_include.end(), tag) != t.tags_include.end()) {
          r_.Fail(items[i], Quote(tag) + " is also in tags_include");
        }
      }
    }
    if (const Entry* g = f.Find("replies_delivered")) t.replies_delivered = static_cast<int>(r_.Int(*g, 0, 100'000));
    if (const Entry* g = f.Find("route")) t.route = r_.Name(*g, "route", Routes());
    if (const Entry* g = f.Find("rule")) t.rule = r_.NonEmptyText(*g, "a policy rule id, e.g. wismo.healthy_tracking");
    if (const Entry* g = f.Find("intent")) t.intent = r_.Name(*g, "intent", Intents());
    if (const Entry* g = f.Find("priority")) t.priority = r_.Name(*g, "priority", Priorities());
    if (const Entry* g = f.Find("assigned")) t.assigned = r_.Bool(*g);
    if (const Entry* g = f.Find("mentions")) t.mentions = ReplyTexts(*g);
    if (const Entry* g = f.Find("excludes")) t.excludes = ReplyTexts(*g);
    return t;
  }

  // Each item is text, or {order: <handle>, fact: tracking_number | carrier | order_name}.
  std::vector<sc::ReplyText> ReplyTexts(const Entry& e) const {
    std::vector<sc::ReplyText> out;
    for (const Entry& item : r_.List(e)) {
      sc::ReplyText want;
      if (item.value.IsMap()) {
        const Fields f = r_.Mapping(item, {"order", "fact"});
        want.order = Ref(f.Require("order", "whose fact (an order handle)"), "order", orders_, "world.orders");
        want.fact = r_.Name(f.Require("fact", "which fact, e.g. fact: tracking_number"), "order fact", OrderFacts());
      } else {
        want.text = r_.NonEmptyText(item, "text a reply contains, or {order: o1, fact: tracking_number}");
      }
      out.push_back(std::move(want));
    }
    if (out.empty()) r_.Fail(e, "nothing to check; list at least one text or fact");
    return out;
  }

  sc::OrderExpectation OrderExpectation(const std::string& handle, const Entry& e) const {
    const Fields f = r_.Mapping(e, {"cancelled", "address_changed", "refunds", "financial_status", "tags_include",
                                    "tags_exclude"});
    if (f.empty()) {
      r_.Fail(e, "nothing to check; give cancelled, address_changed, refunds, financial_status, tags_include or "
                 "tags_exclude");
    }
    sc::OrderExpectation o;
    o.order = handle;
    o.source = r_.SourceOf(e.key_mark);
    if (const Entry* g = f.Find("cancelled")) o.cancelled = r_.Bool(*g);
    if (const Entry* g = f.Find("address_changed")) o.address_changed = r_.Bool(*g);
    if (const Entry* g = f.Find("refunds")) o.refunds = static_cast<int>(r_.Int(*g, 0, 1000));
    if (const Entry* g = f.Find("financial_status")) o.financial_status = r_.Name(*g, "financial status", FinancialStatuses());
    if (const Entry* g = f.Find("tags_include")) o.tags_include = r_.Texts(*g, "a tag");
    if (const Entry* g = f.Find("tags_exclude")) {
      o.tags_exclude = r_.Texts(*g, "a tag");
      const auto items = r_.List(*g);
      for (std::size_t i = 0; i < o.tags_exclude.size(); ++i) {
        if (std::find(o.tags_include.begin(), o.tags_include.end(), o.tags_exclude[i]) != o.tags_include.end()) {
          r_.Fail(items[i], Quote(o.tags_exclude[i]) + " is also in tags_include");
        }
      }
    }
    return o;
  }

  // ">= 0.6", "< 2h": an operator, a space, then a number (or, when `duration`, a duration).
  sc::Comparison Comparison(const Entry& e, double min, double max, bool duration) const {
    const std::string text = r_.NonEmptyText(e, "a comparison like \">= 0.6\"");
    std::size_t op_end = 0;
    while (op_end < text.size() && (text[op_end] == '>' || text[op_end] == '<' || text[op_end] == '=')) ++op_end;
    const std::string op = text.substr(0, op_end);
    const std::string example = duration ? "\"<= 2h\"" : "\">= 0.6\"";
    if (op.empty()) {
      r_.Fail(e, "expected a comparison like " + example + " (one of " + OneOf(ComparisonOperators()) +
                     ", then a value), got " + Quote(text));
    }
    if (!Contains(ComparisonOperators(), op)) {
      // "=>" and "=<" are the usual slips: the right operator is the same two characters turned round.
      const std::string turned(op.rbegin(), op.rend());
      r_.Fail(e, "unknown comparison " + Quote(op) +
                     (Contains(ComparisonOperators(), turned) ? "; did you mean " + Quote(turned) + "?"
                                                              : Suggest(op, ComparisonOperators())));
    }
    std::size_t value_start = op_end;
    while (value_start < text.size() && text[value_start] == ' ') ++value_start;
    const Entry value{YAML::Node(text.substr(value_start)), e.path, e.key_mark};
    // The value's own errors point at the comparison as written.
    sc::Comparison c;
    c.op = op;
    try {
      c.value = duration ? sim::ToSeconds(r_.Duration(value, sim::Duration::zero(), kLongest)) : r_.Number(value, min, max);
    } catch (const LoadFailure& inner) {
      ScenarioError error = inner.error;
      const auto mark = e.ValueMark();
      error.line = mark.line + 1;
      error.column = mark.column + 1;
      error.message = "in " + Quote(text) + ": " + error.message;
      throw LoadFailure{error};
    }
    return c;
  }

  void Kpis(const Entry& e) {
    const Fields f = r_.Mapping(e, {"tickets", "automation_rate", "reopen_rate", "first_response_p90", "routes"});
    if (f.empty()) r_.Fail(e, "nothing to check; give tickets, automation_rate, reopen_rate, first_response_p90 or routes");
    sc::KpiExpectation k;
    if (const Entry* g = f.Find("tickets")) k.tickets = Comparison(*g, 0, 1e9, false);
    if (const Entry* g = f.Find("automation_rate")) k.automation_rate = Comparison(*g, 0, 1, false);
    if (const Entry* g = f.Find("reopen_rate")) k.reopen_rate = Comparison(*g, 0, 1, false);
    if (const Entry* g = f.Find("first_response_p90")) k.first_response_p90 = Comparison(*g, 0, 0, true);
    if (const Entry* g = f.Find("routes")) {
      for (const auto& [intent, routes] : r_.OpenMapping(*g, "intent")) {
        if (!Contains(Intents(), intent)) {
          r_.Fail(routes.key_mark, routes.path, "unknown intent " + Quote(intent) + Suggest(intent, Intents()));
        }
        for (const auto& [route, bound] : r_.OpenMapping(routes, "route")) {
          if (!Contains(Routes(), route)) {
            r_.Fail(bound.key_mark, bound.path, "unknown route " + Quote(route) + Suggest(route, Routes()));
          }
          k.routes[intent][route] = Comparison(bound, 0, 1, false);
        }
        if (k.routes[intent].empty()) r_.Fail(routes, "nothing to check; give auto_send, human or both");
      }
    }
    s_.expect.kpis = std::move(k);
  }

  // Tags, with the pipeline's "intent:<label>" tags checked against the intent labels.
  std::vector<std::string> Tags(const Entry& e) const {
    std::vector<std::string> tags = r_.Texts(e, "a tag");
    const auto items = r_.List(e);
    constexpr std::string_view kIntent = "intent:";
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (tags[i].rfind(kIntent, 0) != 0) continue;
      const std::string label = tags[i].substr(kIntent.size());
      if (!Contains(Intents(), label)) r_.Fail(items[i], "unknown intent " + Quote(label) + Suggest(label, Intents()));
    }
    return tags;
  }

  std::vector<std::string> CustomerRefs(const Entry& e) const {
    std::vector<std::string> out;
    for (const Entry& item : r_.List(e)) {
      std::string handle = Ref(item, "customer", customers_, "world.customers");
      if (std::find(out.begin(), out.end(), handle) != out.end()) r_.Fail(item, Quote(handle) + " is listed twice");
      out.push_back(std::move(handle));
    }
    return out;
  }

  void Klaviyo(const Entry& e) {
    const Fields f = r_.Mapping(e, {"suppressed", "not_suppressed", "sends", "events"});
    sc::KlaviyoExpectation& k = s_.expect.klaviyo;
    if (const Entry* g = f.Find("suppressed")) k.suppressed = CustomerRefs(*g);
    if (const Entry* g = f.Find("not_suppressed")) {
      k.not_suppressed = CustomerRefs(*g);
      const auto items = r_.List(*g);
      for (std::size_t i = 0; i < k.not_suppressed.size(); ++i) {
        if (std::find(k.suppressed.begin(), k.suppressed.end(), k.not_suppressed[i]) != k.suppressed.end()) {
          r_.Fail(items[i], Quote(k.not_suppressed[i]) + " is also in suppressed");
        }
      }
    }
    if (const Entry* g = f.Find("sends")) {
      for (const Entry& item : r_.List(*g)) {
        const Fields s = r_.Mapping(item, {"customer", "kind", "sent", "skipped"});
        sc::KlaviyoExpectation::Sends want;
        want.customer = Ref(s.Require("customer", "whose sends (a customer handle)"), "customer", customers_, "world.customers");
        want.kind = r_.Name(s.Require("kind", "the message kind, e.g. kind: review_request"), "message kind", MessageKinds());
        if (const Entry* h = s.Find("sent")) want.sent = static_cast<int>(r_.Int(*h, 0, 100'000));
        if (const Entry* h = s.Find("skipped")) want.skipped = static_cast<int>(r_.Int(*h, 0, 100'000));
        if (!want.sent && !want.skipped) r_.Fail(item, "nothing to check; give sent, skipped or both");
        want.source = r_.SourceOf(item.ValueMark());
        k.sends.push_back(std::move(want));
      }
    }
    if (const Entry* g = f.Find("events")) {
      for (const auto& [metric, count] : r_.OpenMapping(*g, "metric name")) {
        k.events[metric] = static_cast<int>(r_.Int(count, 0, 100'000));
      }
    }
  }

  Reader r_;
  std::string base_dir_;
  std::string_view text_;
  sc::Scenario s_;
  HandleTable customers_, orders_, lists_;
  std::map<std::string, std::int64_t> units_left_;  // order handle -> units not refunded before the run
  std::map<std::string, Opened> tickets_;  // ticket handle -> its first opening in play order
};

}  // namespace

std::string_view PipelineVariantName(scenario::PipelineVariant variant) {
  const auto index = static_cast<std::size_t>(variant);
  if (index >= Variants().size()) std::abort();  // an enum value with no name: Variants() is behind
  return Variants()[index];
}

const std::vector<std::string_view>& PipelineVariantNames() { return Variants(); }

std::optional<scenario::PipelineVariant> ParsePipelineVariant(std::string_view name) {
  const auto& names = Variants();
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<scenario::PipelineVariant>(it - names.begin());
}

namespace {

// Where a second YAML document starts, if there is one. yaml-cpp 0.7's LoadAll loops for ever on
// some malformed input (it keeps reading empty documents; jbeder/yaml-cpp#1319, found here by the
// scenario_loader fuzz target), so documents are counted with a bounded loop of events and only
// the first is built, by YAML::Load.
std::optional<YAML::Mark> SecondDocument(std::string_view yaml) {
  // Records where each document's root node starts (the mark LoadAll's nodes would carry).
  struct DocumentRoots final : YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark&) override { awaiting_root = true; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Node(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { Node(mark); }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      Node(mark);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
      Node(mark);
    }
    void OnMapEnd() override {}
    void Node(const YAML::Mark& mark) {
      if (awaiting_root) roots.push_back(mark);
      awaiting_root = false;
    }
    bool awaiting_root = false;
    std::vector<YAML::Mark> roots;
  };
  std::istringstream in{std::string(yaml)};
  YAML::Parser parser(in);
  DocumentRoots handler;
  int documents = 0;
  while (documents < 2 && parser.HandleNextDocument(handler)) ++documents;
  if (documents < 2) return std::nullopt;
  return handler.roots.size() >= 2 ? handler.roots[1] : YAML::Mark::null_mark();
}

}  // namespace

sim::Expected<scenario::Scenario, ScenarioError> LoadScenarioText(std::string_view yaml, std::string_view file_name,
                                                                  std::string_view base_dir) {
  const std::string file(file_name);
  try {
    if (const std::optional<YAML::Mark> second = SecondDocument(yaml)) {
      const YAML::Mark& m = *second;
      return sim::MakeUnexpected(ScenarioError{file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, "",
                                               "one scenario per file; this is a second YAML document"});
    }
    return ScenarioLoader(file, std::string(base_dir), yaml).Load(YAML::Load(std::string(yaml)));
  } catch (const LoadFailure& failure) {
    return sim::MakeUnexpected(failure.error);
  } catch (const YAML::Exception& e) {
    return sim::MakeUnexpected(ScenarioError{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                                             e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax: " + e.msg});
  }
}

sim::Expected<scenario::Scenario, ScenarioError> LoadScenarioFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::MakeUnexpected(ScenarioError{path, 0, 0, "", "cannot open the scenario file"});
  std::string text(kMaxScenarioBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxScenarioBytes) {
    return sim::MakeUnexpected(ScenarioError{path, 0, 0, "", "the scenario file is larger than 8 MiB"});
  }
  return LoadScenarioText(text, path, std::filesystem::path(path).parent_path().generic_string());
}

}  // namespace rh::harness
