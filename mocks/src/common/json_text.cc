#include "mocks/common/json_text.h"

#include "sim/json_writer.h"
#include "sim/untrusted_text.h"

namespace rh::mocks {
namespace {

template <typename J>
void Serialize(std::string& out, const J& value) {
  nlohmann::detail::serializer<J> serializer(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                             J::error_handler_t::replace);
  serializer.dump(value, false, false, 0);
}

}  // namespace

void AppendJson(std::string& out, const OrderedJson& value) { Serialize(out, value); }
void AppendJson(std::string& out, const Json& value) { Serialize(out, value); }

void AppendJsonText(std::string& out, std::string_view text) {
  // sim's writer escapes valid UTF-8 exactly as nlohmann does (control characters as \u00xx,
  // everything else raw); only the replacement of broken bytes needs nlohmann's own serializer.
  if (sim::IsValidUtf8(text)) {
    sim::AppendJsonString(out, text);
  } else {
    Serialize(out, OrderedJson(std::string(text)));
  }
}

std::string& JsonTextObject::Key(std::string_view key) {
  if (!first_) out_.push_back(',');
  first_ = false;
  out_.push_back('"');
  out_.append(key);
  out_ += "\":";
  return out_;
}

JsonTextObject& JsonTextObject::Str(std::string_view key, std::string_view value) {
  AppendJsonText(Key(key), value);
  return *this;
}

JsonTextObject& JsonTextObject::OptStr(std::string_view key, const std::optional<std::string>& value) {
  if (value) return Str(key, *value);
  return Null(key);
}

JsonTextObject& JsonTextObject::Uint(std::string_view key, std::uint64_t value) {
  sim::AppendJsonNumber(Key(key), value);
  return *this;
}

JsonTextObject& JsonTextObject::Int(std::string_view key, std::int64_t value) {
  sim::AppendJsonNumber(Key(key), value);
  return *this;
}

JsonTextObject& JsonTextObject::OptUint(std::string_view key, const std::optional<std::uint64_t>& value) {
  if (value) return Uint(key, *value);
  return Null(key);
}

JsonTextObject& JsonTextObject::Bool(std::string_view key, bool value) {
  Key(key) += value ? "true" : "false";
  return *this;
}

JsonTextObject& JsonTextObject::Null(std::string_view key) {
  Key(key) += "null";
  return *this;
}

JsonTextObject& JsonTextObject::Value(std::string_view key, const OrderedJson& value) {
  AppendJson(Key(key), value);
  return *this;
}

JsonTextObject& JsonTextObject::Raw(std::string_view key, std::string_view json) {
  Key(key).append(json);
  return *this;
}

}  // namespace rh::mocks
