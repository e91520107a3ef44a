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

bool IsWordChar(char c) { return text::IsAlnum(c); }

// Whether `lower` (a lower-cased draft) names `name` (lower case) as a whole word.
bool NamesWord(const std::string& lower, const std::string& name) {
  for (std::size_t at = lower.find(name); at != std::string::npos; at = lower.find(name, at + 1)) {
    const bool start = at == 0 || !IsWordChar(lower[at - 1]);
    const std::size_t end = at + name.size();
    if (start && (end == lower.size() || !IsWordChar(lower[end]))) return true;
  }
  return false;
}

// A carrier named in the draft that is not one of the order's (a carrier of the order may be
// written longer, "UPS Ground", or shorter).
void CheckCarriers(const std::string& lower, const DraftFacts& facts, std::vector<DraftProblem>& problems) {
  for (const std::string& carrier : KnownCarriers()) {
    const std::string name = text::Lower(carrier);
    if (!NamesWord(lower, name)) continue;
    bool ours = false;
    for (const std::string& c : facts.carriers) {
      const std::string mine = text::Lower(c);
      ours = ours || (!mine.empty() && (NamesWord(mine, name) || NamesWord(name, mine)));
    }
    if (!ours) problems.push_back({"unknown_carrier", carrier});
  }
}

// ISO dates ("2026-11-20") in the draft that are not among the order's dates.
void CheckDates(std::string_view draft, const DraftFacts& facts, std::vector<DraftProblem>& problems) {
  const std::set<std::string> allowed(facts.dates.begin(), facts.dates.end());
  std::set<std::string> reported;
  auto digits = [&](std::size_t at, std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) {
      if (at + k >= draft.size() || !text::IsDigit(draft[at + k])) return false;
    }
    return true;
  };
  for (std::size_t i = 0; i + 10 <= draft.size(); ++i) {
    if (i > 0 && text::IsAlnum(draft[i - 1])) continue;
    if (!digits(i, 4) || draft[i + 4] != '-' || !digits(i + 5, 2) || draft[i + 7] != '-' || !digits(i + 8, 2)) continue;
    if (i + 10 < draft.size() && text::IsDigit(draft[i + 10])) continue;
    const std::string date(draft.substr(i, 10));
    if (!allowed.contains(date) && reported.insert(date).second) problems.push_back({"unknown_date", date});
  }
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
  CheckCarriers(lower, facts, problems);
  CheckDates(draft, facts, problems);
  for (std::string_view phrase : kMoneyPromises) {
    if (lower.find(phrase) != std::string::npos) problems.push_back({"money_promise", std::string(phrase)});
  }
  return problems;
}

const std::vector<std::string>& KnownCarriers() {
  static const std::vector<std::string> carriers = {
      "UPS",        "USPS",      "FedEx",   "DHL",      "Canada Post", "Royal Mail", "Australia Post", "OnTrac",
      "LaserShip",  "Purolator", "DPD",     "Evri",     "Hermes",      "GLS",        "Amazon Logistics",
      "La Poste",   "PostNL",    "Deutsche Post"};
  return carriers;
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
