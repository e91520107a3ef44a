// Goal: every endpoint of the Gorgias mock answers with Gorgias's paths, status codes, shapes
// (list envelope, uri with a trailing slash, microsecond "+00:00" datetimes) and cursor
// pagination, the same in memory and over loopback.
#include "mocks/gorgias/gorgias_mock.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "gorgias_fixture.h"

namespace rh::mocks::gorgias::testing {
namespace {

using M = sim::Method;

bool IsGorgiasDatetime(const Json& value) {
  static const std::regex kShape(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$)");
  return value.is_string() && std::regex_match(value.get<std::string>(), kShape);
}

std::vector<std::uint64_t> Ids(const Json& list) {
  std::vector<std::uint64_t> ids;
  for (const Json& item : list["data"]) ids.push_back(item["id"].get<std::uint64_t>());
  return ids;
}

using GorgiasApi = GorgiasTest;

TEST_P(GorgiasApi, TicketsAreCreatedReadListedUpdatedAndDeleted) {
  const Reply created = Post("/api/tickets", {{"channel", "email"},
                                              {"via", "email"},
                                              {"subject", "Where is my order #1042?"},
                                              {"customer", {{"email", kMariaEmail}}},
                                              {"tags", Json::array({{{"name", "wismo"}}})},
                                              {"messages", Json::array({CustomerEmail("Hi, no tracking yet.")})}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t id = created.json["id"];
  EXPECT_EQ(created.json["uri"], "/api/tickets/" + std::to_string(id) + "/");
  EXPECT_EQ(created.json["status"], "open");
  EXPECT_EQ(created.json["priority"], "normal");
  EXPECT_EQ(created.json["customer"]["id"], maria);
  EXPECT_EQ(created.json["messages_count"], 1);
  EXPECT_EQ(created.json["tags"][0]["name"], "wismo");
  EXPECT_TRUE(IsGorgiasDatetime(created.json["created_datetime"])) << created.json["created_datetime"];
  EXPECT_TRUE(IsGorgiasDatetime(created.json["messages"][0]["sent_datetime"]));

  const Reply got = Get("/api/tickets/" + std::to_string(id));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.json["subject"], "Where is my order #1042?");

  const Reply list = Get("/api/tickets");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["object"], "list");
  EXPECT_EQ(list.json["uri"], "/api/tickets");
  EXPECT_EQ(Ids(list.json), std::vector<std::uint64_t>{id});
  EXPECT_TRUE(list.json["meta"]["next_cursor"].is_null());
  EXPECT_TRUE(list.json["meta"]["prev_cursor"].is_null());

  const Reply closed = Put("/api/tickets/" + std::to_string(id), {{"status", "closed"}, {"priority", "high"}});
  ASSERT_EQ(closed.status, 200) << closed.body;
  EXPECT_EQ(closed.json["status"], "closed");
  EXPECT_EQ(closed.json["priority"], "high");
  EXPECT_TRUE(IsGorgiasDatetime(closed.json["closed_datetime"]));
  EXPECT_EQ(closed.json["subject"], "Where is my order #1042?");  // partial update

  EXPECT_EQ(Delete("/api/tickets/" + std::to_string(id)).status, 204);
  EXPECT_EQ(Get("/api/tickets/" + std::to_string(id)).status, 404);
}

TEST_P(GorgiasApi, TicketListsFilterByCustomerExternalIdAndTicketIds) {
  const std::uint64_t a = CreateEmailTicket("first");
  const Reply other = Post("/api/tickets", {{"external_id", "ext-7"},
                                            {"customer", {{"email", "leo@example.com"}}},
                                            {"messages", Json::array({CustomerEmail("second", "leo@example.com")})}});
  ASSERT_EQ(other.status, 201) << other.body;
  const std::uint64_t b = other.json["id"];
  const std::uint64_t c = CreateEmailTicket("third");

  EXPECT_EQ(Ids(Get("/api/tickets?customer_id=" + std::to_string(maria)).json), (std::vector<std::uint64_t>{c, a}));
  EXPECT_EQ(Ids(Get("/api/tickets?external_id=ext-7").json), std::vector<std::uint64_t>{b});
  EXPECT_EQ(Ids(Get("/api/tickets?ticket_ids[]=" + std::to_string(a) + "&ticket_ids[]=" + std::to_string(b) +
                    "&order_by=created_datetime:asc")
                    .json),
            (std::vector<std::uint64_t>{a, b}));
  EXPECT_EQ(Get("/api/tickets?customer_id=abc").status, 400);
}

TEST_P(GorgiasApi, ListsPageWithCursorsForwardAndBack) {
  std::vector<std::uint64_t> created;
  for (int i = 0; i < 5; ++i) created.push_back(CreateEmailTicket("ticket " + std::to_string(i)));
  std::vector<std::uint64_t> seen;
  std::string target = "/api/tickets?limit=2";
  std::vector<std::string> prev_cursors;
  for (int page = 0; page < 5; ++page) {
    const Reply r = Get(target);
    ASSERT_EQ(r.status, 200) << r.body;
    for (std::uint64_t id : Ids(r.json)) seen.push_back(id);
    const Json& next = r.json["meta"]["next_cursor"];
    if (!r.json["meta"]["prev_cursor"].is_null()) prev_cursors.push_back(r.json["meta"]["prev_cursor"]);
    if (next.is_null()) break;
    target = "/api/tickets?limit=2&cursor=" + sim::PercentEncode(next.get<std::string>());
  }
  // Newest first by default, every ticket exactly once.
  EXPECT_EQ(seen, (std::vector<std::uint64_t>(created.rbegin(), created.rend())));
  // The last page's prev cursor leads back to the page before it.
  ASSERT_FALSE(prev_cursors.empty());
  const Reply back = Get("/api/tickets?limit=2&cursor=" + sim::PercentEncode(prev_cursors.back()));
  EXPECT_EQ(Ids(back.json), (std::vector<std::uint64_t>{created[2], created[1]}));

  EXPECT_EQ(Get("/api/tickets?limit=101").status, 400);
  EXPECT_EQ(Get("/api/tickets?limit=0").status, 400);
  EXPECT_EQ(Get("/api/tickets?cursor=not-a-cursor").status, 400);
  EXPECT_EQ(Get("/api/tickets?order_by=subject:asc").status, 400);
  EXPECT_EQ(Ids(Get("/api/tickets?order_by=created_datetime:asc&limit=1").json), std::vector<std::uint64_t>{created[0]});
}

TEST_P(GorgiasApi, TicketTagsAreAddedReplacedAndRemovedByIdsAndNames) {
  const std::uint64_t id = CreateEmailTicket();
  const std::string tags = "/api/tickets/" + std::to_string(id) + "/tags";
  const Reply added = Post(tags, {{"names", {"wismo", "vip"}}});
  EXPECT_EQ(added.status, 201);
  EXPECT_TRUE(added.body.empty());
  Reply list = Get(tags);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json["data"].size(), 2u);
  const std::uint64_t vip = list.json["data"][1]["id"];

  EXPECT_EQ(Put(tags, {{"names", {"refund"}}, {"ids", {vip}}}).status, 202);
  list = Get(tags);
  std::set<std::string> names;
  for (const Json& t : list.json["data"]) names.insert(t["name"]);
  EXPECT_EQ(names, (std::set<std::string>{"vip", "refund"}));

  EXPECT_EQ(Delete(tags, {{"ids", {vip}}}).status, 204);
  list = Get(tags);
  ASSERT_EQ(list.json["data"].size(), 1u);
  EXPECT_EQ(list.json["data"][0]["name"], "refund");

  EXPECT_EQ(Post(tags, Json::object()).status, 400);
  EXPECT_EQ(Post(tags, {{"ids", {999999}}}).status, 400);
  const Reply events = Get("/api/events?object_id=" + std::to_string(id) + "&types[]=ticket-tags-added");
  EXPECT_EQ(events.json["data"].size(), 2u);
}

TEST_P(GorgiasApi, ATicketUpdateReplacesTagsAndCustomFields) {
  const std::uint64_t id = CreateEmailTicket();
  const std::string path = "/api/tickets/" + std::to_string(id);
  ASSERT_EQ(Put(path, {{"tags", Json::array({{{"name", "a"}}, {{"name", "b"}}})},
                       {"custom_fields", Json::array({{{"id", 1}, {"value", "x"}}})}})
                .status,
            200);
  const Reply r = Put(path, {{"tags", Json::array({{{"name", "c"}}})}, {"custom_fields", Json::array()}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["tags"].size(), 1u);
  EXPECT_EQ(r.json["tags"][0]["name"], "c");
  EXPECT_TRUE(r.json["custom_fields"].empty());
}

TEST_P(GorgiasApi, MessagesAreListedFetchedEditedAndDeleted) {
  const std::uint64_t id = CreateEmailTicket();
  const std::string messages = "/api/tickets/" + std::to_string(id) + "/messages";
  const Reply created = Post(messages, EmailReply("Your parcel left today."));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t mid = created.json["id"];
  EXPECT_EQ(created.json["uri"], messages + "/" + std::to_string(mid) + "/");
  EXPECT_EQ(created.json["sender"]["id"], ana);
  EXPECT_EQ(created.json["receiver"]["id"], maria);

  const Reply list = Get(messages);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["object"], "list");
  EXPECT_EQ(list.json["data"].size(), 2u);
  EXPECT_EQ(Get(messages + "/" + std::to_string(mid)).json["body_text"], "Your parcel left today.");

  const Reply edited = Put(messages + "/" + std::to_string(mid), {{"body_text", "Your parcel left this morning."}});
  EXPECT_EQ(edited.status, 202);
  EXPECT_EQ(edited.json["body_text"], "Your parcel left this morning.");

  const Reply all = Get("/api/messages?ticket_id=" + std::to_string(id) + "&order_by=created_datetime:asc");
  ASSERT_EQ(all.json["data"].size(), 2u);
  EXPECT_EQ(all.json["data"][1]["id"], mid);

  const Reply deleted = Delete(messages + "/" + std::to_string(mid));
  EXPECT_EQ(deleted.status, 200);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(Get(messages + "/" + std::to_string(mid)).status, 404);
  EXPECT_EQ(Get("/api/tickets/" + std::to_string(id)).json["messages_count"], 1);
  EXPECT_EQ(Get("/api/tickets/999/messages").status, 404);
}

TEST_P(GorgiasApi, CustomersAreCreatedFoundByEmailUpdatedAndDeleted) {
  const Reply created = Post("/api/customers", {{"email", "leo@example.com"}, {"firstname", "Leo"}, {"lastname", "Ng"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t id = created.json["id"];
  EXPECT_EQ(created.json["name"], "Leo Ng");
  EXPECT_EQ(created.json["channels"][0]["type"], "email");
  EXPECT_EQ(created.json["timezone"], "UTC");

  const Reply dup = Post("/api/customers", {{"email", "LEO@example.com"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_TRUE(dup.json["error"]["msg"].is_string());

  const Reply found = Get("/api/customers?email=leo@example.com");
  EXPECT_EQ(Ids(found.json), std::vector<std::uint64_t>{id});

  const Reply updated = Put("/api/customers/" + std::to_string(id), {{"note", "prefers SMS"}});
  ASSERT_EQ(updated.status, 200);
  EXPECT_EQ(updated.json["note"], "prefers SMS");
  EXPECT_EQ(updated.json["email"], "leo@example.com");
  EXPECT_EQ(Put("/api/customers/" + std::to_string(id), {{"email", kMariaEmail}}).status, 409);

  const std::string data = "/api/customers/" + std::to_string(id) + "/data";
  EXPECT_EQ(Put(data, {{"data", {{"ltv", 120}}}, {"version", "2026-11-20T10:00:00+00:00"}}).status, 202);
  EXPECT_EQ(Put(data, {{"data", {{"ltv", 1}}}, {"version", "2026-11-19T10:00:00+00:00"}}).status, 202);
  EXPECT_EQ(Get("/api/customers/" + std::to_string(id)).json["data"]["ltv"], 120);  // the older one was ignored

  EXPECT_EQ(Delete("/api/customers/" + std::to_string(id)).status, 204);
  EXPECT_EQ(Get("/api/customers/" + std::to_string(id)).status, 404);
}

TEST_P(GorgiasApi, UsersAreListedAndUserZeroIsTheCaller) {
  const Reply list = Get("/api/users");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json["data"].size(), 3u);
  EXPECT_EQ(Ids(Get("/api/users?email=ben@acme.example").json), std::vector<std::uint64_t>{ben});
  EXPECT_EQ(Get("/api/users/0").json["id"], ana);
  EXPECT_EQ(Get("/api/users/0", Auth::kBenKey).json["email"], kBenEmail);
  EXPECT_EQ(Get("/api/users/" + std::to_string(olga)).json["role"]["name"], "observer-agent");
  EXPECT_EQ(Get("/api/users/4242").status, 404);
}

TEST_P(GorgiasApi, TagsAndMacrosHaveTheirOwnResources) {
  const Reply tag = Post("/api/tags", {{"name", "delayed"}, {"decoration", {{"color", "#ff0000"}}}});
  ASSERT_EQ(tag.status, 201) << tag.body;
  const std::uint64_t tag_id = tag.json["id"];
  EXPECT_EQ(Post("/api/tags", {{"name", "delayed"}}).status, 409);
  EXPECT_EQ(Put("/api/tags/" + std::to_string(tag_id), {{"description", "carrier late"}}).json["description"],
            "carrier late");
  EXPECT_EQ(Get("/api/tags?order_by=name:asc").json["data"][0]["name"], "delayed");
  EXPECT_EQ(Delete("/api/tags/" + std::to_string(tag_id)).status, 204);

  const Reply macro = Post("/api/macros", {{"name", "WISMO"},
                                           {"actions", Json::array({{{"name", "setResponseText"},
                                                                     {"type", "user"},
                                                                     {"arguments", {{"body_text", "On its way"}}}}})}});
  ASSERT_EQ(macro.status, 201) << macro.body;
  const std::uint64_t macro_id = macro.json["id"];
  EXPECT_EQ(Get("/api/macros/" + std::to_string(macro_id)).json["actions"][0]["name"], "setResponseText");
  EXPECT_EQ(Put("/api/macros/" + std::to_string(macro_id), {{"name", "Where is my order"}}).json["name"],
            "Where is my order");
  EXPECT_EQ(Post("/api/macros", {{"actions", Json::array()}}).status, 400);
  EXPECT_EQ(Delete("/api/macros/" + std::to_string(macro_id)).status, 204);
  EXPECT_EQ(Get("/api/macros/" + std::to_string(macro_id)).status, 404);
}

TEST_P(GorgiasApi, EventsAreReadOnlyAndFilterable) {
  const std::uint64_t id = CreateEmailTicket();
  ASSERT_EQ(Put("/api/tickets/" + std::to_string(id), {{"status", "closed"}}).status, 200);
  const Reply all = Get("/api/events?object_type=Ticket&object_id=" + std::to_string(id) + "&order_by=created_datetime:asc");
  ASSERT_EQ(all.status, 200);
  std::vector<std::string> types;
  for (const Json& e : all.json["data"]) types.push_back(e["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"ticket-created", "ticket-updated", "ticket-closed"}));
  const Json& first = all.json["data"][0];
  EXPECT_EQ(first["user_id"], ana);
  EXPECT_EQ(first["context"].get<std::string>().size(), 36u);
  EXPECT_EQ(Get("/api/events/" + std::to_string(first["id"].get<std::uint64_t>())).json["type"], "ticket-created");
  EXPECT_EQ(Get("/api/events?types[]=ticket-closed").json["data"].size(), 1u);
  EXPECT_EQ(Post("/api/events", {{"type", "ticket-created"}}).status, 405);
}

TEST_P(GorgiasApi, OnlyHttpIntegrationsCanBeCreatedAndTheSecretIsWriteOnly) {
  const Reply shopify = Post("/api/integrations", {{"type", "shopify"}, {"name", "store"}});
  EXPECT_EQ(shopify.status, 400);
  EXPECT_TRUE(shopify.json["error"]["data"].contains("type"));

  const Reply created = Post("/api/integrations",
                             {{"type", "http"},
                              {"name", "triage-hook"},
                              {"http",
                               {{"url", "https://hooks.example/gorgias"},
                                {"method", "POST"},
                                {"hmac_secret", "whsec"},
                                {"form", "{{context}}"},
                                {"triggers", {{"ticket_created", true}}}}}});
  ASSERT_EQ(created.status, 201) << created.body;
  const std::uint64_t id = created.json["id"];
  EXPECT_FALSE(created.json["http"].contains("hmac_secret"));
  EXPECT_EQ(created.json["http"]["triggers"]["ticket-created"], true);  // stored hyphenated

  const Reply list = Get("/api/integrations");
  EXPECT_EQ(list.json["data"].size(), 2u);  // with the seeded Shopify integration
  EXPECT_EQ(Put("/api/integrations/" + std::to_string(id), {{"name", "renamed"}}).json["http"]["url"],
            "https://hooks.example/gorgias");
  EXPECT_EQ(Put("/api/integrations/" + std::to_string(kShopifyIntegration), {{"name", "x"}}).status, 400);
  EXPECT_EQ(Post("/api/integrations", {{"type", "http"}, {"name", "x"}, {"http", {{"triggers", {{"bogus", true}}}}}}).status,
            400);
  EXPECT_EQ(Delete("/api/integrations/" + std::to_string(id)).status, 204);
  EXPECT_EQ(Get("/api/integrations/" + std::to_string(id)).status, 404);
}

TEST_P(GorgiasApi, TheAccountIsReadable) {
  const Reply r = Get("/api/account");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["domain"], "acme");
}

TEST_P(GorgiasApi, PathsWorkWithAndWithoutATrailingSlash) {
  const std::uint64_t id = CreateEmailTicket();
  EXPECT_EQ(Get("/api/tickets/").status, 200);
  EXPECT_EQ(Get("/api/tickets/" + std::to_string(id) + "/").json["id"], id);
  EXPECT_EQ(Get("/api/tickets/" + std::to_string(id) + "/messages/").status, 200);
  EXPECT_EQ(Get("/api/customers/" + std::to_string(maria) + "/").status, 200);
}

INSTANTIATE_TEST_SUITE_P(Transports, GorgiasApi, ::testing::Values(Transport::kInMemory, Transport::kLoopback),
                         TransportName);

}  // namespace
}  // namespace rh::mocks::gorgias::testing
