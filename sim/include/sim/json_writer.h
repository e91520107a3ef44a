// Minimal, deterministic JSON output for traces and reports: strings escaped per RFC 8259,
// numbers in the shortest form that round-trips (std::to_chars), keys in the order written.
// Not a parser and not a DOM (nlohmann-json is that); this one is for hot, ordered output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rh::sim {

void AppendJsonString(std::string& out, std::string_view s);
void AppendJsonNumber(std::string& out, double v);  // NaN and infinities become null
void AppendJsonNumber(std::string& out, std::int64_t v);
void AppendJsonNumber(std::string& out, std::uint64_t v);

// Builds one JSON object, members in call order.
class JsonObjectWriter {
 public:
  explicit JsonObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  JsonObjectWriter& Str(std::string_view key, std::string_view v);
  JsonObjectWriter& Int(std::string_view key, std::int64_t v);
  JsonObjectWriter& Uint(std::string_view key, std::uint64_t v);
  JsonObjectWriter& Num(std::string_view key, double v);
  JsonObjectWriter& Bool(std::string_view key, bool v);
  // Appends pre-rendered JSON as the value.
  JsonObjectWriter& Raw(std::string_view key, std::string_view json);
  void Close() { out_.push_back('}'); }

 private:
  void Key(std::string_view key);
  std::string& out_;
  bool first_ = true;
};

}  // namespace rh::sim
