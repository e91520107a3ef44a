#include "pipeline/draft_check.h"

#include <array>
#include <set>

#include "text.h"

namespace rh::pipeline {
namespace {

// Phrases that commit money, whatever the amount. Informing ("your refund was issued on ...")
// is the refund-status workflow's business and goes to a person anyway; these promise.
constexpr std::array<std::string_view, 16> kMoneyPromises = {
    "issued a full refund", "issued a refund",  "issued a partial refund", "i've refunded",
    "i have refunded",      "we've refunded",   "we have refunded",        "we will refund",
    "we'll refund",         "store credit",     "% credit",                "% off",
    "gift card",            "free of charge",   "reimburse",               "compensation",
};

bool Allowed(const std::set<std::string>& allowed, const std::string& token) {
  return allowed.contains(text::Lower(token));
}

}  // namespace

std::vector<DraftProblem> CheckDraft(std::string_view draft, const DraftFacts& facts) {
  std::vector<DraftProblem> problems;
  std::set<std::string> allowed;
  for (const std::string& id : facts.identifiers) {
    std::string lower = text::Lower(id);
    if (!lower.empty() && lower[0] == '#') allowed.insert(lower.substr(1));
    allowed.insert(std::move(lower));
  }
  bool blank = true;
  for (char c : draft) blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  if (blank) problems.push_back({"empty", ""});

  // Tokens: runs of letters and digits. A long one of capitals and digits reads as a tracking number;
  // one after '#' as an order name; digits after '$' as an amount.
  std::set<std::string> reported;
  for (std::size_t i = 0; i < draft.size();) {
    if (!text::IsAlnum(draft[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    int digits = 0;
    bool lower = false;
    while (j < draft.size() && text::IsAlnum(draft[j])) {
      lower = lower || (draft[j] >= 'a' && draft[j] <= 'z');
      digits += text::IsDigit(draft[j++]) ? 1 : 0;
    }
    std::string token(draft.substr(i, j - i));
    const char before = i > 0 ? draft[i - 1] : ' ';
    if (before == '$') {
      // Include cents: "$25.00".
      if (j + 2 < draft.size() && draft[j] == '.' && text::IsDigit(draft[j + 1]) && text::IsDigit(draft[j + 2])) {
        token += draft.substr(j, 3);
        j += 3;
      }
      if (!Allowed(allowed, token) && reported.insert("$" + token).second) {
        problems.push_back({"unknown_amount", "$" + token});
      }
    } else if (before == '#' && digits == static_cast<int>(token.size())) {
      if (!Allowed(allowed, token) && reported.insert("#" + token).second) {
        problems.push_back({"unknown_order", "#" + token});
      }
    } else if (token.size() >= 10 && digits >= 1 && !lower) {
      // Ten or more capitals and digits: an identifier (UPS "1Z...", USPS, FedEx), never prose.
      if (!Allowed(allowed, token) && reported.insert(token).second) {
        problems.push_back({"unknown_tracking", token});
      }
    }
    i = j;
  }

  const std::string lower = text::Lower(draft);
  for (std::string_view phrase : kMoneyPromises) {
    if (lower.find(phrase) != std::string::npos) problems.push_back({"money_promise", std::string(phrase)});
  }
  return problems;
}

std::string DescribeProblems(const std::vector<DraftProblem>& problems) {
  std::string out;
  for (const DraftProblem& p : problems) {
    if (!out.empty()) out += "; ";
    out += p.kind;
    if (!p.detail.empty()) out += ": " + p.detail;
  }
  return out;
}

}  // namespace rh::pipeline
