// Goal: the parser and evaluator of Klaviyo's filter syntax on their own: every literal kind,
// and(...), the operators the pipeline uses, and refusals that say where the text went wrong.
#include "mocks/klaviyo/filter.h"

#include <gtest/gtest.h>

namespace rh::mocks::klaviyo {
namespace {

TEST(KlaviyoFilter, ParsesEqualsWithADoubleQuotedString) {
  const auto f = ParseFilter("equals(email,\"ana@example.com\")");
  ASSERT_TRUE(f.has_value()) << f.error();
  ASSERT_EQ(f->clauses.size(), 1u);
  EXPECT_EQ(f->clauses[0].op, FilterOp::kEquals);
  EXPECT_EQ(f->clauses[0].field, "email");
  EXPECT_EQ(f->clauses[0].value.kind, FilterValue::Kind::kString);
  EXPECT_EQ(f->clauses[0].value.text, "ana@example.com");
}

TEST(KlaviyoFilter, FlattensAndOfClausesWithEveryLiteralKind) {
  const auto f = ParseFilter(
      "and(any(email,['a@x.com', \"b@x.com\"]),greater-than(created,2026-11-01T00:00:00Z),"
      "less-than(value,12.5),equals(archived,false),equals(phone_number,null))");
  ASSERT_TRUE(f.has_value()) << f.error();
  ASSERT_EQ(f->clauses.size(), 5u);
  EXPECT_EQ(f->clauses[0].value.kind, FilterValue::Kind::kList);
  EXPECT_EQ(f->clauses[0].value.list.size(), 2u);
  EXPECT_EQ(f->clauses[1].value.kind, FilterValue::Kind::kDatetime);
  EXPECT_EQ(f->clauses[2].value.kind, FilterValue::Kind::kNumber);
  EXPECT_DOUBLE_EQ(f->clauses[2].value.number, 12.5);
  EXPECT_EQ(f->clauses[3].value.kind, FilterValue::Kind::kBool);
  EXPECT_EQ(f->clauses[4].value.kind, FilterValue::Kind::kNull);
}

TEST(KlaviyoFilter, RefusesBrokenTextSayingWhere) {
  for (const char* text : {"", "equals(email", "equals(email,\"x\"", "equals(email,\"x)", "nope(email,\"x\")",
                           "equals(email,x@y.com)", "equals(email,\"x\") trailing", "any(email,[[\"a\"]])",
                           "greater-than(created,2026-13-45T99:00:00Z)"}) {
    const auto f = ParseFilter(text);
    EXPECT_FALSE(f.has_value()) << text;
    if (!f.has_value()) {
      EXPECT_NE(f.error().find("Invalid filter provided"), std::string::npos);
    }
  }
}

TEST(KlaviyoFilter, ValidatesFieldsOperatorsAndLiteralKindsPerEndpoint) {
  const FilterRule rules[] = {
      {"email", {FilterOp::kEquals, FilterOp::kAny}, FilterValue::Kind::kString},
      {"created", {FilterOp::kGreaterThan}, FilterValue::Kind::kDatetime},
  };
  EXPECT_FALSE(ValidateFilter(*ParseFilter("equals(email,'a@b.co')"), rules).has_value());
  EXPECT_FALSE(ValidateFilter(*ParseFilter("any(email,['a@b.co'])"), rules).has_value());
  EXPECT_TRUE(ValidateFilter(*ParseFilter("contains(email,'a')"), rules).has_value());
  EXPECT_TRUE(ValidateFilter(*ParseFilter("any(email,'a@b.co')"), rules).has_value());
  EXPECT_TRUE(ValidateFilter(*ParseFilter("greater-than(created,'2026-01-01T00:00:00Z')"), rules).has_value())
      << "quoted datetimes are refused";
  EXPECT_FALSE(ValidateFilter(*ParseFilter("greater-than(created,2026-01-01T00:00:00Z)"), rules).has_value());
  EXPECT_TRUE(ValidateFilter(*ParseFilter("equals(name,'x')"), rules).has_value());
}

TEST(KlaviyoFilter, EvaluatesComparisonsContainsAndAny) {
  const auto clause = [](const char* text) { return ParseFilter(text)->clauses.at(0); };
  sim::WallTime t;
  ASSERT_TRUE(sim::ParseRfc3339("2026-11-20T00:00:00Z", t));
  EXPECT_TRUE(Matches(clause("greater-than(created,2026-11-01T00:00:00Z)"), FilterValue::Datetime(t)));
  EXPECT_FALSE(Matches(clause("less-than(created,2026-11-01T00:00:00Z)"), FilterValue::Datetime(t)));
  EXPECT_TRUE(Matches(clause("contains(name,'Friday')"), FilterValue::String("Black Friday")));
  EXPECT_TRUE(Matches(clause("any(email,['a@x.com','b@x.com'])"), FilterValue::String("b@x.com")));
  EXPECT_FALSE(Matches(clause("any(email,['a@x.com'])"), FilterValue::String("c@x.com")));
  EXPECT_TRUE(Matches(clause("equals(email,null)"), FilterValue::Null()));
  EXPECT_FALSE(Matches(clause("equals(email,'a@x.com')"), FilterValue::Null()));
  EXPECT_TRUE(Matches(clause("starts-with(email,'a@')"), FilterValue::String("a@x.com")));
}

}  // namespace
}  // namespace rh::mocks::klaviyo
