// Goal: the inbox and the pipeline's memory (pipeline/inbox.h) in the decision log's database: a
// delivery recorded once under its key (a duplicate across reopening the file), refused when its
// resource has a newer or equal version on record, unfinished until finished, forgotten when old;
// and the memory's values kept across reopening.
#include "pipeline/inbox.h"

#include <gtest/gtest.h>

#include <filesystem>

#include <unistd.h>

namespace rh::pipeline {
namespace {

sim::WallTime At(const char* text) {
  sim::WallTime t;
  EXPECT_TRUE(sim::ParseRfc3339(text, t)) << text;
  return t;
}

struct TempPath {
  explicit TempPath(const char* name)
      : path((std::filesystem::temp_directory_path() / ("rh_inbox_" + std::string(name) + "_" +
                                                        std::to_string(::getpid()) + ".sqlite"))
                 .string()) {}
  ~TempPath() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  std::string path;
};

DecisionLog OpenOrDie(const std::string& path) {
  auto log = DecisionLog::Open(path);
  EXPECT_TRUE(log.has_value()) << log.error();
  return std::move(*log);
}

InboxDelivery Delivery(std::string key, std::optional<std::pair<std::string, sim::WallTime>> version = std::nullopt) {
  return {.dedupe_key = std::move(key), .source = "shopify", .event = R"({"topic":"fulfillments/update"})",
          .accepted_at = At("2026-11-27T09:00:00Z"), .version = std::move(version)};
}

TEST(Inbox, RecordsADeliveryOnceAndKnowsItsKeyAfterTheFileIsReopened) {
  const TempPath file("once");
  std::int64_t id = 0;
  {
    DecisionLog log = OpenOrDie(file.path);
    Inbox inbox(log);
    const auto first = inbox.Admit(Delivery("shopify:wh-1"));
    ASSERT_TRUE(first.has_value()) << first.error();
    EXPECT_EQ(first->admission, Admission::kAccepted);
    id = first->id;
    EXPECT_GT(id, 0);
    EXPECT_EQ(inbox.Admit(Delivery("shopify:wh-1"))->admission, Admission::kDuplicate);
  }
  DecisionLog log = OpenOrDie(file.path);
  Inbox inbox(log);
  EXPECT_EQ(inbox.Admit(Delivery("shopify:wh-1"))->admission, Admission::kDuplicate);
  const auto unfinished = inbox.Unfinished();
  ASSERT_TRUE(unfinished.has_value());
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ(unfinished->front().id, id);
  EXPECT_EQ(unfinished->front().source, "shopify");
  EXPECT_EQ(unfinished->front().event, R"({"topic":"fulfillments/update"})");
  ASSERT_TRUE(inbox.Finish(id, At("2026-11-27T09:01:00Z")));
  EXPECT_TRUE(inbox.Unfinished()->empty());
  EXPECT_EQ(inbox.Admit(Delivery("shopify:wh-1"))->admission, Admission::kDuplicate) << "finished keys are kept";
}

TEST(Inbox, RefusesAVersionNoNewerThanTheOneOnRecordAndRecordsNothingForIt) {
  DecisionLog log = OpenOrDie(":memory:");
  Inbox inbox(log);
  const std::string resource = "shopify:fulfillment:7:delayed";
  EXPECT_EQ(inbox.Admit(Delivery("k1", std::pair{resource, At("2026-11-27T09:00:00-05:00")}))->admission,
            Admission::kAccepted);
  // The same instant written in another zone is the same version: a replay.
  EXPECT_EQ(inbox.Admit(Delivery("k2", std::pair{resource, At("2026-11-27T14:00:00Z")}))->admission, Admission::kStale);
  EXPECT_EQ(inbox.Admit(Delivery("k3", std::pair{resource, At("2026-11-27T13:59:59Z")}))->admission, Admission::kStale);
  EXPECT_EQ(inbox.Unfinished()->size(), 1u) << "a stale delivery leaves no row";
  // A retry of the accepted delivery is a duplicate, not stale.
  EXPECT_EQ(inbox.Admit(Delivery("k1", std::pair{resource, At("2026-11-27T09:00:00-05:00")}))->admission,
            Admission::kDuplicate);
  EXPECT_EQ(inbox.Admit(Delivery("k4", std::pair{resource, At("2026-11-27T14:00:01Z")}))->admission,
            Admission::kAccepted);
  // Another resource has versions of its own.
  EXPECT_EQ(inbox.Admit(Delivery("k5", std::pair{"shopify:fulfillment:7:delivered", At("2026-11-27T10:00:00Z")}))
                ->admission,
            Admission::kAccepted);
  // A stale key was not remembered: once its resource has moved on it is still stale, not a duplicate.
  EXPECT_EQ(inbox.Admit(Delivery("k2", std::pair{resource, At("2026-11-27T14:00:00Z")}))->admission, Admission::kStale);
}

TEST(Inbox, ForgetsFinishedDeliveriesAcceptedBeforeACutoffAndKeepsUnfinishedOnes) {
  DecisionLog log = OpenOrDie(":memory:");
  Inbox inbox(log);
  const auto done = inbox.Admit(Delivery("old-done"));
  inbox.Admit(Delivery("old-unfinished"));
  ASSERT_TRUE(inbox.Finish(done->id, At("2026-11-27T09:00:01Z")));
  const auto forgot = inbox.ForgetFinishedBefore(At("2026-12-04T09:00:00Z"));
  ASSERT_TRUE(forgot.has_value());
  EXPECT_EQ(*forgot, 1);
  EXPECT_EQ(inbox.Admit(Delivery("old-done"))->admission, Admission::kAccepted) << "forgotten";
  EXPECT_EQ(inbox.Admit(Delivery("old-unfinished"))->admission, Admission::kDuplicate);
}

TEST(DurableMemory, KeepsValuesPerScopeAcrossReopeningTheFile) {
  const TempPath file("memory");
  {
    DecisionLog log = OpenOrDie(file.path);
    DurableMemory memory(log);
    ASSERT_TRUE(memory.Put("customer", "b@example.com", "{\"n\":2}"));
    ASSERT_TRUE(memory.Put("customer", "a@example.com", "{\"n\":1}"));
    ASSERT_TRUE(memory.Put("ticket", "7", "{}"));
    ASSERT_TRUE(memory.Put("customer", "a@example.com", "{\"n\":3}"));
  }
  DecisionLog log = OpenOrDie(file.path);
  DurableMemory memory(log);
  const auto customers = memory.All("customer");
  ASSERT_TRUE(customers.has_value());
  ASSERT_EQ(customers->size(), 2u);
  EXPECT_EQ(customers->at(0), (std::pair<std::string, std::string>{"a@example.com", "{\"n\":3}"}));
  EXPECT_EQ(**memory.Get("ticket", "7"), "{}");
  EXPECT_FALSE(memory.Get("ticket", "8")->has_value());
  ASSERT_TRUE(memory.Erase("ticket", "7"));
  EXPECT_FALSE(memory.Get("ticket", "7")->has_value());
}

TEST(Inbox, RefusesToRecordInALogOpenedReadOnly) {
  const TempPath file("readonly");
  { OpenOrDie(file.path); }
  auto log = DecisionLog::OpenReadOnly(file.path);
  ASSERT_TRUE(log.has_value());
  Inbox inbox(*log);
  const auto admitted = inbox.Admit(Delivery("k"));
  ASSERT_FALSE(admitted.has_value());
  EXPECT_NE(admitted.error().find("read-write"), std::string::npos) << admitted.error();
}

}  // namespace
}  // namespace rh::pipeline
