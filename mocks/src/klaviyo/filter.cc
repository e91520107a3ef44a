#include "mocks/klaviyo/filter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

namespace rh::mocks::klaviyo {

FilterValue FilterValue::String(std::string s) {
  FilterValue v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}
FilterValue FilterValue::Number(double n) {
  FilterValue v;
  v.kind = Kind::kNumber;
  v.number = n;
  return v;
}
FilterValue FilterValue::Bool(bool b) {
  FilterValue v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}
FilterValue FilterValue::Datetime(sim::WallTime t) {
  FilterValue v;
  v.kind = Kind::kDatetime;
  v.datetime = t;
  return v;
}

namespace {

constexpr std::pair<std::string_view, FilterOp> kOps[] = {
    {"equals", FilterOp::kEquals},
    {"less-than", FilterOp::kLessThan},
    {"less-or-equal", FilterOp::kLessOrEqual},
    {"greater-than", FilterOp::kGreaterThan},
    {"greater-or-equal", FilterOp::kGreaterOrEqual},
    {"contains", FilterOp::kContains},
    {"contains-any", FilterOp::kContainsAny},
    {"contains-all", FilterOp::kContainsAll},
    {"starts-with", FilterOp::kStartsWith},
    {"ends-with", FilterOp::kEndsWith},
    {"any", FilterOp::kAny},
    {"has", FilterOp::kHas},
};

// A recursive-descent parser over the filter text. Whitespace between tokens is allowed.
class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  sim::Expected<Filter, std::string> Run() {
    Filter filter;
    if (auto err = ParseExpression(filter, 0)) return sim::MakeUnexpected(*err);
    SkipSpace();
    if (pos_ != s_.size()) return sim::MakeUnexpected(Error("unexpected text after the filter"));
    return filter;
  }

 private:
  std::string Error(std::string_view what) const {
    return "Invalid filter provided: " + std::string(what) + " at position " + std::to_string(pos_) + ".";
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view Word() {
    SkipSpace();
    const std::size_t start = pos_;
    while (pos_ < s_.size()) {
      const char c = s_[pos_];
      if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '$') {
        ++pos_;
      } else {
        break;
      }
    }
    return s_.substr(start, pos_ - start);
  }

  // expression := "and(" expression ("," expression)* ")" | op "(" field ["," value] ")"
  std::optional<std::string> ParseExpression(Filter& out, int depth) {
    if (depth > 8) return Error("filter nested too deeply");
    const std::size_t at = pos_;
    const std::string_view name = Word();
    if (name.empty()) return Error("expected an operator");
    if (!Eat('(')) return Error("expected '(' after '" + std::string(name) + "'");
    if (name == "and") {
      do {
        if (auto err = ParseExpression(out, depth + 1)) return err;
      } while (Eat(','));
      if (!Eat(')')) return Error("expected ')' closing and(...)");
      return std::nullopt;
    }
    const auto it = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& p) { return p.first == name; });
    if (it == std::end(kOps)) {
      pos_ = at;
      return Error("unknown operator '" + std::string(name) + "'");
    }
    FilterClause clause;
    clause.op = it->second;
    clause.field = std::string(Word());
    if (clause.field.empty()) return Error("expected a field name");
    if (clause.op == FilterOp::kHas) {
      if (!Eat(')')) return Error("expected ')' closing has(...)");
      out.clauses.push_back(std::move(clause));
      return std::nullopt;
    }
    if (!Eat(',')) return Error("expected ',' after the field name");
    auto value = ParseValue(0);
    if (!value) return value.error();
    clause.value = std::move(*value);
    if (!Eat(')')) return Error("expected ')' closing " + std::string(name) + "(...)");
    out.clauses.push_back(std::move(clause));
    return std::nullopt;
  }

  sim::Expected<FilterValue, std::string> ParseValue(int depth) {
    SkipSpace();
    if (pos_ >= s_.size()) return sim::MakeUnexpected(Error("expected a value"));
    const char c = s_[pos_];
    if (c == '"' || c == '\'') return ParseString(c);
    if (c == '[') {
      if (depth > 0) return sim::MakeUnexpected(Error("nested lists are not allowed"));
      ++pos_;
      FilterValue list;
      list.kind = FilterValue::Kind::kList;
      if (Eat(']')) return list;
      do {
        auto item = ParseValue(depth + 1);
        if (!item) return item;
        list.list.push_back(std::move(*item));
      } while (Eat(','));
      if (!Eat(']')) return sim::MakeUnexpected(Error("expected ']' closing the list"));
      return list;
    }
    // An unquoted token: a datetime, a number, true, false or null.
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != ')' && s_[pos_] != ']' && s_[pos_] != ' ') ++pos_;
    const std::string_view token = s_.substr(start, pos_ - start);
    if (token == "true" || token == "false") return FilterValue::Bool(token == "true");
    if (token == "null") return FilterValue::Null();
    sim::WallTime t;
    if (token.size() >= 10 && token[4] == '-') {
      if (sim::ParseRfc3339(token, t)) return FilterValue::Datetime(t);
      // A bare date is a datetime at midnight UTC.
      if (token.size() == 10 && sim::ParseRfc3339(std::string(token) + "T00:00:00Z", t)) {
        return FilterValue::Datetime(t);
      }
      pos_ = start;
      return sim::MakeUnexpected(Error("'" + std::string(token) + "' is not a valid datetime"));
    }
    double number = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), number);
    if (ec == std::errc() && end == token.data() + token.size() && !token.empty()) return FilterValue::Number(number);
    pos_ = start;
    return sim::MakeUnexpected(Error("'" + std::string(token) + "' is not a valid value (strings must be quoted)"));
  }

  sim::Expected<FilterValue, std::string> ParseString(char quote) {
    ++pos_;
    std::string text;
    while (pos_ < s_.size() && s_[pos_] != quote) {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      text.push_back(s_[pos_++]);
    }
    if (pos_ >= s_.size()) return sim::MakeUnexpected(Error("unterminated string"));
    ++pos_;
    return FilterValue::String(std::move(text));
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// Compares two scalars of the same kind: <0, 0, >0; nullopt when not comparable.
std::optional<int> Compare(const FilterValue& a, const FilterValue& b) {
  if (a.kind != b.kind) return std::nullopt;
  switch (a.kind) {
    case FilterValue::Kind::kString:
      return a.text < b.text ? -1 : (a.text == b.text ? 0 : 1);
    case FilterValue::Kind::kNumber:
      return a.number < b.number ? -1 : (a.number == b.number ? 0 : 1);
    case FilterValue::Kind::kDatetime:
      return a.datetime < b.datetime ? -1 : (a.datetime == b.datetime ? 0 : 1);
    case FilterValue::Kind::kBool:
      return a.boolean == b.boolean ? 0 : (a.boolean ? 1 : -1);
    case FilterValue::Kind::kNull:
      return 0;
    case FilterValue::Kind::kList:
      return std::nullopt;
  }
  return std::nullopt;
}

bool Equal(const FilterValue& a, const FilterValue& b) {
  const auto c = Compare(a, b);
  return c && *c == 0;
}

bool ListHas(const FilterValue& list, const FilterValue& item) {
  return std::any_of(list.list.begin(), list.list.end(), [&](const FilterValue& v) { return Equal(v, item); });
}

}  // namespace

std::string_view FilterOpName(FilterOp op) {
  for (const auto& [name, o] : kOps) {
    if (o == op) return name;
  }
  return "?";
}

sim::Expected<Filter, std::string> ParseFilter(std::string_view text) { return Parser(text).Run(); }

std::optional<std::string> ValidateFilter(const Filter& filter, std::span<const FilterRule> rules) {
  for (const FilterClause& clause : filter.clauses) {
    const auto rule = std::find_if(rules.begin(), rules.end(), [&](const FilterRule& r) { return r.field == clause.field; });
    if (rule == rules.end()) return "'" + clause.field + "' is not a valid field for this filter.";
    if (std::find(rule->ops.begin(), rule->ops.end(), clause.op) == rule->ops.end()) {
      return "'" + std::string(FilterOpName(clause.op)) + "' is not a valid operator for '" + clause.field + "'.";
    }
    if (clause.op == FilterOp::kHas) continue;
    const bool wants_list = clause.op == FilterOp::kAny || clause.op == FilterOp::kContainsAny ||
                            clause.op == FilterOp::kContainsAll;
    const auto kind_ok = [&](const FilterValue& v) {
      return v.kind == rule->kind || (v.kind == FilterValue::Kind::kNull && clause.op == FilterOp::kEquals);
    };
    if (wants_list) {
      if (clause.value.kind != FilterValue::Kind::kList || clause.value.list.empty() ||
          !std::all_of(clause.value.list.begin(), clause.value.list.end(), kind_ok)) {
        return "'" + std::string(FilterOpName(clause.op)) + "' on '" + clause.field + "' needs a non-empty list of " +
               (rule->kind == FilterValue::Kind::kDatetime ? "datetimes" : "values of the field's type") + ".";
      }
    } else if (!kind_ok(clause.value)) {
      return "Invalid value for '" + clause.field + "'" +
             (rule->kind == FilterValue::Kind::kDatetime ? " (datetimes are unquoted)" : "") + ".";
    }
  }
  return std::nullopt;
}

bool Matches(const FilterClause& clause, const FilterValue& actual) {
  using Kind = FilterValue::Kind;
  if (clause.op == FilterOp::kHas) {
    if (actual.kind == Kind::kList) return !actual.list.empty();
    return actual.kind != Kind::kNull && !(actual.kind == Kind::kString && actual.text.empty());
  }
  if (actual.kind == Kind::kNull) return clause.op == FilterOp::kEquals && clause.value.kind == Kind::kNull;
  const FilterValue& v = clause.value;
  switch (clause.op) {
    case FilterOp::kEquals:
      return Equal(actual, v);
    case FilterOp::kLessThan: {
      const auto c = Compare(actual, v);
      return c && *c < 0;
    }
    case FilterOp::kLessOrEqual: {
      const auto c = Compare(actual, v);
      return c && *c <= 0;
    }
    case FilterOp::kGreaterThan: {
      const auto c = Compare(actual, v);
      return c && *c > 0;
    }
    case FilterOp::kGreaterOrEqual: {
      const auto c = Compare(actual, v);
      return c && *c >= 0;
    }
    case FilterOp::kContains:
      if (actual.kind == Kind::kList) return ListHas(actual, v);
      return actual.kind == Kind::kString && v.kind == Kind::kString && actual.text.find(v.text) != std::string::npos;
    case FilterOp::kContainsAny:
      return actual.kind == Kind::kList &&
             std::any_of(v.list.begin(), v.list.end(), [&](const FilterValue& x) { return ListHas(actual, x); });
    case FilterOp::kContainsAll:
      return actual.kind == Kind::kList &&
             std::all_of(v.list.begin(), v.list.end(), [&](const FilterValue& x) { return ListHas(actual, x); });
    case FilterOp::kStartsWith:
      return actual.kind == Kind::kString && v.kind == Kind::kString && actual.text.starts_with(v.text);
    case FilterOp::kEndsWith:
      return actual.kind == Kind::kString && v.kind == Kind::kString && actual.text.ends_with(v.text);
    case FilterOp::kAny:
      return v.kind == Kind::kList && ListHas(v, actual);
    case FilterOp::kHas:
      break;
  }
  return false;
}

}  // namespace rh::mocks::klaviyo
