// The HTTP message model shared by mocks, pipeline and transports: method, target,
// case-insensitive headers that keep their order, and a body. Plain data: no sockets, no
// Beast, so every layer can include it cheaply.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rh::sim {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions };

std::string_view MethodName(Method m);
std::optional<Method> ParseMethod(std::string_view name);

// ASCII case-insensitive comparison, as HTTP field names require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Header fields in arrival order; lookups ignore case. Repeated fields are kept.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // The first value of `name`, if present.
  std::optional<std::string_view> Get(std::string_view name) const;
  std::string_view GetOr(std::string_view name, std::string_view fallback) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Replaces every field called `name` with one.
  void Set(std::string_view name, std::string_view value);
  // Appends a field, keeping earlier ones of the same name.
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);

  const std::vector<Field>& fields() const { return fields_; }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

// Percent-decodes a URL component; '+' becomes a space when `plus_is_space`.
std::string PercentDecode(std::string_view s, bool plus_is_space = true);
// Percent-encodes everything but unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view s);

struct Request {
  Method method = Method::kGet;
  std::string target = "/";  // origin-form: path plus optional "?query"
  Headers headers;
  std::string body;

  std::string_view Path() const;
  std::string_view RawQuery() const;  // without the '?'
  // Decoded query parameters in order; repeated keys are kept.
  std::vector<std::pair<std::string, std::string>> QueryParams() const;
  std::optional<std::string> Query(std::string_view key) const;
  // The Host header: in sim mode a service name, in live mode "host:port".
  std::string_view Host() const { return headers.GetOr("Host", ""); }
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // Modelled processing time: the transport holds the response this long before it leaves (an
  // LLM's time to first token plus generation, say). Zero for ordinary handlers. Not sent.
  std::chrono::nanoseconds service_time{0};

  static Response Json(int status, std::string body);
  static Response Text(int status, std::string body);
};

// The standard reason phrase for a status ("Too Many Requests"); "Unknown" when not standard.
std::string_view ReasonPhrase(int status);

}  // namespace rh::sim
