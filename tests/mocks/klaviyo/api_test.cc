// Goal: the Klaviyo mock's real API behaves as reference/klaviyo-api.md says for what a support
// pipeline does: profiles (create, 409 on a duplicate, filter, page), lists and membership,
// events (202, dedupe by unique_id) and bulk suppression jobs. Every case runs in memory and
// over loopback against the same handler.
#include "mocks/klaviyo/klaviyo_mock.h"

#include "klaviyo_fixture.h"

namespace rh::mocks::klaviyo::testing {
namespace {

class KlaviyoApi : public KlaviyoTest {};

TEST_P(KlaviyoApi, CreatesAProfileWith201AndAJsonApiDocument) {
  const Reply r = Post("/api/profiles", {{"data",
                                          {{"type", "profile"},
                                           {"attributes",
                                            {{"email", "ana@example.com"},
                                             {"first_name", "Ana"},
                                             {"properties", {{"vip", true}}}}}}}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.headers.GetOr("Content-Type", ""), "application/vnd.api+json");
  const Json& data = r.json["data"];
  EXPECT_EQ(data["type"], "profile");
  EXPECT_EQ(data["id"].get<std::string>().size(), 26u);
  EXPECT_EQ(data["attributes"]["email"], "ana@example.com");
  EXPECT_EQ(data["attributes"]["properties"]["vip"], true);
  EXPECT_TRUE(data["attributes"]["phone_number"].is_null());
  EXPECT_FALSE(data["attributes"].contains("subscriptions")) << "subscriptions only when requested";

  const Reply got = Get("/api/profiles/" + data["id"].get<std::string>() + "/");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.json["data"]["attributes"]["first_name"], "Ana");
}

TEST_P(KlaviyoApi, RefusesADuplicateProfileWith409NamingTheExistingId) {
  const std::string id = CreateProfile("ana@example.com");
  const auto before = CountState();
  const Reply r = Post("/api/profiles", {{"data", {{"type", "profile"}, {"attributes", {{"email", "ana@example.com"}}}}}});
  ASSERT_EQ(r.status, 409) << r.body;
  const Json& e = r.json["errors"][0];
  EXPECT_EQ(e["status"], 409);
  EXPECT_EQ(e["code"], "duplicate_profile");
  EXPECT_EQ(e["title"], "Conflict.");
  EXPECT_EQ(e["source"]["pointer"], "/data/attributes");
  EXPECT_EQ(e["meta"]["duplicate_profile_id"], id);
  EXPECT_EQ(e["id"].get<std::string>().size(), 36u);
  EXPECT_EQ(CountState(), before);
}

TEST_P(KlaviyoApi, UpdatesAProfileWithPatchWhereNullClearsAndOmittedKeeps) {
  const std::string id = CreateProfile("ana@example.com", {{"first_name", "Ana"}, {"last_name", "Diaz"}});
  const Reply r = Call(sim::Method::kPatch, "/api/profiles/" + id,
                       Json{{"data", {{"type", "profile"}, {"id", id}, {"attributes", {{"last_name", nullptr}}}}}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["attributes"]["first_name"], "Ana");
  EXPECT_TRUE(r.json["data"]["attributes"]["last_name"].is_null());
}

TEST_P(KlaviyoApi, FindsAProfileByEmailWithTheFilterSyntax) {
  const std::string ana = CreateProfile("ana@example.com");
  const std::string ben = CreateProfile("ben@example.com");
  CreateProfile("carla@example.com");

  Reply r = Get("/api/profiles?filter=" + sim::PercentEncode("equals(email,\"ana@example.com\")"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"].size(), 1u);
  EXPECT_EQ(r.json["data"][0]["id"], ana);

  r = Get("/api/profiles?filter=" + sim::PercentEncode("any(email,['ana@example.com','ben@example.com'])"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"].size(), 2u);

  r = Get("/api/profiles?filter=" +
          sim::PercentEncode("and(greater-than(created,2020-01-01T00:00:00Z),equals(email,\"ben@example.com\"))"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"].size(), 1u);
  EXPECT_EQ(r.json["data"][0]["id"], ben);

  r = Get("/api/profiles?filter=" + sim::PercentEncode("equals(email,\"nobody@example.com\")"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json["data"].empty());
}

TEST_P(KlaviyoApi, PagesWithLinksNextUntilItIsNull) {
  for (int i = 0; i < 5; ++i) CreateProfile("p" + std::to_string(i) + "@example.com");
  std::set<std::string> seen;
  std::string target = "/api/profiles?page%5Bsize%5D=2";
  int pages = 0;
  while (!target.empty() && pages < 10) {
    const Reply r = Get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    for (const Json& p : r.json["data"]) seen.insert(p["id"].get<std::string>());
    ++pages;
    const Json& next = r.json["links"]["next"];
    if (next.is_null()) break;
    const std::string url = next.get<std::string>();
    target = url.substr(url.find("/api/"));
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
}

TEST_P(KlaviyoApi, AcceptsTheWholeNextUrlAsTheCursorAsTheNodeSdkSendsIt) {
  for (int i = 0; i < 3; ++i) CreateProfile("p" + std::to_string(i) + "@example.com");
  const Reply first = Get("/api/profiles?page%5Bsize%5D=2");
  ASSERT_EQ(first.status, 200);
  const std::string next = first.json["links"]["next"].get<std::string>();
  const Reply second = Get("/api/profiles?page%5Bsize%5D=2&page%5Bcursor%5D=" + sim::PercentEncode(next));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["data"].size(), 1u);
}

TEST_P(KlaviyoApi, AddsAndRemovesListMembersWith204WithoutTouchingConsent) {
  const std::string list = CreateList("VIP");
  const std::string ana = CreateProfile("ana@example.com");
  const std::string ben = CreateProfile("ben@example.com");
  AddToList(list, {ana, ben});
  Reply r = Get("/api/lists/" + list + "/profiles");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["data"].size(), 2u);

  const Reply removed = Call(sim::Method::kDelete, "/api/lists/" + list + "/relationships/profiles",
                             Json{{"data", {{{"type", "profile"}, {"id", ana}}}}}.dump());
  EXPECT_EQ(removed.status, 204);
  r = Get("/api/lists/" + list + "/profiles");
  ASSERT_EQ(r.json["data"].size(), 1u);
  EXPECT_EQ(r.json["data"][0]["id"], ben);
  EXPECT_EQ(mock->FindProfileByEmail("ana@example.com")->email_consent, "NEVER_SUBSCRIBED");
}

TEST_P(KlaviyoApi, KeepsOnlyTheFirstEventOfAUniqueId) {
  Reply r = Post("/api/events", EventDoc("Placed Order", "ana@example.com", "order-1042"));
  EXPECT_EQ(r.status, 202);
  EXPECT_TRUE(r.body.empty());
  r = Post("/api/events", EventDoc("Placed Order", "ana@example.com", "order-1042"));
  EXPECT_EQ(r.status, 202) << "a duplicate is accepted and dropped";
  r = Post("/api/events", EventDoc("Placed Order", "ana@example.com", "order-1043"));
  EXPECT_EQ(r.status, 202);

  const auto ana = mock->FindProfileByEmail("ana@example.com");
  ASSERT_TRUE(ana.has_value()) << "an unknown email creates the profile";
  r = Get("/api/events?filter=" + sim::PercentEncode("equals(profile_id,\"" + ana->id + "\")"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"].size(), 2u);
  EXPECT_EQ(r.json["data"][0]["relationships"]["profile"]["data"]["id"], ana->id);

  r = Get("/api/metrics");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.json["data"].size(), 1u);
  EXPECT_EQ(r.json["data"][0]["attributes"]["name"], "Placed Order");
}

TEST_P(KlaviyoApi, SuppressesAndUnsuppressesInBulk) {
  CreateProfile("ana@example.com");
  CreateProfile("ben@example.com");
  ASSERT_TRUE(mock->Suppress("ben@example.com", "HARD_BOUNCE", Now()));

  Reply r = BulkSuppress({"ana@example.com", "ben@example.com"});
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json["data"]["type"], "profile-suppression-bulk-create-job");
  EXPECT_EQ(r.json["data"]["attributes"]["status"], "queued");
  const std::string job = r.json["data"]["id"];
  r = Get("/api/profile-suppression-bulk-create-jobs/" + job);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json["data"]["attributes"]["status"], "complete");
  EXPECT_EQ(r.json["data"]["attributes"]["completed_count"], 2);

  r = Get("/api/profiles?additional-fields%5Bprofile%5D=subscriptions&filter=" +
          sim::PercentEncode("equals(subscriptions.email.marketing.suppression.reason,\"USER_SUPPRESSED\")"));
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["data"].size(), 2u);
  EXPECT_EQ(r.json["data"][0]["attributes"]["subscriptions"]["email"]["marketing"]["can_receive_email_marketing"], false);

  r = BulkSuppress({"ana@example.com", "ben@example.com"}, /*suppress=*/false);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_TRUE(mock->FindProfileByEmail("ana@example.com")->CanReceiveEmailMarketing());
  const auto ben = mock->FindProfileByEmail("ben@example.com");
  ASSERT_EQ(ben->suppressions.size(), 1u) << "unsuppress removes USER_SUPPRESSED only";
  EXPECT_EQ(ben->suppressions[0].reason, "HARD_BOUNCE");
}

TEST_P(KlaviyoApi, SeedsThroughTheInspectionRoutesAndNamesABadField) {
  Reply r = Inspect(sim::Method::kPost, "/_rehearsal/lists", {{"name", "Newsletter"}});
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string list = r.json["id"];
  r = Inspect(sim::Method::kPost, "/_rehearsal/profiles",
              {{"email", "ana@example.com"}, {"sms_consent", "SUBSCRIBED"}, {"lists", {list}}});
  ASSERT_EQ(r.status, 201) << r.body;
  r = Inspect(sim::Method::kPost, "/_rehearsal/profiles", {{"email", "ben@example.com"}, {"email_consent", "MAYBE"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["field"], "email_consent");
  r = Inspect(sim::Method::kPost, "/_rehearsal/flows", {{"name", "x"}, {"trigger", {{"metric", "M"}}},
                                                        {"actions", {{{"type", "email"}, {"kind", "spam"}}}}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json["field"], "actions[0].kind");
  EXPECT_EQ(mock->Snapshot().flows.size(), 0u);
}

INSTANTIATE_TEST_SUITE_P(BothTransports, KlaviyoApi, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::klaviyo::testing
