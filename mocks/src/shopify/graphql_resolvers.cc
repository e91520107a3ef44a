// The resolvers' shared helpers (values as Shopify's GraphQL writes them: Decimal, enums in upper
// case, times in UTC with "Z", cursors), and the resolvers of the shop and the small value types
// (money, addresses, attributes).
#include "graphql_resolvers.h"

#include <chrono>
#include <map>

namespace rh::mocks::shopify::detail::gql {

Resolved Scalar(OrderedJson v) {
  Resolved r;
  r.scalar = std::move(v);
  return r;
}
Resolved Object(std::optional<Obj> o) {
  Resolved r;
  r.object = std::move(o);
  return r;
}

// Shopify's Decimal: trailing zeros dropped, one decimal kept ("59.9", "10.0").
std::string Decimal(Cents cents) {
  std::string s = FormatMoney(cents);
  while (s.size() > 2 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

OrderedJson Str(const std::optional<std::string>& s) { return s ? OrderedJson(*s) : OrderedJson(nullptr); }

std::string CursorOf(Id id) { return EncodeToken(OrderedJson{{"last_id", id}}); }


OrderedJson GqlTime(sim::WallTime t) {
  std::string s = sim::FormatRfc3339(t, std::chrono::minutes(0), 0);
  if (s.size() >= 6 && s.compare(s.size() - 6, 6, "+00:00") == 0) s.replace(s.size() - 6, 6, "Z");
  return s;
}
OrderedJson GqlTime(const std::optional<sim::WallTime>& t) {
  return t ? GqlTime(*t) : OrderedJson(nullptr);
}

const LineItem* LineOf(const Order& o, Id id) {
  for (const auto& l : o.line_items) {
    if (l.id == id) return &l;
  }
  return nullptr;
}

Resolved Resolve(Exec& ex, const ShopV&, std::string_view f, const Json&) {
  const Config& c = ex.core.config;
  if (f == "id") return Scalar("gid://shopify/Shop/1");
  if (f == "name") return Scalar(c.shop_name);
  if (f == "myshopifyDomain") return Scalar(c.shop_domain);
  if (f == "currencyCode") return Scalar(c.currency);
  if (f == "email") return Scalar("support@" + c.shop_domain);
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const MoneyBagV& v, std::string_view f, const Json&) {
  if (f == "shopMoney" || f == "presentmentMoney") return Object(MoneyV{v.cents, v.currency});
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const MoneyV& v, std::string_view f, const Json&) {
  if (f == "amount") return Scalar(Decimal(v.cents));
  if (f == "currencyCode") return Scalar(v.currency);
  return Scalar(nullptr);
}

Resolved Resolve(Exec&, const AddressV& v, std::string_view f, const Json&) {
  static const std::map<std::string_view, const char*, std::less<>> kKeys = {
      {"address1", "address1"}, {"address2", "address2"}, {"city", "city"},
      {"company", "company"}, {"country", "country"}, {"countryCodeV2", "country_code"},
      {"firstName", "first_name"}, {"lastName", "last_name"}, {"name", "name"},
      {"phone", "phone"}, {"province", "province"}, {"provinceCode", "province_code"},
      {"zip", "zip"}};
  const auto it = kKeys.find(f);
  if (it == kKeys.end()) return Scalar(nullptr);
  if (f == "name" && !v.json.contains("name")) {
    std::string name = v.json.value("first_name", std::string());
    const std::string last = v.json.value("last_name", std::string());
    if (!last.empty()) name += (name.empty() ? "" : " ") + last;
    return Scalar(name.empty() ? OrderedJson(nullptr) : OrderedJson(name));
  }
  return Scalar(v.json.contains(it->second) ? v.json[it->second] : OrderedJson(nullptr));
}

Resolved Resolve(Exec&, const AttributeV& v, std::string_view f, const Json&) {
  if (f == "key") return Scalar(v.key);
  if (f == "value") return Scalar(v.value);
  return Scalar(nullptr);
}

}  // namespace rh::mocks::shopify::detail::gql
