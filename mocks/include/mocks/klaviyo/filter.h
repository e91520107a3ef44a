// Klaviyo's `filter=` query syntax: `op(field,value)` clauses, combined with `and(...)`.
// Values are strings in single or double quotes, numbers, booleans, null, unquoted datetimes
// (`2026-11-01T00:00:00Z`) and bracketed lists of those. This is the parser and the evaluator;
// which field/operator pairs an endpoint allows is checked by the endpoint (FilterRule), since
// each Klaviyo endpoint allows only its own pairs and answers 400 for the rest.
// Pure and deterministic: no state, no clock.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/expected.h"
#include "sim/time.h"

namespace rh::mocks::klaviyo {

// One literal (or a field's value, when evaluating).
struct FilterValue {
  enum class Kind { kNull, kString, kNumber, kBool, kDatetime, kList };
  Kind kind = Kind::kNull;
  std::string text;               // kString
  double number = 0;              // kNumber
  bool boolean = false;           // kBool
  sim::WallTime datetime{};       // kDatetime
  std::vector<FilterValue> list;  // kList

  static FilterValue Null() { return {}; }
  static FilterValue String(std::string s);
  static FilterValue Number(double n);
  static FilterValue Bool(bool b);
  static FilterValue Datetime(sim::WallTime t);
};

enum class FilterOp {
  kEquals,
  kLessThan,
  kLessOrEqual,
  kGreaterThan,
  kGreaterOrEqual,
  kContains,
  kContainsAny,
  kContainsAll,
  kStartsWith,
  kEndsWith,
  kAny,
  kHas,
};
std::string_view FilterOpName(FilterOp op);  // "equals", "greater-than", ...

struct FilterClause {
  FilterOp op = FilterOp::kEquals;
  std::string field;
  FilterValue value;  // kNull for has(field)
};

// A parsed filter: the clauses of an `and` (a single clause is an `and` of one).
struct Filter {
  std::vector<FilterClause> clauses;
};

// Parses the (already percent-decoded) value of `filter=`. The error is a sentence for the
// JSON:API error's detail.
sim::Expected<Filter, std::string> ParseFilter(std::string_view text);

// What an endpoint accepts for one field: the operators and the literal kind (a list literal
// of that kind for `any`, `contains-any` and `contains-all`).
struct FilterRule {
  std::string_view field;
  std::vector<FilterOp> ops;
  FilterValue::Kind kind;
};

// Checks every clause against `rules`; the error names the field or operator refused.
std::optional<std::string> ValidateFilter(const Filter& filter, std::span<const FilterRule> rules);

// True when `actual` (a resource's field value) satisfies the clause. A null actual value
// satisfies only `equals(field,null)`.
bool Matches(const FilterClause& clause, const FilterValue& actual);

}  // namespace rh::mocks::klaviyo
