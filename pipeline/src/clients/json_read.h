// Lenient readers of service JSON for the API clients: a missing or null field reads as empty,
// ids are read exactly (64-bit integers never pass through a double) whether sent as numbers or
// strings, and a body that is not JSON is reported, never thrown. Internal to the clients.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "pipeline/clients/api_caller.h"
#include "pipeline/clients/values.h"
#include "sim/untrusted_text.h"

namespace rh::pipeline::clients::detail {

using Json = nlohmann::json;

// The member `key` of an object, or nullptr.
inline const Json* Member(const Json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

inline const Json* Object(const Json& j, std::string_view key) {
  const Json* v = Member(j, key);
  return v != nullptr && v->is_object() ? v : nullptr;
}

inline const Json* Array(const Json& j, std::string_view key) {
  const Json* v = Member(j, key);
  return v != nullptr && v->is_array() ? v : nullptr;
}

// A string member; numbers and booleans as their JSON text; empty otherwise.
inline std::string Str(const Json& j, std::string_view key) {
  const Json* v = Member(j, key);
  if (v == nullptr || v->is_null()) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return {};
}

inline std::optional<std::uint64_t> AsU64(const Json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::uint64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return std::nullopt;
}

inline std::optional<std::uint64_t> OptU64(const Json& j, std::string_view key) {
  const Json* v = Member(j, key);
  return v == nullptr ? std::nullopt : AsU64(*v);
}

inline std::uint64_t U64(const Json& j, std::string_view key) { return OptU64(j, key).value_or(0); }

inline std::int64_t I64(const Json& j, std::string_view key, std::int64_t fallback = 0) {
  const Json* v = Member(j, key);
  if (v == nullptr) return fallback;
  if (v->is_number_integer()) return v->get<std::int64_t>();
  if (v->is_number_unsigned()) return static_cast<std::int64_t>(v->get<std::uint64_t>());
  if (v->is_number_float()) return static_cast<std::int64_t>(v->get<double>());
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    std::int64_t out = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return out;
  }
  return fallback;
}

inline int Int(const Json& j, std::string_view key, int fallback = 0) {
  return static_cast<int>(I64(j, key, fallback));
}

inline bool Bool(const Json& j, std::string_view key, bool fallback) {
  const Json* v = Member(j, key);
  return v != nullptr && v->is_boolean() ? v->get<bool>() : fallback;
}

inline Timestamp Time(const Json& j, std::string_view key) { return MakeTimestamp(Str(j, key)); }

// Money given as a decimal string (or number) in minor units; 0 when absent or unreadable.
inline std::int64_t Money(const Json& j, std::string_view key, int exponent) {
  const std::string text = Str(j, key);
  return ParseMoney(text, exponent).value_or(0);
}

// The body as JSON, or nullopt.
inline std::optional<Json> ParseJson(std::string_view body) {
  if (!sim::JsonNestingWithin(body)) return std::nullopt;  // see sim/untrusted_text.h
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return std::nullopt;
  return doc;
}

// A successful response whose content is not what the API promises.
inline CallError Malformed(std::string detail, int status = 200) {
  CallError e;
  e.kind = CallErrorKind::kMalformed;
  e.status = status;
  e.detail = std::move(detail);
  return e;
}

}  // namespace rh::pipeline::clients::detail
