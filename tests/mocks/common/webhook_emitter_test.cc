// Goal: webhooks are delivered at least once: retried on failure on the service's schedule with
// the same delivery id, given up after the last attempt (with the consecutive-failure count the
// service acts on), and duplicated or delayed by the delivery fault plan, deterministically.
#include "mocks/common/webhook_emitter.h"

#include <gtest/gtest.h>

#include "sim/in_memory_network.h"
#include "sim/scheduler.h"
#include "sim/service.h"

namespace rh::mocks {
namespace {

using sim::Instant;
using sim::Sec;

// A receiver that fails its first `fail_first` calls with 500, then answers 200.
class Receiver final : public sim::Service {
 public:
  sim::Response Handle(const sim::Request& req, sim::Moment now) override {
    seen.push_back({now.monotonic, std::string(req.headers.GetOr("X-Delivery", ""))});
    return sim::Response::Text(static_cast<int>(seen.size()) <= fail_first ? 500 : 200, "");
  }
  int fail_first = 0;
  std::vector<std::pair<Instant, std::string>> seen;
};

struct Fixture {
  sim::Scheduler scheduler;
  sim::InMemoryNetwork network{scheduler, sim::Rng(1)};
  Receiver receiver;
  std::unique_ptr<sim::HttpClient> client;
  WebhookEmitter emitter;

  explicit Fixture(RetrySchedule schedule)
      : client((network.AddHost("hooks", receiver, {sim::LinkProfile{sim::Duration{0}, 0}}),
                network.MakeClient("emitter"))),
        emitter(scheduler, *client, sim::Rng(2), std::move(schedule)) {}

  void Emit(std::string id) {
    Webhook w;
    w.subscription = "sub-1";
    w.topic = "orders/create";
    w.delivery_id = id;
    w.request.method = sim::Method::kPost;
    w.request.target = "/hooks/shopify";
    w.request.headers.Set("Host", "hooks");
    w.request.headers.Set("X-Delivery", id);
    emitter.Emit(std::move(w));
  }
};

TEST(WebhookEmitter, DeliversOnceWhenTheReceiverAnswers2xx) {
  Fixture f(ShopifyRetrySchedule());
  f.Emit("d1");
  f.scheduler.RunUntilIdle();
  ASSERT_EQ(f.receiver.seen.size(), 1u);
  const auto records = f.emitter.Deliveries();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].outcome, DeliveryOutcome::kDelivered);
  EXPECT_EQ(records[0].attempts, 1);
  EXPECT_EQ(f.emitter.InFlight(), 0u);
}

TEST(WebhookEmitter, RetriesOnTheScheduleWithTheSameDeliveryId) {
  Fixture f({{Sec(10), Sec(30)}, Sec(5)});
  f.receiver.fail_first = 2;
  f.Emit("d1");
  f.scheduler.RunUntilIdle();
  ASSERT_EQ(f.receiver.seen.size(), 3u);
  EXPECT_EQ(f.receiver.seen[0].first, Instant{});
  EXPECT_EQ(f.receiver.seen[1].first, Instant(Sec(10)));
  EXPECT_EQ(f.receiver.seen[2].first, Instant(Sec(40)));
  for (const auto& [at, id] : f.receiver.seen) EXPECT_EQ(id, "d1");
  EXPECT_EQ(f.emitter.Deliveries()[0].outcome, DeliveryOutcome::kDelivered);
}

TEST(WebhookEmitter, GivesUpAfterTheLastAttemptAndCountsConsecutiveFailures) {
  Fixture f({{Sec(1), Sec(1)}, Sec(5)});
  f.receiver.fail_first = 1000;
  std::vector<int> gave_up;
  f.emitter.set_on_gave_up([&](const std::string& sub, int n) {
    EXPECT_EQ(sub, "sub-1");
    gave_up.push_back(n);
  });
  f.Emit("d1");
  f.Emit("d2");
  f.scheduler.RunUntilIdle();
  EXPECT_EQ(f.receiver.seen.size(), 6u);
  EXPECT_EQ(gave_up, (std::vector<int>{1, 2}));
  EXPECT_EQ(f.emitter.ConsecutiveFailures("sub-1"), 2);
  EXPECT_EQ(f.emitter.Deliveries()[1].outcome, DeliveryOutcome::kGaveUp);
}

TEST(WebhookEmitter, ASuccessResetsTheConsecutiveFailureCount) {
  Fixture f({{}, Sec(5)});
  f.receiver.fail_first = 1;
  f.Emit("d1");
  f.scheduler.RunUntilIdle();
  EXPECT_EQ(f.emitter.ConsecutiveFailures("sub-1"), 1);
  f.Emit("d2");
  f.scheduler.RunUntilIdle();
  EXPECT_EQ(f.emitter.ConsecutiveFailures("sub-1"), 0);
}

TEST(WebhookEmitter, DuplicatesUnderTheFaultPlanKeepTheDeliveryId) {
  Fixture f(ShopifyRetrySchedule());
  f.emitter.set_faults({.duplicate_rate = 1.0, .duplicate_delay = Sec(3)});
  f.Emit("d1");
  f.scheduler.RunUntilIdle();
  ASSERT_EQ(f.receiver.seen.size(), 2u);
  EXPECT_EQ(f.receiver.seen[1].first, Instant(Sec(3)));
  EXPECT_EQ(f.receiver.seen[1].second, "d1");
  EXPECT_TRUE(f.emitter.Deliveries()[1].duplicate);
}

TEST(WebhookEmitter, DelaysUnderTheFaultPlanReorderDeliveries) {
  // With every delivery delayed by a random amount, some later event overtakes an earlier one.
  Fixture f(ShopifyRetrySchedule());
  f.emitter.set_faults({.delay_rate = 1.0, .max_delay = sim::Minutes(5)});
  for (int i = 0; i < 20; ++i) f.Emit("d" + std::to_string(i));
  f.scheduler.RunUntilIdle();
  ASSERT_EQ(f.receiver.seen.size(), 20u);
  bool reordered = false;
  for (std::size_t i = 1; i < f.receiver.seen.size(); ++i) {
    reordered |= std::stoi(f.receiver.seen[i].second.substr(1)) < std::stoi(f.receiver.seen[i - 1].second.substr(1));
  }
  EXPECT_TRUE(reordered);
}

}  // namespace
}  // namespace rh::mocks
