// Goal: the LLM mock understands the messages real customers write, as docs/llm-mock.md promises:
// a table of realistic messages per intent (plain, indirect, terse, with an order number, in
// shop-talk), each read as the intent its writer meant. A row that fails names the message, what
// the mock read, and the cues it matched, so widening the cue table is a matter of reading it.
#include "mocks/llm/model.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rh::mocks::llm {
namespace {

struct Row {
  std::string text;
  Intent meant;
};

// Per intent, what customers write. Keep the rows realistic: each was (or reads like) a message
// from a real support inbox; the first few of each intent were misread before the cues widened.
const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      // wismo
      {"Any news about my composter? Has it shipped?", Intent::kWismo},
      {"Where is my package? I ordered it a week ago.", Intent::kWismo},
      {"Can I get an update on my order #1042?", Intent::kWismo},
      {"My order still hasn't shipped, what's going on?", Intent::kWismo},
      {"When will my parcel arrive? I need it for Saturday.", Intent::kWismo},
      {"Did it ship yet? No email from you guys.", Intent::kWismo},
      {"Hi, where is my order?", Intent::kWismo},
      // return
      {"What's your return policy for sale items?", Intent::kReturn},
      {"The shoes pinch, I'd like to return them.", Intent::kReturn},
      {"How do I send them back? Is there a prepaid label?", Intent::kReturn},
      {"I want to return the jacket, it does not fit.", Intent::kReturn},
      // exchange
      {"Could I swap it for a medium instead?", Intent::kExchange},
      {"The hoodie is tight, can I get a bigger size?", Intent::kExchange},
      {"Do you have it in another color? I'd trade this one.", Intent::kExchange},
      {"Can I exchange this for a different size?", Intent::kExchange},
      // cancel
      {"Please don't ship order #1077, I ordered twice by accident.", Intent::kCancel},
      {"Stop my order please, I found it elsewhere.", Intent::kCancel},
      {"I need to cancel the order I placed this morning.", Intent::kCancel},
      // address_change
      {"I moved last week, can you send it to my new place? New address is 12 Oak Rd.", Intent::kAddressChange},
      {"There's a typo in my address, it should be 221B not 22B.", Intent::kAddressChange},
      {"Please update the address on my order to my office.", Intent::kAddressChange},
      // damaged_item
      {"The vase came in pieces.", Intent::kDamagedItem},
      {"My blender stopped working after two days.", Intent::kDamagedItem},
      {"The bottle was leaking all over the box.", Intent::kDamagedItem},
      {"The mug arrived broken, the handle is cracked.", Intent::kDamagedItem},
      // delivered_not_received
      {"Tracking says it's delivered but there's nothing at my door.", Intent::kDeliveredNotReceived},
      {"The package never showed up even though the app shows delivered.", Intent::kDeliveredNotReceived},
      {"I think my parcel was stolen from the porch.", Intent::kDeliveredNotReceived},
      // refund_status
      {"I sent the boots back two weeks ago and haven't seen the money.", Intent::kRefundStatus},
      {"I was charged twice for the same order!", Intent::kRefundStatus},
      {"Has my refund gone through yet?", Intent::kRefundStatus},
      // discount_request
      {"Do you have any codes for first-time buyers?", Intent::kDiscountRequest},
      {"Is there a Black Friday deal on the desk lamp?", Intent::kDiscountRequest},
      {"Could I get 10% off if I buy two? A coupon maybe?", Intent::kDiscountRequest},
      // product_question
      {"Is the linen shirt machine washable?", Intent::kProductQuestion},
      {"Do these sneakers run small or are they true to size?", Intent::kProductQuestion},
      {"Will it fit a 15 inch laptop?", Intent::kProductQuestion},
      {"Does this come in black?", Intent::kProductQuestion},
      // other
      {"Do you have a shop in Berlin I could visit?", Intent::kOther},
      {"Just wanted to say I love your brand!", Intent::kOther},
      {"Can I speak to a manager please?", Intent::kOther},
  };
  return rows;
}

std::string Matched(const IntentCues& cues) {
  std::string out;
  for (const auto& phrase : cues.matched) out += (out.empty() ? "" : ", ") + phrase;
  return out.empty() ? "(no cue)" : out;
}

TEST(LlmUnderstanding, ReadsRealisticMessagesAsTheIntentTheirWritersMeant) {
  for (const Row& row : Table()) {
    const IntentCues cues = ClassifyText(row.text);
    EXPECT_EQ(IntentName(cues.truth), IntentName(row.meant)) << "\"" << row.text << "\" matched: " << Matched(cues);
  }
}

TEST(LlmUnderstanding, EveryIntentHasRowsInTheTable) {
  std::vector<int> rows(kIntentCount, 0);
  for (const Row& row : Table()) ++rows[static_cast<int>(row.meant)];
  for (int i = 0; i < kIntentCount; ++i) EXPECT_GE(rows[i], 3) << IntentName(static_cast<Intent>(i));
}

// A delivered-but-missing parcel is not a "where is it" question, even with WISMO words in it.
TEST(LlmUnderstanding, AParcelMarkedDeliveredButMissingIsNotAWismo) {
  EXPECT_EQ(ClassifyText("Where is my order? Tracking says delivered but I never received it.").truth,
            Intent::kDeliveredNotReceived);
}

// Two requests in one message: the heavier reading wins and the other is the runner-up.
TEST(LlmUnderstanding, AMessageWithTwoRequestsIsReadByTheHeavierOne) {
  const IntentCues cues = ClassifyText("My mug arrived broken and I want a discount");
  EXPECT_EQ(cues.truth, Intent::kDamagedItem);
  EXPECT_EQ(cues.runner_up, Intent::kDiscountRequest);
}

}  // namespace
}  // namespace rh::mocks::llm
