// The pretend model: keyword classifier, fact parser, template drafter, token counter.
// Deterministic and pure. Hand-written scanners rather than std::regex: they run on every call
// and a 10,000-call sweep must stay fast.
#include "mocks/llm/model.h"

#include <array>
#include <cctype>
#include <utility>

namespace rh::mocks::llm {

namespace {

constexpr std::array<std::string_view, kIntentCount> kIntentNames = {
    "wismo",         "return",          "exchange",     "cancel",           "address_change", "damaged_item",
    "delivered_not_received", "refund_status", "discount_request", "product_question", "other"};

struct Cue {
  std::string_view phrase;  // lower case
  int weight;               // 2: a strong phrase, 1: a weak keyword
};

// Cues per intent, in enum order. A phrase counts once however often it appears.
const std::array<std::vector<Cue>, kIntentCount>& CueTable() {
  static const std::array<std::vector<Cue>, kIntentCount> table = {{
      // wismo
      {{"where is my order", 2}, {"where's my order", 2}, {"wheres my order", 2}, {"order status", 2},
       {"status of my order", 2}, {"hasn't arrived", 2}, {"has not arrived", 2}, {"not arrived yet", 2},
       {"still waiting", 2}, {"shipped yet", 2}, {"when will it arrive", 2}, {"when will my order", 2},
       {"where is my package", 2}, {"where's my package", 2}, {"where is my parcel", 2},
       {"where's my parcel", 2}, {"has it shipped", 2}, {"has my order shipped", 2}, {"did it ship", 2},
       {"hasn't shipped", 2}, {"has not shipped", 2}, {"not shipped yet", 2}, {"any news about my", 2},
       {"any update on my", 2}, {"update on my order", 2}, {"when will my package", 2},
       {"when will my parcel", 2}, {"when will i get my order", 2}, {"when does my order", 2},
       {"still not here", 2}, {"tracking", 1}},
      // return
      {{"return it", 2}, {"return the", 2}, {"return this", 2}, {"return label", 2}, {"send it back", 2},
       {"make a return", 2}, {"start a return", 2}, {"want to return", 2}, {"return policy", 2},
       {"like to return", 2}, {"send them back", 2}, {"ship it back", 2}, {"return", 1}, {"order back", 1},
       {"isn't for me", 1}},
      // exchange
      {{"exchange", 2}, {"swap it", 2}, {"swap them", 2}, {"swap for", 2}, {"different size", 2},
       {"different color", 2}, {"different colour", 2}, {"wrong size", 2}, {"larger size", 2},
       {"smaller size", 2}, {"bigger size", 2}, {"size up", 2}, {"size down", 2}, {"in another size", 2},
       {"in another color", 2}},
      // cancel
      {{"cancel my order", 2}, {"cancel the order", 2}, {"cancel it", 2}, {"cancellation", 2},
       {"don't ship", 2}, {"do not ship", 2}, {"stop my order", 2}, {"stop the order", 2},
       {"changed my mind", 1}, {"by mistake", 1}, {"don't want it anymore", 1}, {"cancel", 1}},
      // address_change
      {{"change my address", 2}, {"change the address", 2}, {"change the shipping address", 2},
       {"update my address", 2}, {"update the address", 2}, {"wrong address", 2}, {"new address", 2},
       {"change of address", 2}, {"typo in my address", 2}, {"ship it to my", 2}, {"send it to my", 2},
       {"shipping address", 1}, {"i moved", 1}},
      // damaged_item
      {{"arrived damaged", 2}, {"arrived broken", 2}, {"damaged", 2}, {"broken", 2}, {"cracked", 2},
       {"shattered", 2}, {"defective", 2}, {"in pieces", 2}, {"smashed", 2}, {"leaking", 2},
       {"doesn't work", 2}, {"stopped working", 2}, {"torn", 1}, {"dented", 1}, {"ripped", 1},
       {"scratched", 1}},
      // delivered_not_received
      {{"marked as delivered", 2}, {"says delivered", 2}, {"shows delivered", 2}, {"shows as delivered", 2},
       {"says it was delivered", 2}, {"never received", 2}, {"didn't receive", 2}, {"did not receive", 2},
       {"never got it", 2}, {"stolen", 2}, {"not at my door", 2}, {"never showed up", 2},
       {"says it's delivered", 2}, {"delivered but", 2}, {"missing package", 2}, {"package is missing", 2},
       {"parcel is missing", 2}},
      // refund_status
      {{"where is my refund", 2}, {"my refund", 2}, {"refund yet", 2}, {"refund status", 2},
       {"still no refund", 2}, {"haven't been refunded", 2}, {"get my money back", 2}, {"refunded yet", 2},
       {"seen the money", 2}, {"nothing in my account", 2}, {"been refunded", 2}, {"charged twice", 2},
       {"double charged", 2}},
      // discount_request
      {{"discount", 2}, {"coupon", 2}, {"promo code", 2}, {"price match", 2}, {"voucher", 2},
       {"any codes", 2}, {"a code for", 2}, {"off my first order", 2}, {"percent off", 2}, {"black friday deal", 2}, {"promo", 1}, {"sale price", 1},
       {"cheaper", 1}},
      // product_question
      {{"what size should", 2}, {"size chart", 2}, {"is it compatible", 2}, {"compatible with", 2},
       {"made of", 2}, {"back in stock", 2}, {"in stock", 1}, {"dimensions", 2}, {"waterproof", 2},
       {"how do i use", 2}, {"does it come", 2}, {"machine washable", 2}, {"true to size", 2},
       {"runs small", 2}, {"runs large", 2}, {"what material", 2}, {"will it fit", 2},
       {"does this come in", 2}, {"does this", 1}},
      // other: no cues
      {},
  }};
  return table;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// `phrase` at a word start in `text` (lower case both).
bool ContainsPhrase(std::string_view text, std::string_view phrase) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(phrase, from);
    if (at == std::string_view::npos) return false;
    if (at == 0 || !IsWordChar(text[at - 1])) return true;
    from = at + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      out.push_back(text.substr(start));
      break;
    }
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The recognised keys of a fact line, each with the member it fills.
using FactField = std::string PromptFacts::*;
struct FactKey {
  std::string_view key;  // lower case
  FactField field;
};
const std::vector<FactKey>& FactKeys() {
  static const std::vector<FactKey> keys = {
      {"order", &PromptFacts::order},
      {"order number", &PromptFacts::order},
      {"order name", &PromptFacts::order},
      {"order #", &PromptFacts::order},
      {"customer", &PromptFacts::customer_name},
      {"customer name", &PromptFacts::customer_name},
      {"name", &PromptFacts::customer_name},
      {"items", &PromptFacts::items},
      {"item", &PromptFacts::items},
      {"products", &PromptFacts::items},
      {"line items", &PromptFacts::items},
      {"carrier", &PromptFacts::carrier},
      {"tracking", &PromptFacts::tracking_number},
      {"tracking number", &PromptFacts::tracking_number},
      {"tracking #", &PromptFacts::tracking_number},
      {"tracking url", &PromptFacts::tracking_url},
      {"tracking link", &PromptFacts::tracking_url},
      {"status", &PromptFacts::status},
      {"fulfillment status", &PromptFacts::status},
      {"shipment status", &PromptFacts::status},
      {"shipped", &PromptFacts::shipped_date},
      {"shipped on", &PromptFacts::shipped_date},
      {"ship date", &PromptFacts::shipped_date},
      {"delivered", &PromptFacts::delivered_date},
      {"delivered on", &PromptFacts::delivered_date},
      {"delivery date", &PromptFacts::delivered_date},
      {"estimated delivery", &PromptFacts::eta},
      {"eta", &PromptFacts::eta},
      {"expected delivery", &PromptFacts::eta},
      {"last scan", &PromptFacts::last_scan},
      {"latest scan", &PromptFacts::last_scan},
      {"return window", &PromptFacts::return_window},
      {"return by", &PromptFacts::return_window},
      {"return deadline", &PromptFacts::return_window},
      {"refund", &PromptFacts::refund},
      {"refund status", &PromptFacts::refund},
  };
  return keys;
}

// The field a "Key: value" line fills, with its value; nullptr when it is not a fact line.
FactField MatchFactLine(std::string_view line, std::string_view& value) {
  std::string_view s = Trim(line);
  if (s.starts_with("- ") || s.starts_with("* ")) s = Trim(s.substr(2));
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 24) return nullptr;
  const std::string key = ToLowerAscii(Trim(s.substr(0, colon)));
  for (const FactKey& k : FactKeys()) {
    if (key == k.key) {
      value = Trim(s.substr(colon + 1));
      return value.empty() ? nullptr : k.field;
    }
  }
  return nullptr;
}

bool IsUpperAlnum(char c) { return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'Z'); }

// The first "#" followed by 3 to 10 digits.
std::string FindOrderName(std::string_view text) {
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] != '#') continue;
    std::size_t j = i + 1;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    const std::size_t digits = j - i - 1;
    if (digits >= 3 && digits <= 10 && (j == text.size() || !IsWordChar(text[j]))) {
      return std::string(text.substr(i, j - i));
    }
  }
  return "";
}

// A UPS number ("1Z" + 16 upper-case alphanumerics), a USPS number (22 digits from 9), or the
// token after "tracking number".
std::string FindTrackingNumber(std::string_view text) {
  for (std::size_t i = 0; i + 18 <= text.size(); ++i) {
    if (text[i] == '1' && text[i + 1] == 'Z' && (i == 0 || !IsWordChar(text[i - 1]))) {
      std::size_t j = i + 2;
      while (j < text.size() && IsUpperAlnum(text[j])) ++j;
      if (j - i == 18) return std::string(text.substr(i, 18));
    }
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '9' || (i > 0 && IsWordChar(text[i - 1]))) continue;
    std::size_t j = i;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j]))) ++j;
    if (j - i == 22) return std::string(text.substr(i, 22));
    i = j;
  }
  const std::string lower = ToLowerAscii(text);
  for (std::string_view lead : {"tracking number", "tracking #", "tracking no."}) {
    std::size_t at = lower.find(lead);
    if (at == std::string::npos) continue;
    std::size_t j = at + lead.size();
    while (j < text.size() && (text[j] == ' ' || text[j] == ':' || text[j] == '#')) ++j;
    if (lower.compare(j, 3, "is ") == 0) j += 3;
    std::size_t k = j;
    while (k < text.size() && std::isalnum(static_cast<unsigned char>(text[k]))) ++k;
    bool has_digit = false;
    for (std::size_t m = j; m < k; ++m) has_digit = has_digit || std::isdigit(static_cast<unsigned char>(text[m]));
    if (k - j >= 8 && k - j <= 30 && has_digit) return std::string(text.substr(j, k - j));
  }
  return "";
}

// The first http(s) URL whose text contains "track".
std::string FindTrackingUrl(std::string_view text) {
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find("http", from);
    if (at == std::string_view::npos) return "";
    if (text.compare(at, 7, "http://") == 0 || text.compare(at, 8, "https://") == 0) {
      std::size_t end = at;
      while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != ')' &&
             text[end] != '>' && text[end] != '"' && text[end] != '\'') {
        ++end;
      }
      while (end > at && (text[end - 1] == '.' || text[end - 1] == ',')) --end;
      std::string url(text.substr(at, end - at));
      if (ToLowerAscii(url).find("track") != std::string::npos) return url;
      from = end;
    } else {
      from = at + 4;
    }
  }
}

std::string FindCarrier(std::string_view text) {
  for (std::string_view name : {"Canada Post", "Royal Mail", "FedEx", "USPS", "UPS", "DHL"}) {
    std::size_t from = 0;
    while (true) {
      const std::size_t at = text.find(name, from);
      if (at == std::string_view::npos) break;
      const bool start_ok = at == 0 || !IsWordChar(text[at - 1]);
      const std::size_t end = at + name.size();
      const bool end_ok = end == text.size() || !IsWordChar(text[end]);
      if (start_ok && end_ok) return std::string(name);
      from = at + 1;
    }
  }
  return "";
}

bool IsIsoDate(std::string_view s) {
  if (s.size() < 10) return false;
  for (std::size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// "<lead> YYYY-MM-DD" anywhere (lead in lower case).
std::string FindDateAfter(std::string_view text, std::string_view lead) {
  const std::string lower = ToLowerAscii(text);
  std::size_t from = 0;
  while (true) {
    const std::size_t at = lower.find(lead, from);
    if (at == std::string::npos) return "";
    const std::string_view rest = text.substr(at + lead.size());
    if (IsIsoDate(rest)) return std::string(rest.substr(0, 10));
    from = at + 1;
  }
}

std::string FirstWord(std::string_view s) {
  s = Trim(s);
  const std::size_t end = s.find_first_of(" \t,");
  return std::string(s.substr(0, end));
}

std::string StripTrailingPeriod(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view IntentName(Intent intent) { return kIntentNames[static_cast<int>(intent)]; }

std::optional<Intent> ParseIntent(std::string_view name) {
  const std::string lower = ToLowerAscii(name);
  for (int i = 0; i < kIntentCount; ++i) {
    if (lower == kIntentNames[i]) return static_cast<Intent>(i);
  }
  static const std::vector<std::pair<std::string_view, Intent>> aliases = {
      {"where_is_my_order", Intent::kWismo},  {"order_status", Intent::kWismo},
      {"shipping_status", Intent::kWismo},    {"returns", Intent::kReturn},
      {"return_request", Intent::kReturn},    {"cancellation", Intent::kCancel},
      {"cancel_order", Intent::kCancel},      {"change_address", Intent::kAddressChange},
      {"damaged", Intent::kDamagedItem},      {"damaged_product", Intent::kDamagedItem},
      {"dnr", Intent::kDeliveredNotReceived}, {"not_received", Intent::kDeliveredNotReceived},
      {"refund", Intent::kRefundStatus},      {"discount", Intent::kDiscountRequest},
      {"product", Intent::kProductQuestion},  {"product_inquiry", Intent::kProductQuestion},
  };
  for (const auto& [alias, intent] : aliases) {
    if (lower == alias) return intent;
  }
  return std::nullopt;
}

IntentCues ClassifyText(std::string_view customer_text) {
  const std::string text = ToLowerAscii(customer_text);
  IntentCues cues;
  std::array<int, kIntentCount> score{};
  for (int i = 0; i < kIntentCount; ++i) {
    for (const Cue& cue : CueTable()[i]) {
      if (ContainsPhrase(text, cue.phrase)) {
        score[i] += cue.weight;
        cues.matched.emplace_back(cue.phrase);
      }
    }
  }
  // A parcel marked delivered but missing is not a "where is it" question, and a damaged item
  // mentioned with a return is a damage claim: the specific intent absorbs the generic cue.
  if (score[static_cast<int>(Intent::kDeliveredNotReceived)] > 0) score[static_cast<int>(Intent::kWismo)] = 0;
  int best = -1;
  int second = -1;
  for (int i = 0; i < kIntentCount; ++i) {
    if (score[i] == 0) continue;
    ++cues.intents_cued;
    if (best < 0 || score[i] > score[best]) {
      second = best;
      best = i;
    } else if (second < 0 || score[i] > score[second]) {
      second = i;
    }
  }
  cues.truth = best < 0 ? Intent::kOther : static_cast<Intent>(best);
  if (second >= 0) cues.runner_up = static_cast<Intent>(second);
  return cues;
}

PromptFacts ParseFacts(std::string_view prompt_text) {
  PromptFacts facts;
  for (std::string_view line : Lines(prompt_text)) {
    std::string_view value;
    if (FactField field = MatchFactLine(line, value); field != nullptr && (facts.*field).empty()) {
      facts.*field = std::string(value);
    }
  }
  if (facts.order.empty()) facts.order = FindOrderName(prompt_text);
  if (facts.tracking_number.empty()) facts.tracking_number = FindTrackingNumber(prompt_text);
  if (facts.tracking_url.empty()) facts.tracking_url = FindTrackingUrl(prompt_text);
  if (facts.carrier.empty()) facts.carrier = FindCarrier(prompt_text);
  if (facts.shipped_date.empty()) facts.shipped_date = FindDateAfter(prompt_text, "shipped on ");
  if (facts.delivered_date.empty()) facts.delivered_date = FindDateAfter(prompt_text, "delivered on ");
  return facts;
}

std::string ExtractCustomerText(std::string_view message) {
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"<customer_message>", "</customer_message>"},
                             {"<ticket>", "</ticket>"}}) {
    const std::size_t a = message.find(open);
    if (a == std::string_view::npos) continue;
    const std::size_t b = message.find(close, a + open.size());
    return std::string(message.substr(a + open.size(), b == std::string_view::npos ? b : b - a - open.size()));
  }
  const std::vector<std::string_view> lines = Lines(message);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string lower = ToLowerAscii(Trim(lines[i]));
    for (std::string_view lead : {"customer message:", "ticket:", "message:"}) {
      if (!lower.starts_with(lead)) continue;
      std::string out(Trim(Trim(lines[i]).substr(lead.size())));
      for (std::size_t j = i + 1; j < lines.size(); ++j) {
        std::string_view value;
        if (MatchFactLine(lines[j], value) != nullptr) break;
        out += '\n';
        out += lines[j];
      }
      return out;
    }
  }
  std::string out;
  for (std::string_view line : lines) {
    std::string_view value;
    if (MatchFactLine(line, value) != nullptr) continue;
    out += line;
    out += '\n';
  }
  return out;
}

std::string DraftReply(Intent intent, const PromptFacts& f, const DraftFaults& faults) {
  std::string out = f.customer_name.empty() ? "Hi there,\n\n" : "Hi " + FirstWord(f.customer_name) + ",\n\n";
  const std::string order_ref = f.order.empty() ? "your order" : "order " + f.order;
  auto add = [&out](const std::string& sentence) {
    out += sentence;
    out += ' ';
  };
  const std::string tracking = faults.hallucinated_tracking.empty() ? f.tracking_number : faults.hallucinated_tracking;
  auto tracking_sentences = [&] {
    if (!tracking.empty() && !f.carrier.empty()) {
      add("It is on its way with " + f.carrier + ", tracking number " + tracking + ".");
    } else if (!tracking.empty()) {
      add("Your tracking number is " + tracking + ".");
    } else if (!f.carrier.empty()) {
      add("It ships with " + f.carrier + ".");
    }
    if (!f.tracking_url.empty()) add("You can follow it here: " + f.tracking_url);
  };
  switch (intent) {
    case Intent::kWismo:
      add("Thanks for checking in about " + order_ref + ".");
      if (!f.shipped_date.empty()) add("It shipped on " + f.shipped_date + ".");
      tracking_sentences();
      if (!f.last_scan.empty()) add("The latest scan reads: " + StripTrailingPeriod(f.last_scan) + ".");
      if (!f.eta.empty()) add("The estimated delivery date is " + f.eta + ".");
      if (tracking.empty() && f.shipped_date.empty()) {
        add("I'm checking on its status and will send the tracking details as soon as they are available.");
      }
      break;
    case Intent::kDeliveredNotReceived:
      add("I'm sorry that " + order_ref + " hasn't reached you.");
      if (!f.delivered_date.empty()) add("The carrier marked it delivered on " + f.delivered_date + ".");
      tracking_sentences();
      add("Could you check with neighbours and around your porch or mailbox? If it doesn't turn up, reply "
          "here and our team will open an investigation with the carrier.");
      break;
    case Intent::kReturn:
      add("Thanks for reaching out about returning " + (f.items.empty() ? std::string("your item") : f.items) +
          " from " + order_ref + ".");
      if (!f.return_window.empty()) add("Your return window: " + StripTrailingPeriod(f.return_window) + ".");
      add("Our team will send you the return instructions, and once the item is back we'll follow up on the "
          "next steps.");
      break;
    case Intent::kExchange:
      add("Happy to help with an exchange for " + order_ref + ".");
      if (!f.items.empty()) add("I see " + f.items + " on the order.");
      if (!f.return_window.empty()) add("Exchanges follow the return window: " + StripTrailingPeriod(f.return_window) + ".");
      add("Which size or variant would you like instead? Our team will confirm availability.");
      break;
    case Intent::kCancel:
      add("I've passed your cancellation request for " + order_ref + " to our team.");
      if (!f.status.empty()) add("Its current status is: " + StripTrailingPeriod(f.status) + ".");
      add("We'll confirm by email whether it could be stopped before shipping.");
      break;
    case Intent::kAddressChange:
      add("Thanks for letting us know about the address for " + order_ref + ".");
      if (!f.status.empty()) add("Its current status is: " + StripTrailingPeriod(f.status) + ".");
      add("Please reply with the full new address and our team will check whether it can still be updated.");
      break;
    case Intent::kDamagedItem:
      add("I'm so sorry " + (f.items.empty() ? std::string("your item") : f.items) + " from " + order_ref +
          " arrived damaged.");
      add("Could you reply with a photo of the damage and the packaging? Our team will review it and get back "
          "to you with the options.");
      break;
    case Intent::kRefundStatus:
      add("Thanks for asking about the refund for " + order_ref + ".");
      if (!f.refund.empty()) {
        add("Our records show: " + StripTrailingPeriod(f.refund) + ".");
      } else {
        add("I've asked our team to check on it and we'll follow up shortly.");
      }
      break;
    case Intent::kDiscountRequest:
      add("Thanks for your interest in a discount.");
      add("I've passed your request to our team, who will let you know what we can offer.");
      break;
    case Intent::kProductQuestion:
      add("Thanks for your question" + (f.items.empty() ? std::string() : " about " + f.items) + ".");
      add("I've asked our product team for the details and we'll get back to you shortly.");
      break;
    case Intent::kOther:
      add("Thanks for getting in touch about " + order_ref + ".");
      add("A member of our team will follow up shortly.");
      break;
  }
  if (!faults.hallucinated_tracking.empty() && intent != Intent::kWismo &&
      intent != Intent::kDeliveredNotReceived) {
    add("For reference, your tracking number is " + faults.hallucinated_tracking + ".");
  }
  if (!faults.promise.empty()) add(faults.promise);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  out += "\n\nBest regards,\nCustomer Support";
  return out;
}

std::int64_t CountTextTokens(Api api, std::string_view text) {
  const auto n = static_cast<std::int64_t>(text.size());
  if (api == Api::kOpenAi) return (n + 3) / 4;
  return (2 * n + 6) / 7;  // ceil(n / 3.5)
}

std::string TruncateToTokens(Api api, std::string_view text, std::int64_t max_tokens) {
  if (max_tokens <= 0) return "";
  std::size_t chars = api == Api::kOpenAi ? static_cast<std::size_t>(max_tokens) * 4
                                          : static_cast<std::size_t>(max_tokens * 7 / 2);
  if (chars >= text.size()) return std::string(text);
  while (chars > 0 && (static_cast<unsigned char>(text[chars]) & 0xC0) == 0x80) --chars;
  return std::string(text.substr(0, chars));
}

}  // namespace rh::mocks::llm
