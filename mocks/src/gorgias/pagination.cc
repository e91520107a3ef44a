// Cursor pagination of every Gorgias list (reference section 2): limit (default 30, max 100),
// order_by ("field:asc|desc"), and opaque cursors, which are base64 of a JSON triple
// ["next"|"prev", sort key, id] as Gorgias's look. Items are ordered by (key, id), so equal
// timestamps (common under virtual time) still page without gaps or repeats. Deterministic.
#include <algorithm>

#include "core.h"
#include "sim/crypto.h"

namespace rh::mocks::gorgias::detail {

namespace {

constexpr std::size_t kDefaultLimit = 30;
constexpr std::size_t kMaxLimit = 100;

bool KeyBefore(const SortKey& a, const SortKey& b, bool text, bool descending) {
  if (text) {
    if (a.text != b.text) return descending ? a.text > b.text : a.text < b.text;
  } else if (a.number != b.number) {
    return descending ? a.number > b.number : a.number < b.number;
  }
  return descending ? a.id > b.id : a.id < b.id;
}

std::string EncodeCursor(std::string_view direction, const SortKey& key, bool text) {
  OrderedJson triple = OrderedJson::array();
  triple.push_back(std::string(direction));
  if (text) {
    triple.push_back(key.text);
  } else {
    triple.push_back(key.number);
  }
  triple.push_back(key.id);
  return sim::Base64Encode(triple.dump(-1, ' ', false, kReplaceInvalidUtf8));
}

}  // namespace

std::optional<ApiError> Core::ParseListQuery(const Ctx& ctx, const std::vector<std::string_view>& orders,
                                             ListQuery& out, bool default_ascending) const {
  FieldErrors errors;
  out.field = std::string(orders.front());
  out.descending = !default_ascending;
  if (const auto limit = ctx.request.Query("limit")) {
    std::size_t n = 0;
    bool digits = !limit->empty() && limit->size() < 10;
    for (char c : *limit) digits = digits && c >= '0' && c <= '9';
    if (!digits) {
      errors.Add({"limit"}, kNotInteger);
    } else {
      n = static_cast<std::size_t>(std::stoul(*limit));
      if (n < 1 || n > kMaxLimit) {
        errors.Add({"limit"}, "Must be greater than or equal to 1 and less than or equal to 100.");
      }
      out.limit = n;
    }
  } else {
    out.limit = kDefaultLimit;
  }
  if (const auto order = ctx.request.Query("order_by")) {
    const auto colon = order->find(':');
    const std::string field = order->substr(0, colon);
    const std::string dir = colon == std::string::npos ? "desc" : order->substr(colon + 1);
    const bool known = std::find(orders.begin(), orders.end(), field) != orders.end();
    if (!known || (dir != "asc" && dir != "desc")) {
      std::string choices;
      for (std::string_view o : orders) {
        if (!choices.empty()) choices += ", ";
        choices += std::string(o) + ":asc, " + std::string(o) + ":desc";
      }
      errors.Add({"order_by"}, "Must be one of: " + choices + ".");
    } else {
      out.field = field;
      out.descending = dir == "desc";
    }
  }
  out.text_key = out.field == "name";
  if (const auto cursor = ctx.request.Query("cursor"); cursor && !cursor->empty()) {
    std::string decoded;
    bool ok = sim::Base64Decode(*cursor, decoded);
    OrderedJson triple = ok ? ParseOrderedJsonText(decoded) : OrderedJson();
    ok = ok && triple.is_array() && triple.size() == 3 && triple[0].is_string() &&
         (triple[0] == "next" || triple[0] == "prev") && AsUint(triple[2]).has_value() &&
         (out.text_key ? triple[1].is_string() : triple[1].is_number_integer());
    if (!ok) {
      errors.Add({"cursor"}, "Invalid cursor.");
    } else {
      out.cursor_direction = triple[0].get<std::string>();
      if (out.text_key) {
        out.cursor.text = triple[1].get<std::string>();
      } else {
        out.cursor.number = triple[1].get<std::int64_t>();
      }
      out.cursor.id = *AsUint(triple[2]);
    }
  }
  if (!errors.empty()) return ValidationError("Invalid query parameters.", errors);
  return std::nullopt;
}

sim::Response Core::ListPage(const Ctx& ctx, std::vector<SortKey> keys, const ListQuery& query,
                             const std::function<OrderedJson(std::uint64_t)>& render) const {
  const bool text = query.text_key;
  const bool desc = query.descending;
  std::sort(keys.begin(), keys.end(),
            [&](const SortKey& a, const SortKey& b) { return KeyBefore(a, b, text, desc); });
  std::size_t begin = 0;
  std::size_t end = std::min(keys.size(), query.limit);
  if (query.cursor_direction == "next") {
    // The first item strictly after the cursor.
    begin = static_cast<std::size_t>(
        std::upper_bound(keys.begin(), keys.end(), query.cursor,
                         [&](const SortKey& c, const SortKey& k) { return KeyBefore(c, k, text, desc); }) -
        keys.begin());
    end = std::min(keys.size(), begin + query.limit);
  } else if (query.cursor_direction == "prev") {
    // The `limit` items just before the cursor.
    end = static_cast<std::size_t>(
        std::lower_bound(keys.begin(), keys.end(), query.cursor,
                         [&](const SortKey& k, const SortKey& c) { return KeyBefore(k, c, text, desc); }) -
        keys.begin());
    begin = end > query.limit ? end - query.limit : 0;
  }
  OrderedJson data = OrderedJson::array();
  for (std::size_t i = begin; i < end; ++i) data.push_back(render(keys[i].id));
  OrderedJson meta = {{"prev_cursor", nullptr}, {"next_cursor", nullptr}};
  if (begin < end && begin > 0) meta["prev_cursor"] = EncodeCursor("prev", keys[begin], text);
  if (begin < end && end < keys.size()) meta["next_cursor"] = EncodeCursor("next", keys[end - 1], text);
  OrderedJson body = {{"object", "list"}, {"uri", ctx.request.target}, {"data", std::move(data)}, {"meta", std::move(meta)}};
  return JsonResponse(200, body);
}

}  // namespace rh::mocks::gorgias::detail
