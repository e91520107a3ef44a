// Addresses as Shopify renders them, and the order's derived identifiers (token, checkout token,
// confirmation number, status page URL). A seeded address may carry only some keys (a country
// code and no country name, a province code and no province); Shopify's documents always carry
// the whole set, with names and codes both filled and `name` as "First Last". Pure functions of
// their arguments, so every run prints the same bytes.
#include <array>
#include <string_view>

#include "core.h"
#include "sim/crypto.h"

namespace rh::mocks::shopify::detail {
namespace {

struct Named {
  std::string_view code;
  std::string_view name;
};

// The countries and provinces stores in our worlds ship to; an unknown code keeps the seeded
// name (or repeats the code when there is none).
constexpr std::array<Named, 16> kCountries = {{
    {"US", "United States"}, {"CA", "Canada"},      {"GB", "United Kingdom"}, {"AU", "Australia"},
    {"NZ", "New Zealand"},   {"IE", "Ireland"},     {"DE", "Germany"},        {"FR", "France"},
    {"NL", "Netherlands"},   {"BE", "Belgium"},     {"ES", "Spain"},          {"IT", "Italy"},
    {"SE", "Sweden"},        {"DK", "Denmark"},     {"MX", "Mexico"},         {"JP", "Japan"},
}};

constexpr std::array<Named, 64> kProvinces = {{
    {"AL", "Alabama"},        {"AK", "Alaska"},         {"AZ", "Arizona"},       {"AR", "Arkansas"},
    {"CA", "California"},     {"CO", "Colorado"},       {"CT", "Connecticut"},   {"DE", "Delaware"},
    {"DC", "District of Columbia"}, {"FL", "Florida"},  {"GA", "Georgia"},       {"HI", "Hawaii"},
    {"ID", "Idaho"},          {"IL", "Illinois"},       {"IN", "Indiana"},       {"IA", "Iowa"},
    {"KS", "Kansas"},         {"KY", "Kentucky"},       {"LA", "Louisiana"},     {"ME", "Maine"},
    {"MD", "Maryland"},       {"MA", "Massachusetts"},  {"MI", "Michigan"},      {"MN", "Minnesota"},
    {"MS", "Mississippi"},    {"MO", "Missouri"},       {"MT", "Montana"},       {"NE", "Nebraska"},
    {"NV", "Nevada"},         {"NH", "New Hampshire"},  {"NJ", "New Jersey"},    {"NM", "New Mexico"},
    {"NY", "New York"},       {"NC", "North Carolina"}, {"ND", "North Dakota"},  {"OH", "Ohio"},
    {"OK", "Oklahoma"},       {"OR", "Oregon"},         {"PA", "Pennsylvania"},  {"RI", "Rhode Island"},
    {"SC", "South Carolina"}, {"SD", "South Dakota"},   {"TN", "Tennessee"},     {"TX", "Texas"},
    {"UT", "Utah"},           {"VT", "Vermont"},        {"VA", "Virginia"},      {"WA", "Washington"},
    {"WV", "West Virginia"},  {"WI", "Wisconsin"},      {"WY", "Wyoming"},       {"ON", "Ontario"},
    {"QC", "Quebec"},         {"BC", "British Columbia"}, {"AB", "Alberta"},     {"MB", "Manitoba"},
    {"SK", "Saskatchewan"},   {"NS", "Nova Scotia"},    {"NB", "New Brunswick"}, {"NL", "Newfoundland and Labrador"},
    {"PE", "Prince Edward Island"}, {"NT", "Northwest Territories"}, {"YT", "Yukon"}, {"NU", "Nunavut"},
}};

template <std::size_t N>
std::string_view NameOf(const std::array<Named, N>& table, std::string_view code) {
  for (const auto& n : table) {
    if (n.code == code) return n.name;
  }
  return {};
}

template <std::size_t N>
std::string_view CodeOf(const std::array<Named, N>& table, std::string_view name) {
  for (const auto& n : table) {
    if (n.name == name) return n.code;
  }
  return {};
}

std::string StringOr(const OrderedJson& a, const char* key, std::string fallback = {}) {
  const auto it = a.find(key);
  if (it != a.end() && it->is_string()) return it->get<std::string>();
  return fallback;
}

OrderedJson Nullable(const OrderedJson& a, const char* key) {
  const auto it = a.find(key);
  return it == a.end() ? OrderedJson(nullptr) : *it;
}

// Name and code of a table entry, each derived from the other when only one was seeded.
template <std::size_t N>
std::pair<OrderedJson, OrderedJson> NameAndCode(const OrderedJson& a, const char* name_key, const char* code_key,
                                                const std::array<Named, N>& table) {
  std::string name = StringOr(a, name_key);
  std::string code = StringOr(a, code_key);
  if (name.empty() && !code.empty()) name = std::string(NameOf(table, code));
  if (code.empty() && !name.empty()) code = std::string(CodeOf(table, name));
  return {name.empty() ? OrderedJson(nullptr) : OrderedJson(name), code.empty() ? OrderedJson(nullptr) : OrderedJson(code)};
}

// The hash behind an order's derived identifiers: hex of HMAC(kind, shop domain + order id).
std::string DerivedHex(const Core& core, std::string_view kind, Id order_id) {
  return sim::HexEncode(sim::HmacSha256(kind, core.config.shop_domain + "/" + std::to_string(order_id)));
}

}  // namespace

OrderedJson RenderAddress(const OrderedJson& seeded) {
  if (!seeded.is_object()) return nullptr;
  const auto [country, country_code] = NameAndCode(seeded, "country", "country_code", kCountries);
  const auto [province, province_code] = NameAndCode(seeded, "province", "province_code", kProvinces);
  const std::string first = StringOr(seeded, "first_name");
  const std::string last = StringOr(seeded, "last_name");
  std::string name = StringOr(seeded, "name");
  if (name.empty()) name = first.empty() ? last : last.empty() ? first : first + " " + last;
  // Shopify's key order (its example order payloads).
  OrderedJson j;
  j["first_name"] = Nullable(seeded, "first_name");
  j["address1"] = Nullable(seeded, "address1");
  j["phone"] = Nullable(seeded, "phone");
  j["city"] = Nullable(seeded, "city");
  j["zip"] = Nullable(seeded, "zip");
  j["province"] = province;
  j["country"] = country;
  j["last_name"] = Nullable(seeded, "last_name");
  j["address2"] = Nullable(seeded, "address2");
  j["company"] = Nullable(seeded, "company");
  j["latitude"] = Nullable(seeded, "latitude");
  j["longitude"] = Nullable(seeded, "longitude");
  j["name"] = name;
  j["country_code"] = country_code;
  j["province_code"] = province_code;
  return j;
}

OrderedJson RenderCustomerAddress(const Customer& c, std::size_t index) {
  const OrderedJson& seeded = c.addresses.at(index);
  const OrderedJson a = RenderAddress(seeded);
  OrderedJson j;
  // A seeded id wins; otherwise one derived from the customer's (addresses have no id kind).
  j["id"] = seeded.contains("id") && seeded["id"].is_number_unsigned() ? seeded["id"]
                                                                        : OrderedJson(c.id + 1 + index);
  j["customer_id"] = c.id;
  for (const char* key : {"first_name", "last_name", "company", "address1", "address2", "city", "province",
                          "country", "zip", "phone", "name", "province_code", "country_code"}) {
    j[key] = a[key];
  }
  j["country_name"] = a["country"];
  j["default"] = index == 0;
  return j;
}

std::string OrderToken(const Core& core, Id order_id) { return DerivedHex(core, "token", order_id).substr(0, 32); }

std::string CheckoutToken(const Core& core, Id order_id) {
  return DerivedHex(core, "checkout", order_id).substr(0, 32);
}

std::string ConfirmationNumber(const Core& core, Id order_id) {
  // Nine upper-case letters and digits, without the easily confused 0, O, 1 and I.
  static constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  const std::string digest = sim::HmacSha256("confirmation", core.config.shop_domain + "/" + std::to_string(order_id));
  std::string out;
  for (std::size_t i = 0; i < 9; ++i) out += kAlphabet[static_cast<unsigned char>(digest[i]) % kAlphabet.size()];
  return out;
}

std::string OrderStatusUrl(const Core& core, Id order_id) {
  return "https://" + core.config.shop_domain + "/" + std::to_string(core.config.shop_id) + "/orders/" +
         OrderToken(core, order_id) + "/authenticate?key=" + DerivedHex(core, "status-key", order_id).substr(0, 32);
}

std::string MerchantBusinessEntityId(const Core& core) {
  std::string b64 = sim::Base64Encode(std::to_string(core.config.shop_id));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return b64;
}

}  // namespace rh::mocks::shopify::detail
