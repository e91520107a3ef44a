// The Klaviyo mock's campaigns and flows (/api/campaigns, /api/campaign-send-jobs, /api/flows).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>

#include "api_support.h"
#include "core.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const FilterRule kCampaignRules[] = {
    {"messages.channel", {Op::kEquals}, Kind::kString},
    {"name", {Op::kContains}, Kind::kString},
    {"status", {Op::kAny, Op::kEquals}, Kind::kString},
    {"archived", {Op::kEquals}, Kind::kBool},
    {"created_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
    {"scheduled_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
    {"updated_at", {Op::kGreaterThan, Op::kGreaterOrEqual, Op::kLessThan, Op::kLessOrEqual}, Kind::kDatetime},
};
const FilterRule kFlowRules[] = {
    {"name", {Op::kContains, Op::kEquals}, Kind::kString},
    {"status", {Op::kEquals}, Kind::kString},
    {"archived", {Op::kEquals}, Kind::kBool},
    {"trigger_type", {Op::kEquals}, Kind::kString},
    {"created", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
    {"updated", {Op::kGreaterThan, Op::kLessThan}, Kind::kDatetime},
};

}  // namespace

// --- campaigns and flows -----------------------------------------------------------------------

OrderedJson Core::CampaignResource(const Call& call, const Campaign& c) const {
  const auto opt_time = [](const std::optional<sim::WallTime>& t) {
    return t ? OrderedJson(KlaviyoTime(*t)) : OrderedJson(nullptr);
  };
  OrderedJson a = {{"name", c.name},
                   {"status", c.status},
                   {"archived", false},
                   {"audiences", {{"included", c.included}, {"excluded", c.excluded}}},
                   {"send_options", {{"use_smart_sending", c.use_smart_sending}}},
                   {"tracking_options", nullptr},
                   {"send_strategy",
                    {{"method", "static"}, {"datetime", opt_time(c.scheduled_at)}, {"options", nullptr}}},
                   {"created_at", KlaviyoTime(c.created)},
                   {"scheduled_at", opt_time(c.scheduled_at)},
                   {"updated_at", KlaviyoTime(c.updated)},
                   {"send_time", opt_time(c.send_time)}};
  return {{"type", "campaign"},
          {"id", c.id},
          {"attributes", SparseAttributes(call, "campaign", std::move(a))},
          {"links", {{"self", call.link_base + "/api/campaigns/" + c.id + "/"}}}};
}

Reply Core::GetCampaigns(Call& call) {
  auto filter = ReadFilter(call, kCampaignRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  const bool has_channel =
      *filter && std::any_of((*filter)->clauses.begin(), (*filter)->clauses.end(),
                             [](const FilterClause& c) { return c.field == "messages.channel"; });
  if (!has_channel) {
    return sim::MakeUnexpected(InvalidParameter(
        "A channel filter is required, for example equals(messages.channel,'email').", "filter"));
  }
  auto page = ReadPage(call, 100, 100);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Campaign*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.campaigns) {
    const Campaign& c = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          if (field == "messages.channel") return {FilterValue::String(std::string(ChannelName(c.channel)))};
          if (field == "name") return {FilterValue::String(c.name)};
          if (field == "status") return {FilterValue::String(c.status)};
          if (field == "archived") return {FilterValue::Bool(false)};
          if (field == "created_at") return {FilterValue::Datetime(c.created)};
          if (field == "updated_at") return {FilterValue::Datetime(c.updated)};
          return {c.scheduled_at ? FilterValue::Datetime(*c.scheduled_at) : FilterValue::Null()};
        })) {
      items.push_back(&c);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Campaign& c) { return CampaignResource(call, c); }));
}

Reply Core::GetCampaign(Call& call) {
  const auto it = state.campaigns.find(std::string(call.params.Get("id")));
  if (it == state.campaigns.end()) return sim::MakeUnexpected(NotFound("campaign", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", CampaignResource(call, it->second)}});
}

Reply Core::CreateCampaignSendJob(Call& call) {
  auto data = ParseDocument(call.request, "campaign-send-job", {}, true);
  if (!data) return sim::MakeUnexpected(data.error());
  const std::string id = (*data)["id"].get<std::string>();
  const auto it = state.campaigns.find(id);
  if (it == state.campaigns.end()) {
    ApiError e = NotFound("campaign", id);
    e.pointer = "/data/id";
    return sim::MakeUnexpected(e);
  }
  if (it->second.status != "Draft" && it->second.status != "Scheduled") {
    return sim::MakeUnexpected(Invalid("The campaign has already been sent or cancelled.", "/data/id"));
  }
  if (const auto t = campaign_timers.find(id); t != campaign_timers.end()) {
    executor.Cancel(t->second);
    campaign_timers.erase(t);
  }
  it->second.status = "Scheduled";
  it->second.scheduled_at = call.now.wall;
  it->second.updated = call.now.wall;
  ScheduleCampaignSend(id, call.now.monotonic);
  return Document(202, OrderedJson{{"data",
                                    {{"type", "campaign-send-job"},
                                     {"id", id},
                                     {"attributes", {{"status", "queued"}}},
                                     {"links", {{"self", call.link_base + "/api/campaign-send-jobs/" + id + "/"}}}}}});
}

OrderedJson Core::FlowResource(const Call& call, const Flow& f) const {
  OrderedJson a = {{"name", f.name},
                   {"status", f.status},
                   {"archived", false},
                   {"created", KlaviyoTime(f.created)},
                   {"updated", KlaviyoTime(f.updated)},
                   {"trigger_type", f.trigger == Flow::Trigger::kMetric ? "Metric" : "Added to List"}};
  return {{"type", "flow"},
          {"id", f.id},
          {"attributes", SparseAttributes(call, "flow", std::move(a))},
          {"links", {{"self", call.link_base + "/api/flows/" + f.id + "/"}}}};
}

Reply Core::GetFlows(Call& call) {
  auto filter = ReadFilter(call, kFlowRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 50, 50);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Flow*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.flows) {
    const Flow& f = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          if (field == "name") return {FilterValue::String(f.name)};
          if (field == "status") return {FilterValue::String(f.status)};
          if (field == "archived") return {FilterValue::Bool(false)};
          if (field == "trigger_type") {
            return {FilterValue::String(f.trigger == Flow::Trigger::kMetric ? "Metric" : "Added to List")};
          }
          return {FilterValue::Datetime(field == "created" ? f.created : f.updated)};
        })) {
      items.push_back(&f);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Flow& f) { return FlowResource(call, f); }));
}

Reply Core::GetFlow(Call& call) {
  const auto it = state.flows.find(std::string(call.params.Get("id")));
  if (it == state.flows.end()) return sim::MakeUnexpected(NotFound("flow", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", FlowResource(call, it->second)}});
}

}  // namespace rh::mocks::klaviyo::detail
