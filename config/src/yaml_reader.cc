#include "config/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "config/did_you_mean.h"

namespace rh::config {
namespace {

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

}  // namespace

YAML::Mark Entry::ValueMark() const {
  if (IsNull() || value.Mark().is_null()) return key_mark;
  return value.Mark();
}

std::optional<std::int64_t> ParseInt(std::string_view s) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string Suggest(std::string_view got, const std::vector<std::string_view>& known) {
  return DidYouMean(got, known);
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
  }
  return "something else";
}

const Entry* Fields::Find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &entries_[i];
  }
  return nullptr;
}

const Entry& Fields::Require(std::string_view key, std::string_view what) const {
  if (const Entry* e = Find(key)) return *e;
  reader_->Fail(self_.ValueMark(), Join(self_.path, key), "missing; " + std::string(what));
}

Reader::Position Reader::PositionOf(const YAML::Mark& mark) {
  return Position{mark.is_null() ? 1 : mark.line + 1, mark.is_null() ? 1 : mark.column + 1};
}

void Reader::Fail(const YAML::Mark& mark, std::string field, std::string message) const {
  const Position at = PositionOf(mark);
  throw ReadFailure{FileError{file_, at.line, at.column, std::move(field), std::move(message)}};
}

Entry Reader::FindKey(const YAML::Node& map, std::string_view key, const std::string& path) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) return Entry{it->second, Join(path, key), it->first.Mark()};
  }
  return Entry{YAML::Node(YAML::NodeType::Undefined), Join(path, key), YAML::Mark()};
}

Fields Reader::Mapping(const Entry& e, std::initializer_list<std::string_view> known) const {
  return Mapping(e, std::vector<std::string_view>(known));
}

Fields Reader::Mapping(const Entry& e, const std::vector<std::string_view>& known) const {
  Fields fields(this, e);
  if (e.IsNull()) return fields;
  CheckIsMapping(e);
  for (auto it = e.value.begin(); it != e.value.end(); ++it) Accept(fields, e, it->first, it->second, known);
  return fields;
}

void Reader::CheckIsMapping(const Entry& e) const {
  if (!e.value.IsMap()) Fail(e, "expected a mapping of fields, got " + Describe(e.value));
}

const Entry& Reader::Accept(Fields& fields, const Entry& e, const YAML::Node& key_node, const YAML::Node& value,
                            const std::vector<std::string_view>& known) const {
  const YAML::Mark key_mark = key_node.Mark();
  if (!key_node.IsScalar()) Fail(key_mark, e.path, "field names must be plain words");
  const std::string key = key_node.Scalar();
  const std::string path = Join(e.path, key);
  if (const Entry* first = fields.Find(key)) {
    Fail(key_mark, path, "duplicate field (first given on line " + std::to_string(first->key_mark.line + 1) + ")");
  }
  if (std::find(known.begin(), known.end(), key) == known.end()) Fail(key_mark, path, "unknown field" + Suggest(key, known));
  fields.keys_.push_back(key);
  fields.entries_.push_back(Entry{value, path, key_mark});
  return fields.entries_.back();
}

std::vector<std::pair<std::string, Entry>> Reader::OpenMapping(const Entry& e, std::string_view what) const {
  std::vector<std::pair<std::string, Entry>> out;
  if (e.IsNull()) return out;
  if (!e.value.IsMap()) Fail(e, "expected a mapping of " + std::string(what) + " to values, got " + Describe(e.value));
  for (auto it = e.value.begin(); it != e.value.end(); ++it) {
    const YAML::Mark key_mark = it->first.Mark();
    if (!it->first.IsScalar() || it->first.Scalar().empty()) {
      Fail(key_mark, e.path, "expected " + std::string(what) + " as a key, got " + Describe(it->first));
    }
    const std::string key = it->first.Scalar();
    const std::string path = Join(e.path, key);
    for (const auto& [seen, entry] : out) {
      if (seen == key) {
        Fail(key_mark, path, "duplicate " + std::string(what) + " (first given on line " +
                                 std::to_string(entry.key_mark.line + 1) + ")");
      }
    }
    out.emplace_back(key, Entry{it->second, path, key_mark});
  }
  return out;
}

std::vector<Entry> Reader::List(const Entry& e) const {
  std::vector<Entry> items;
  if (e.IsNull()) return items;
  if (!e.value.IsSequence()) Fail(e, "expected a list, got " + Describe(e.value));
  std::size_t i = 0;
  for (const auto& item : e.value) {
    items.push_back(Entry{item, Index(e.path, i++), item.Mark()});
  }
  return items;
}

std::string Reader::Text(const Entry& e, std::string_view expected) const {
  if (!e.value.IsScalar()) Fail(e, "expected " + std::string(expected) + ", got " + Describe(e.value));
  return e.value.Scalar();
}

std::string Reader::NonEmptyText(const Entry& e, std::string_view expected) const {
  std::string text = Text(e, expected);
  if (text.empty()) Fail(e, "expected " + std::string(expected) + ", got an empty text");
  return text;
}

std::string Reader::Name(const Entry& e, std::string_view what, const std::vector<std::string_view>& known) const {
  const std::string text = Text(e, "a " + std::string(what));
  if (std::find(known.begin(), known.end(), text) == known.end()) {
    Fail(e, "unknown " + std::string(what) + " " + Quote(text) + Suggest(text, known));
  }
  return text;
}

std::string Reader::Handle(const Entry& e, std::string_view what) const {
  const std::string text = NonEmptyText(e, what);
  const bool ok = text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                           c == '-' || c == '.';
                  });
  if (!ok) Fail(e, "a handle is 1 to 64 letters, digits, '_', '-' or '.', got " + Quote(text));
  return text;
}

std::vector<std::string> Reader::Texts(const Entry& e, std::string_view what) const {
  std::vector<std::string> out;
  for (const Entry& item : List(e)) {
    std::string text = NonEmptyText(item, what);
    if (std::find(out.begin(), out.end(), text) != out.end()) Fail(item, Quote(text) + " is listed twice");
    out.push_back(std::move(text));
  }
  return out;
}

std::int64_t Reader::Int(const Entry& e, std::int64_t min, std::int64_t max) const {
  const std::string text = Text(e, "a whole number");
  const auto v = ParseInt(text);
  if (!v) Fail(e, "expected a whole number, got " + Quote(text));
  if (*v < min || *v > max) {
    Fail(e, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
  }
  return *v;
}

std::uint64_t Reader::Uint64(const Entry& e) const {
  const std::string text = Text(e, "a whole number");
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    Fail(e, "expected a whole number from 0 to " + std::to_string(std::numeric_limits<std::uint64_t>::max()) +
                ", got " + Quote(text));
  }
  return v;
}

bool Reader::Bool(const Entry& e) const {
  const std::string text = Text(e, "true or false");
  if (text == "true") return true;
  if (text == "false") return false;
  Fail(e, "expected true or false, got " + Quote(text));
}

double Reader::Number(const Entry& e, double min, double max) const {
  const std::string text = Text(e, "a number");
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    Fail(e, "expected a number, got " + Quote(text));
  }
  if (v < min || v > max) {
    // Whole bounds print as "0" and "1", not "0.000000".
    const auto bound = [](double b) {
      char buf[32];
      const auto [p, code] = std::to_chars(buf, buf + sizeof buf, b);
      return code == std::errc() ? std::string(buf, p) : std::to_string(b);
    };
    Fail(e, "must be between " + bound(min) + " and " + bound(max) + ", got " + text);
  }
  return v;
}

std::chrono::nanoseconds Reader::Duration(const Entry& e, std::chrono::nanoseconds min, std::chrono::nanoseconds max,
                                          std::string_view negative_note) const {
  constexpr std::string_view kLike = "a duration like \"30s\", \"90m\", \"2h\" or \"1d\"";
  const std::string text = Text(e, kLike);
  const auto d = ParseDuration(text);
  if (!d) {
    if (!text.empty() && text[0] == '-' && ParseDuration(std::string_view(text).substr(1))) {
      Fail(e, "must not be negative, got " + text + (negative_note.empty() ? "" : " (" + std::string(negative_note) + ")"));
    }
    const bool bare_number = ParseInt(text).has_value();
    Fail(e, "expected " + std::string(kLike) + ", got " + Quote(text) +
                (bare_number ? " (add a unit: s, m, h, d or w)" : ""));
  }
  if (*d < min || *d > max) {
    Fail(e, "must be between " + FormatDuration(min) + " and " + FormatDuration(max) +
                ", got " + text);
  }
  return *d;
}

std::optional<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::int64_t total_s = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (++digits > 7) return std::nullopt;
      n = n * 10 + (text[i++] - '0');
    }
    if (digits == 0 || i >= text.size()) return std::nullopt;
    std::int64_t unit_s = 0;
    switch (text[i++]) {
      case 's': unit_s = 1; break;
      case 'm': unit_s = 60; break;
      case 'h': unit_s = 3600; break;
      case 'd': unit_s = 86400; break;
      case 'w': unit_s = 7 * 86400; break;
      default: return std::nullopt;
    }
    total_s += n * unit_s;
    if (total_s > 3650 * std::int64_t{86400}) return std::nullopt;
  }
  return std::chrono::seconds(total_s);
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  std::int64_t s = std::chrono::floor<std::chrono::seconds>(d).count();
  if (s == 0) return "0s";
  std::string out;
  if (s < 0) {
    out = "-";
    s = -s;
  }
  const std::pair<std::int64_t, char> units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
  for (const auto& [size, letter] : units) {
    if (s >= size) {
      out += std::to_string(s / size) + letter;
      s %= size;
    }
  }
  return out;
}

}  // namespace rh::config
