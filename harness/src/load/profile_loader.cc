// Reads a load profile (docs/LOAD.md) with the config library's Reader: every refusal names the
// file, line, column and dotted field, and an unknown key gets a suggestion.
#include <fstream>

#include "config/yaml_reader.h"
#include "sim/crypto.h"
#include "harness/load_profile.h"
#include "harness/load_thresholds.h"
#include "harness/traffic.h"

namespace rh::harness::load {
namespace {

using config::Entry;
using config::Fields;
using Names = std::vector<std::string_view>;

constexpr std::size_t kMaxProfileBytes = std::size_t{1} << 20;
constexpr int kMaxDays = 62;

// The keys of traffic.cc's TicketsPer100Orders (DESIGN.md's verticals).
const Names& Verticals() {
  static const Names kNames = {"apparel", "electronics", "vehicles", "hardware", "luggage", "home_garden", "sporting",
                               "business", "pets",        "baby",     "beauty",   "arts",    "food",        "toys"};
  return kNames;
}

Names KeysOf(const std::map<std::string, double>& mix) {
  Names names;
  for (const auto& [name, share] : mix) names.push_back(name);
  return names;
}

class ProfileReader {
 public:
  explicit ProfileReader(const std::string& file) : r_(file) { p_.file = file; }

  LoadProfile Read(const YAML::Node& doc) {
    const Entry root(doc, "", YAML::Mark::null_mark());
    bool contact_rate_given = false;
    r_.EachField(root,
                 {"schema_version", "name", "description", "seed", "store", "orders", "contacts", "agents", "sla",
                  "ai_plan", "drain", "thresholds"},
                 [&](std::string_view key, const Entry& e) {
                   if (key == "schema_version" && r_.Int(e, 1, 1) != 1) r_.Fail(e, "schema_version is 1");
                   if (key == "name") p_.name = r_.NonEmptyText(e, "a name for the profile");
                   if (key == "description") p_.description = r_.Text(e, "a description");
                   if (key == "seed") p_.seed = r_.Uint64(e);
                   if (key == "store") Store(e);
                   if (key == "orders") Orders(e);
                   if (key == "contacts") contact_rate_given = Contacts(e);
                   if (key == "agents") Agents(e);
                   if (key == "sla") Sla(e);
                   if (key == "ai_plan") AiPlanOf(e);
                   if (key == "drain") p_.drain = r_.Duration(e, sim::Hours(0), sim::Days(14));
                   if (key == "thresholds") Thresholds(e);
                 });
    const Fields top = r_.Mapping(root, {"schema_version", "name", "description", "seed", "store", "orders", "contacts",
                                         "agents", "sla", "ai_plan", "drain", "thresholds"});
    top.Require("name", "a name, e.g. name: \"bfcm: an apparel store's black friday week\"");
    top.Require("orders", "the orders curve: orders: {per_hour: 40, days: [...]}");
    top.Require("agents", "the roster: agents: {handle_time: 6m, shifts: [...]}");
    if (!contact_rate_given) p_.contact_rate = TicketsPer100Orders(p_.store.vertical) / 100.0;
    return p_;
  }

 private:
  void Store(const Entry& e) {
    r_.EachField(e, {"name", "vertical", "shopify_plan", "gorgias_auth", "gorgias_enterprise", "llm"},
                 [&](std::string_view key, const Entry& f) {
                   LoadStore& s = p_.store;
                   if (key == "name") s.name = r_.NonEmptyText(f, "the store's name");
                   if (key == "vertical") s.vertical = r_.Name(f, "vertical", Verticals());
                   if (key == "shopify_plan") s.shopify_plan = r_.Name(f, "Shopify plan", {"standard", "advanced", "plus", "enterprise"});
                   if (key == "gorgias_auth") s.gorgias_auth = r_.Name(f, "Gorgias authentication", {"api_key", "oauth"});
                   if (key == "gorgias_enterprise") s.gorgias_enterprise = r_.Bool(f);
                   if (key == "llm") {
                     r_.EachField(f, {"requests_per_minute", "tokens_per_minute"}, [&](std::string_view k, const Entry& v) {
                       if (k == "requests_per_minute") s.llm_requests_per_minute = r_.Number(v, 1, 1'000'000);
                       if (k == "tokens_per_minute") s.llm_tokens_per_minute = r_.Number(v, 1000, 1'000'000'000);
                     });
                   }
                 });
  }

  void Orders(const Entry& e) {
    const Fields f = r_.Mapping(e, {"per_hour", "multiplier", "days", "hourly_shape", "average_order_value"});
    p_.orders_per_hour = r_.Number(f.Require("per_hour", "a normal day's orders per hour, e.g. per_hour: 40"), 0.01, 1e6);
    if (const Entry* m = f.Find("multiplier")) p_.multiplier = r_.Number(*m, 0.01, 100);
    if (const Entry* a = f.Find("average_order_value")) p_.average_order_value = r_.Number(*a, 1, 1e6);
    const Entry& days = f.Require("days", "the curve: days: [{name: Black Friday, factor: 3}, ...]");
    for (const Entry& item : r_.List(days)) {
      const Fields d = r_.Mapping(item, {"name", "factor"});
      LoadDay day;
      day.name = r_.NonEmptyText(d.Require("name", "the day's name, e.g. name: Black Friday"), "the day's name");
      if (const Entry* factor = d.Find("factor")) day.factor = r_.Number(*factor, 0, 100);
      p_.days.push_back(std::move(day));
    }
    if (p_.days.empty()) r_.Fail(days, "the curve needs at least one day");
    if (p_.days.size() > kMaxDays) r_.Fail(days, "at most " + std::to_string(kMaxDays) + " days");
    if (const Entry* shape = f.Find("hourly_shape")) HourlyShape(*shape);
  }

  void HourlyShape(const Entry& e) {
    const std::vector<Entry> items = r_.List(e);
    if (items.size() != 24) r_.Fail(e, "24 weights, one per hour of the day (found " + std::to_string(items.size()) + ")");
    double sum = 0;
    for (const Entry& item : items) {
      p_.hourly_shape.push_back(r_.Number(item, 0, 1e6));
      sum += p_.hourly_shape.back();
    }
    if (sum <= 0) r_.Fail(e, "at least one hour needs a weight above 0");
    for (double& w : p_.hourly_shape) w *= 24.0 / sum;  // a mean of 1
  }

  // True when the file gives the contact rate (else the vertical's).
  bool Contacts(const Entry& e) {
    const Fields f = r_.Mapping(e, {"rate", "rise_at_peak", "first_time_buyers", "intent_mix", "channel_mix", "delay_rate"});
    if (const Entry* x = f.Find("rise_at_peak")) p_.contact_rise_at_peak = r_.Number(*x, 0, 10);
    if (const Entry* x = f.Find("delay_rate")) p_.delay_rate = r_.Probability(*x);
    if (const Entry* x = f.Find("intent_mix")) p_.intent_mix = Mix(*x, "intent", KeysOf(DefaultIntentMix()));
    if (const Entry* x = f.Find("channel_mix")) p_.channel_mix = Mix(*x, "channel", KeysOf(DefaultChannelMix()));
    if (const Entry* x = f.Find("first_time_buyers")) {
      const Fields b = r_.Mapping(*x, {"share", "share_at_peak", "contact_factor"});
      if (const Entry* s = b.Find("share")) p_.first_time_buyer_share = p_.first_time_buyer_share_at_peak = r_.Probability(*s);
      if (const Entry* s = b.Find("share_at_peak")) p_.first_time_buyer_share_at_peak = r_.Probability(*s);
      if (const Entry* s = b.Find("contact_factor")) p_.first_time_buyer_contact_factor = r_.Number(*s, 0.1, 10);
    }
    const Entry* rate = f.Find("rate");
    if (rate) p_.contact_rate = r_.Number(*rate, 0, 5);
    return rate != nullptr;
  }

  std::map<std::string, double> Mix(const Entry& e, const std::string& kind, const Names& names) {
    std::map<std::string, double> mix;
    double sum = 0;
    for (const auto& [label, share] : r_.OpenMapping(e, kind)) {
      if (std::find(names.begin(), names.end(), label) == names.end()) {
        r_.Fail(share.key_mark, share.path, "unknown " + kind + " '" + label + "'" + config::Suggest(label, names));
      }
      mix[label] = r_.Probability(share);
      sum += mix[label];
    }
    if (!mix.empty() && (sum < 0.999 || sum > 1.001)) r_.Fail(e, "the shares add up to " + std::to_string(sum) + ", not 1");
    return mix;
  }

  void Agents(const Entry& e) {
    const Fields f = r_.Mapping(e, {"handle_time", "shifts"});
    if (const Entry* h = f.Find("handle_time")) p_.handle_time = r_.Duration(*h, sim::Sec(10), sim::Hours(8));
    const Entry& shifts = f.Require("shifts", "the roster: shifts: [{name: day, start: 8h, end: 16h, agents: 4}]");
    for (const Entry& item : r_.List(shifts)) {
      const Fields s = r_.Mapping(item, {"name", "start", "end", "agents"});
      Shift shift;
      shift.name = r_.NonEmptyText(s.Require("name", "the shift's name, e.g. name: day"), "the shift's name");
      shift.start = r_.Duration(s.Require("start", "the time of day it starts, e.g. start: 8h"), sim::Hours(0), sim::Hours(24));
      const Entry& end = s.Require("end", "the time of day it ends, e.g. end: 16h");
      shift.end = r_.Duration(end, sim::Hours(0), sim::Hours(24));
      if (shift.end == shift.start) r_.Fail(end, "a shift ends at another time than it starts");
      shift.agents = static_cast<int>(r_.Int(s.Require("agents", "how many people work it, e.g. agents: 4"), 0, 500));
      p_.shifts.push_back(std::move(shift));
    }
    if (p_.shifts.empty()) r_.Fail(shifts, "at least one shift");
  }

  void Sla(const Entry& e) {
    const Fields f = r_.Mapping(e, {"first_response", "target"});
    if (const Entry* x = f.Find("first_response")) p_.first_response_sla = r_.Duration(*x, sim::Minutes(1), sim::Days(7));
    if (const Entry* x = f.Find("target")) p_.sla_target = r_.Number(*x, 0.01, 0.999);
  }

  void AiPlanOf(const Entry& e) {
    const Fields f = r_.Mapping(e, {"included_resolutions", "price", "overage_price"});
    if (const Entry* x = f.Find("included_resolutions")) p_.ai_plan.included_resolutions = static_cast<int>(r_.Int(*x, 0, 100'000'000));
    if (const Entry* x = f.Find("price")) p_.ai_plan.price_per_resolution = r_.Number(*x, 0, 100);
    if (const Entry* x = f.Find("overage_price")) p_.ai_plan.overage_price = r_.Number(*x, 0, 100);
  }

  void Thresholds(const Entry& e) {
    for (const Entry& item : r_.List(e)) {
      const std::string text = r_.NonEmptyText(item, "a threshold, e.g. \"first_response.p90 < 4h\"");
      const auto parsed = ParseThreshold(text);
      if (!parsed) r_.Fail(item, parsed.error().ToString());
      p_.thresholds.push_back(text);
    }
  }

  config::Reader r_;
  LoadProfile p_;
};

}  // namespace

sim::Expected<LoadProfile, config::FileError> LoadLoadProfileText(const std::string& yaml, const std::string& file) {
  try {
    LoadProfile profile = ProfileReader(file).Read(YAML::Load(yaml));
    profile.content_hash = sim::HexEncode(sim::Sha256(yaml));
    return profile;
  } catch (const config::ReadFailure& failure) {
    return sim::MakeUnexpected(failure.error);
  } catch (const YAML::Exception& e) {
    return sim::MakeUnexpected(config::FileError{file, e.mark.is_null() ? 0 : e.mark.line + 1,
                                                 e.mark.is_null() ? 0 : e.mark.column + 1, "", "YAML syntax: " + e.msg});
  }
}

sim::Expected<LoadProfile, config::FileError> LoadLoadProfileFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sim::MakeUnexpected(config::FileError{path, 0, 0, "", "cannot open the load profile"});
  std::string text(kMaxProfileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxProfileBytes) return sim::MakeUnexpected(config::FileError{path, 0, 0, "", "the load profile is larger than 1 MiB"});
  return LoadLoadProfileText(text, path);
}

}  // namespace rh::harness::load
