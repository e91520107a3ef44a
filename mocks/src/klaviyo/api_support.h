// Helpers the Klaviyo mock's API resources share (one file per resource: profiles.cc, lists.cc,
// segments.cc, events.cc, profile_jobs.cc, campaigns.cc): JSON:API errors, filter matching, paging and
// sorting. Internal to mocks/src/klaviyo; no state of its own.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core.h"

namespace rh::mocks::klaviyo::detail {

// The attributes a profile may carry (profiles and the profile inside an event).
inline const std::vector<std::string_view> kProfileAttributes = {
    "email", "phone_number", "external_id", "first_name", "last_name", "organization",
    "locale", "title", "image", "location", "properties", "anonymous_id", "_kx"};

inline FilterValue Str(const std::optional<std::string>& s) { return s ? FilterValue::String(*s) : FilterValue::Null(); }

// True when every clause holds for the resource whose field values `get` returns (a field may
// have several values, as a profile's suppressions: one matching value is enough).
template <class Get>
bool AllMatch(const std::optional<Filter>& filter, Get get) {
  if (!filter) return true;
  for (const FilterClause& c : filter->clauses) {
    const std::vector<FilterValue> values = get(c.field);
    if (std::none_of(values.begin(), values.end(), [&](const FilterValue& v) { return Matches(c, v); })) return false;
  }
  return true;
}

inline ApiError NotFound(std::string_view what, std::string_view id) {
  return ApiError{404, "not_found", "Not found.",
                  "A " + std::string(what) + " with id " + std::string(id) + " does not exist.", "/data/", "",
                  OrderedJson::object()};
}

inline ApiError Invalid(std::string detail, std::string pointer) {
  return ApiError{400, "invalid", "Invalid input.", std::move(detail), std::move(pointer), "", OrderedJson::object()};
}

inline ApiError InvalidParameter(std::string detail, std::string parameter) {
  return ApiError{400, "invalid", "Invalid input.", std::move(detail), "", std::move(parameter), OrderedJson::object()};
}

inline sim::Response NoContent(int status) {
  sim::Response r;
  r.status = status;
  return r;
}

// Pages a vector of already-rendered resources.
template <class T, class Render>
OrderedJson PageOf(const Core& core, const Call& call, const std::vector<const T*>& items, const Core::Page& page,
                   Render render) {
  OrderedJson data = OrderedJson::array();
  for (std::size_t i = page.offset; i < items.size() && i < page.offset + page.size; ++i) data.push_back(render(*items[i]));
  return core.Paged(call, std::move(data), page, items.size());
}

// A `sort` parameter over `allowed` fields; "" when absent.
inline sim::Expected<std::string, ApiError> ReadSort(const Call& call, std::initializer_list<std::string_view> allowed) {
  const auto sort = call.request.Query("sort");
  if (!sort) return std::string();
  const std::string_view field = std::string_view(*sort).starts_with("-") ? std::string_view(*sort).substr(1) : *sort;
  if (std::find(allowed.begin(), allowed.end(), field) == allowed.end()) {
    return sim::MakeUnexpected(InvalidParameter("'" + *sort + "' is not a valid sort field.", "sort"));
  }
  return *sort;
}

}  // namespace rh::mocks::klaviyo::detail
