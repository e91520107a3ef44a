#include "sim/json_writer.h"

#include <charconv>
#include <cmath>

namespace rh::sim {

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 15]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

void AppendJsonNumber(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendJsonNumber(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void AppendJsonNumber(std::string& out, std::uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void JsonObjectWriter::Key(std::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  AppendJsonString(out_, key);
  out_.push_back(':');
}

JsonObjectWriter& JsonObjectWriter::Str(std::string_view key, std::string_view v) {
  Key(key);
  AppendJsonString(out_, v);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::Int(std::string_view key, std::int64_t v) {
  Key(key);
  AppendJsonNumber(out_, v);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::Uint(std::string_view key, std::uint64_t v) {
  Key(key);
  AppendJsonNumber(out_, v);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::Num(std::string_view key, double v) {
  Key(key);
  AppendJsonNumber(out_, v);
  return *this;
}
JsonObjectWriter& JsonObjectWriter::Bool(std::string_view key, bool v) {
  Key(key);
  out_ += v ? "true" : "false";
  return *this;
}
JsonObjectWriter& JsonObjectWriter::Raw(std::string_view key, std::string_view json) {
  Key(key);
  out_ += json;
  return *this;
}

}  // namespace rh::sim
