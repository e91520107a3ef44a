// Appends JSON text straight into a string, for the mocks' hot renderings (a ticket, an order):
// the same bytes nlohmann's compact dump with invalid UTF-8 replaced would give (DumpJson), without
// building a tree first. Must not be used where a tree is what the caller needs. Deterministic.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mocks/common/json_http.h"

namespace rh::mocks {

// `value` as DumpJson prints it, appended to `out` (no temporary string).
void AppendJson(std::string& out, const OrderedJson& value);
void AppendJson(std::string& out, const Json& value);
// A JSON string, escaped as nlohmann escapes it (invalid UTF-8 replaced by U+FFFD).
void AppendJsonText(std::string& out, std::string_view text);

// One JSON object written member by member, in call order. Keys are the caller's constants
// (plain ASCII), so they are written as they are.
class JsonTextObject {
 public:
  explicit JsonTextObject(std::string& out) : out_(out) { out_.push_back('{'); }
  JsonTextObject(const JsonTextObject&) = delete;
  JsonTextObject& operator=(const JsonTextObject&) = delete;

  // Writes `"key":` and returns the string to append the value to.
  std::string& Key(std::string_view key);
  JsonTextObject& Str(std::string_view key, std::string_view value);
  JsonTextObject& OptStr(std::string_view key, const std::optional<std::string>& value);
  JsonTextObject& Uint(std::string_view key, std::uint64_t value);
  JsonTextObject& Int(std::string_view key, std::int64_t value);
  JsonTextObject& OptUint(std::string_view key, const std::optional<std::uint64_t>& value);
  JsonTextObject& Bool(std::string_view key, bool value);
  JsonTextObject& Null(std::string_view key);
  JsonTextObject& Value(std::string_view key, const OrderedJson& value);
  // Pre-rendered JSON as the value.
  JsonTextObject& Raw(std::string_view key, std::string_view json);
  void Close() { out_.push_back('}'); }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace rh::mocks
