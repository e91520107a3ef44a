// Goal: the Klaviyo mock's marketing really sends, and decides at SEND time: campaigns skip
// suppressed list members and say why; flows wait their virtual days and then honour the
// suppression state of that moment, their filters and consent; every message sent or skipped
// is in the record with its kind. Runs in memory and over loopback; time is the Scheduler's.
#include "mocks/klaviyo/klaviyo_mock.h"

#include "klaviyo_fixture.h"

namespace rh::mocks::klaviyo::testing {
namespace {

class KlaviyoMarketing : public KlaviyoTest {};

// The records of `json` for `email`, in order.
std::vector<Json> SendsTo(const Json& sends, const std::string& email) {
  std::vector<Json> out;
  for (const Json& s : sends) {
    if (s["to"] == email) out.push_back(s);
  }
  return out;
}

TEST_P(KlaviyoMarketing, ACampaignToAListSkipsSuppressedMembersAndRecordsWhy) {
  const std::string list = CreateList("Newsletter");
  const std::string ana = CreateProfile("ana@example.com");
  const std::string ben = CreateProfile("ben@example.com");
  const std::string carla = CreateProfile("carla@example.com");
  AddToList(list, {ana, ben, carla});
  ASSERT_EQ(BulkSuppress({"ben@example.com"}).status, 202);

  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/campaigns",
                    {{"name", "Black Friday"}, {"included", {list}}, {"send_in_s", 3600}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string campaign = r.json["id"];
  EXPECT_TRUE(Sends().empty()) << "nothing goes out before the scheduled time";

  Advance(sim::Hours(2));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 3u) << sends.dump();
  for (const Json& s : sends) {
    EXPECT_EQ(s["kind"], "promotional");
    EXPECT_EQ(s["channel"], "email");
    EXPECT_EQ(s["source_type"], "campaign");
    EXPECT_EQ(s["source_id"], campaign);
  }
  EXPECT_EQ(SendsTo(sends, "ana@example.com")[0]["outcome"], "sent");
  EXPECT_EQ(SendsTo(sends, "carla@example.com")[0]["outcome"], "sent");
  const Json skipped = SendsTo(sends, "ben@example.com")[0];
  EXPECT_EQ(skipped["outcome"], "skipped");
  EXPECT_EQ(skipped["reason"], "suppressed");
  EXPECT_EQ(skipped["detail"], "USER_SUPPRESSED");

  r = Get("/api/campaigns/" + campaign);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["attributes"]["status"], "Sent");
}

TEST_P(KlaviyoMarketing, AReviewRequestFlowSkipsAProfileSuppressedMeanwhileAndSendsToOneUnsuppressedAgain) {
  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/flows",
                    {{"template", "review_request"}, {"delay_days", 3}, {"trigger", {{"metric", "Fulfilled Order"}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Post("/api/events", EventDoc("Fulfilled Order", "ana@example.com")).status, 202);
  ASSERT_EQ(Post("/api/events", EventDoc("Fulfilled Order", "ben@example.com")).status, 202);

  Advance(sim::Days(1));
  // A delivery exception: the pipeline suppresses both customers.
  ASSERT_EQ(BulkSuppress({"ana@example.com", "ben@example.com"}).status, 202);
  Advance(sim::Days(1));
  // Ben's issue is resolved: suppression ends.
  ASSERT_EQ(BulkSuppress({"ben@example.com"}, /*suppress=*/false).status, 202);
  EXPECT_TRUE(Sends().empty()) << "the review request waits three days";

  Advance(sim::Days(2));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 2u) << sends.dump();
  const Json ana = SendsTo(sends, "ana@example.com").at(0);
  EXPECT_EQ(ana["outcome"], "skipped");
  EXPECT_EQ(ana["reason"], "suppressed");
  EXPECT_EQ(ana["kind"], "review_request");
  EXPECT_EQ(ana["source_type"], "flow");
  const Json ben = SendsTo(sends, "ben@example.com").at(0);
  EXPECT_EQ(ben["outcome"], "sent");
  EXPECT_EQ(ben["kind"], "review_request");
}

TEST_P(KlaviyoMarketing, ARecoveryFlowFiresOnceForADuplicatedResolutionEvent) {
  ASSERT_EQ(Inspect(sim::Method::kPost, "/_rehearsal/flows", {{"template", "recovery"}}).status, 201);
  ASSERT_EQ(Post("/api/events", EventDoc("Issue Resolved", "ana@example.com", "ticket-86538298-resolved")).status, 202);
  ASSERT_EQ(Post("/api/events", EventDoc("Issue Resolved", "ana@example.com", "ticket-86538298-resolved")).status, 202);
  Advance(sim::Minutes(1));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 1u) << sends.dump();
  EXPECT_EQ(sends[0]["kind"], "recovery");
  EXPECT_EQ(sends[0]["outcome"], "sent");
}

TEST_P(KlaviyoMarketing, AFlowFilterIsCheckedAgainBeforeTheMessage) {
  // Post-purchase to profiles that are not VIP: Ana becomes VIP during the delay.
  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/flows",
                    {{"template", "post_purchase"},
                     {"delay_days", 1},
                     {"filters", {{{"type", "profile_property"}, {"field", "properties.vip"}, {"op", "not-equals"}, {"value", true}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  ASSERT_EQ(Post("/api/events", EventDoc("Placed Order", "ana@example.com")).status, 202);
  ASSERT_EQ(Post("/api/events", EventDoc("Placed Order", "ben@example.com")).status, 202);
  const std::string ana = mock->FindProfileByEmail("ana@example.com")->id;
  r = Call(sim::Method::kPatch, "/api/profiles/" + ana,
           Json{{"data", {{"type", "profile"}, {"id", ana}, {"attributes", {{"properties", {{"vip", true}}}}}}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  Advance(sim::Days(2));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 2u) << sends.dump();
  EXPECT_EQ(SendsTo(sends, "ana@example.com").at(0)["reason"], "filtered_out");
  EXPECT_EQ(SendsTo(sends, "ben@example.com").at(0)["outcome"], "sent");
  EXPECT_EQ(SendsTo(sends, "ben@example.com").at(0)["kind"], "promotional");
}

TEST_P(KlaviyoMarketing, SmsNeedsConsentAndTransactionalEmailReachesAUserSuppressedProfile) {
  const std::string list = CreateList("Members");
  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/flows",
                    {{"name", "Welcome"},
                     {"trigger", {{"list_id", list}}},
                     {"actions",
                      {{{"type", "sms"}, {"name", "Welcome SMS"}},
                       {{"type", "email"}, {"name", "Account details"}, {"kind", "transactional"}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string ana = CreateProfile("ana@example.com", {{"phone_number", "+15005550006"}});
  ASSERT_EQ(BulkSuppress({"ana@example.com"}).status, 202);
  AddToList(list, {ana});
  AddToList(list, {ana});  // already a member: no second entry
  Advance(sim::Minutes(1));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 2u) << sends.dump();
  EXPECT_EQ(sends[0]["channel"], "sms");
  EXPECT_EQ(sends[0]["reason"], "no_consent");
  EXPECT_EQ(sends[1]["kind"], "transactional");
  EXPECT_EQ(sends[1]["outcome"], "sent");
}

TEST_P(KlaviyoMarketing, ACampaignToASegmentComputesMembersAtSendTimeAndAppliesSmartSending) {
  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/segments",
                    {{"name", "Recent buyers"},
                     {"conditions", {{{"type", "metric"}, {"metric", "Placed Order"}, {"within_days", 30}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string segment = r.json["id"];
  ASSERT_EQ(Inspect(sim::Method::kPost, "/_rehearsal/campaigns",
                    {{"name", "First"}, {"included", {segment}}, {"send_in_s", 60}})
                .status,
            201);
  ASSERT_EQ(Inspect(sim::Method::kPost, "/_rehearsal/campaigns",
                    {{"name", "Second"}, {"included", {segment}}, {"send_in_s", 7200}})
                .status,
            201);
  ASSERT_EQ(Post("/api/events", EventDoc("Placed Order", "ana@example.com")).status, 202);
  Advance(sim::Hours(3));
  const Json sends = Sends();
  ASSERT_EQ(sends.size(), 2u) << sends.dump();
  EXPECT_EQ(sends[0]["outcome"], "sent");
  EXPECT_EQ(sends[1]["reason"], "smart_sending");
}

INSTANTIATE_TEST_SUITE_P(BothTransports, KlaviyoMarketing,
                         ::testing::Values(Transport::kInMemory, Transport::kLoopback), TransportName);

}  // namespace
}  // namespace rh::mocks::klaviyo::testing
