// The Klaviyo mock's segments (/api/segments).
// Every handler validates its whole input before it changes anything, so a rejected request
// leaves the store as it was.
#include <algorithm>

#include "api_support.h"
#include "core.h"

namespace rh::mocks::klaviyo::detail {

namespace {

using Kind = FilterValue::Kind;
using Op = FilterOp;

const FilterRule kSegmentRules[] = {
    {"name", {Op::kAny, Op::kEquals}, Kind::kString},
    {"id", {Op::kAny, Op::kEquals}, Kind::kString},
};

}  // namespace

// --- segments ----------------------------------------------------------------------------------

OrderedJson Core::SegmentResource(const Call& call, const Segment& s) const {
  const std::string self = call.link_base + "/api/segments/" + s.id + "/";
  OrderedJson a = {{"name", s.name},          {"definition", nullptr},   {"created", KlaviyoTime(s.created)},
                   {"updated", KlaviyoTime(s.updated)}, {"is_active", true}, {"is_processing", false},
                   {"is_starred", false}};
  return {{"type", "segment"},
          {"id", s.id},
          {"attributes", SparseAttributes(call, "segment", std::move(a))},
          {"relationships",
           {{"profiles", {{"links", {{"self", self + "relationships/profiles/"}, {"related", self + "profiles/"}}}}}}},
          {"links", {{"self", self}}}};
}

Reply Core::GetSegments(Call& call) {
  auto filter = ReadFilter(call, kSegmentRules);
  if (!filter) return sim::MakeUnexpected(filter.error());
  auto page = ReadPage(call, 10, 10);
  if (!page) return sim::MakeUnexpected(page.error());
  std::vector<const Segment*> items;
  // Not a structured binding: clang before 16 cannot capture one in the lambda below.
  for (const auto& entry : state.segments) {
    const Segment& s = entry.second;
    if (AllMatch(*filter, [&](const std::string& field) -> std::vector<FilterValue> {
          return {FilterValue::String(field == "name" ? s.name : s.id)};
        })) {
      items.push_back(&s);
    }
  }
  return Document(200, PageOf(*this, call, items, *page, [&](const Segment& s) { return SegmentResource(call, s); }));
}

Reply Core::GetSegment(Call& call) {
  const auto it = state.segments.find(std::string(call.params.Get("id")));
  if (it == state.segments.end()) return sim::MakeUnexpected(NotFound("segment", call.params.Get("id")));
  return Document(200, OrderedJson{{"data", SegmentResource(call, it->second)}});
}

Reply Core::GetSegmentProfiles(Call& call) {
  const auto it = state.segments.find(std::string(call.params.Get("id")));
  if (it == state.segments.end()) return sim::MakeUnexpected(NotFound("segment", call.params.Get("id")));
  return ListMembersPage(call, AudienceMembers(it->first, call.now.wall));
}

}  // namespace rh::mocks::klaviyo::detail
