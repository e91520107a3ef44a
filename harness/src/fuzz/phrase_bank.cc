#include "phrase_bank.h"

#include <array>
#include <map>

namespace rh::harness::fuzz {
namespace {

using pipeline::Intent;
using Bank = std::map<std::pair<Intent, PhraseStyle>, std::vector<Phrase>>;

// One row per (intent, style). Texts are written the way customers write, typos and all.
const Bank& TheBank() {
  static const Bank bank = [] {
    Bank b;
    auto add = [&](Intent i, PhraseStyle s, std::vector<std::string> texts, Intent truth) {
      auto& row = b[{i, s}];
      for (auto& t : texts) row.push_back({std::move(t), truth});
    };
    using S = PhraseStyle;
    // wismo
    add(Intent::kWismo, S::kPlain, {"Where is my order {order}?", "Hi, what is the status of my order {order}?"},
        Intent::kWismo);
    add(Intent::kWismo, S::kIndirect,
        {"Any news about my order {order}? Has it shipped yet?", "I ordered last week and I'm still waiting for my parcel {order}."},
        Intent::kWismo);
    add(Intent::kWismo, S::kMisspelled, {"wheres my order {order} ??", "hi, my order {order} hasnt arived, tracking?"},
        Intent::kWismo);
    add(Intent::kWismo, S::kTwoIntents,
        {"Where is my order {order}? Also, can I change the shipping address?"}, Intent::kWismo);
    add(Intent::kWismo, S::kOtherLanguage, {"¿Dónde está mi pedido {order}?", "Où est ma commande {order} ?"},
        Intent::kWismo);
    // return
    add(Intent::kReturn, S::kPlain, {"I want to return my order {order}, it doesn't fit.", "How do I start a return for my order {order}?"},
        Intent::kReturn);
    add(Intent::kReturn, S::kIndirect, {"This isn't for me. Can I send my order {order} back?"}, Intent::kReturn);
    add(Intent::kReturn, S::kMisspelled, {"i wnat to retrun my order {order}"}, Intent::kReturn);
    add(Intent::kReturn, S::kTwoIntents, {"I'd like to return my order {order} and get my money back please."},
        Intent::kRefundStatus);
    add(Intent::kReturn, S::kOtherLanguage, {"Quiero devolver mi pedido {order}.", "Ich möchte meine Bestellung {order} zurückschicken."},
        Intent::kReturn);
    // exchange
    add(Intent::kExchange, S::kPlain, {"Can I exchange my order {order} for a different size?"}, Intent::kExchange);
    add(Intent::kExchange, S::kIndirect, {"The hoodie from my order {order} is too small, could I get a larger size?"},
        Intent::kExchange);
    add(Intent::kExchange, S::kMisspelled, {"can i excange my order {order}, its the wrong size"}, Intent::kExchange);
    add(Intent::kExchange, S::kTwoIntents, {"Can I exchange my order {order}? Also I was charged twice for it."},
        Intent::kRefundStatus);
    // cancel
    add(Intent::kCancel, S::kPlain, {"Please cancel my order {order}.", "I need to cancel the order {order}."},
        Intent::kCancel);
    add(Intent::kCancel, S::kIndirect, {"I placed my order {order} by mistake, I don't want it anymore."}, Intent::kCancel);
    add(Intent::kCancel, S::kMisspelled, {"pls cancle my ordr {order}"}, Intent::kCancel);
    add(Intent::kCancel, S::kOtherLanguage, {"Por favor cancelen mi pedido {order}."}, Intent::kCancel);
    // address change
    add(Intent::kAddressChange, S::kPlain, {"Can you change the shipping address on my order {order}? I moved."},
        Intent::kAddressChange);
    add(Intent::kAddressChange, S::kIndirect, {"Oops, I put my old street on my order {order}. New address is 5 Elm St."},
        Intent::kAddressChange);
    add(Intent::kAddressChange, S::kMisspelled, {"need to chnage my adress for my order {order}"}, Intent::kAddressChange);
    // damaged item
    add(Intent::kDamagedItem, S::kPlain, {"My order {order} arrived damaged.", "The mug in my order {order} arrived broken."},
        Intent::kDamagedItem);
    add(Intent::kDamagedItem, S::kIndirect, {"Opened the box of my order {order} and the seam is torn."}, Intent::kDamagedItem);
    add(Intent::kDamagedItem, S::kMisspelled, {"my order {order} came damged and crakced"}, Intent::kDamagedItem);
    add(Intent::kDamagedItem, S::kOtherLanguage, {"Mi pedido {order} llegó roto."}, Intent::kDamagedItem);
    // delivered, not received
    add(Intent::kDeliveredNotReceived, S::kPlain,
        {"Tracking says my order {order} was delivered but I never received it."}, Intent::kDeliveredNotReceived);
    add(Intent::kDeliveredNotReceived, S::kIndirect,
        {"My order {order} shows as delivered, it's not at my door and the neighbours have nothing."},
        Intent::kDeliveredNotReceived);
    add(Intent::kDeliveredNotReceived, S::kMisspelled, {"my order {order} says deliverd but i never got it"},
        Intent::kDeliveredNotReceived);
    add(Intent::kDeliveredNotReceived, S::kOtherLanguage, {"Mi pedido {order} dice entregado pero no recibí nada."},
        Intent::kDeliveredNotReceived);
    // refund status
    add(Intent::kRefundStatus, S::kPlain, {"Where is my refund for my order {order}?"}, Intent::kRefundStatus);
    add(Intent::kRefundStatus, S::kIndirect, {"I sent my order {order} back two weeks ago and still nothing in my account."},
        Intent::kRefundStatus);
    add(Intent::kRefundStatus, S::kMisspelled, {"wheres my refnd for my order {order}"}, Intent::kRefundStatus);
    add(Intent::kRefundStatus, S::kOtherLanguage, {"¿Cuándo recibo el reembolso de mi pedido {order}?"}, Intent::kRefundStatus);
    // discount request
    add(Intent::kDiscountRequest, S::kPlain, {"Could I get 15% off my first order?", "Do you have a promo code?"},
        Intent::kDiscountRequest);
    add(Intent::kDiscountRequest, S::kIndirect,
        {"I saw the same hoodie cheaper elsewhere, can you price match?", "Is there any coupon for my order {order}?"},
        Intent::kDiscountRequest);
    add(Intent::kDiscountRequest, S::kMisspelled, {"any dicsount for returning customers? 10 percent off maybe"},
        Intent::kDiscountRequest);
    add(Intent::kDiscountRequest, S::kTwoIntents, {"Where is my order {order}? And can I get a discount on the next?"},
        Intent::kDiscountRequest);
    add(Intent::kDiscountRequest, S::kOtherLanguage, {"¿Tienen algún descuento?", "Gibt es einen Rabatt?"},
        Intent::kDiscountRequest);
    // product question
    add(Intent::kProductQuestion, S::kPlain, {"What size should I get? I'm 180 cm.", "Is the jacket waterproof?"},
        Intent::kProductQuestion);
    add(Intent::kProductQuestion, S::kIndirect, {"Will the grey one be back in stock soon?"}, Intent::kProductQuestion);
    // other
    add(Intent::kOther, S::kPlain, {"Hello, I have a question.", "Thanks for the great service!"}, Intent::kOther);
    return b;
  }();
  return bank;
}

}  // namespace

std::string_view PhraseStyleName(PhraseStyle style) {
  static constexpr std::array<std::string_view, kPhraseStyleCount> kNames = {"plain", "indirect", "misspelled",
                                                                             "two_intents", "other_language"};
  return kNames[static_cast<std::size_t>(style)];
}

const std::vector<Phrase>& Phrases(pipeline::Intent intent, PhraseStyle style) {
  const Bank& bank = TheBank();
  auto it = bank.find({intent, style});
  if (it == bank.end()) it = bank.find({intent, PhraseStyle::kPlain});
  return it->second;
}

std::string Fill(const Phrase& phrase, const std::string& order) {
  // " {order}" follows the words that name the order ("my order {order}"): the order's name, or
  // nothing when the customer names none.
  static constexpr std::string_view kSlot = " {order}";
  std::string out = phrase.text;
  const std::string with = order.empty() ? std::string() : " " + order;
  for (std::size_t at = out.find(kSlot); at != std::string::npos; at = out.find(kSlot, at + with.size())) {
    out.replace(at, kSlot.size(), with);
  }
  return out;
}

}  // namespace rh::harness::fuzz
