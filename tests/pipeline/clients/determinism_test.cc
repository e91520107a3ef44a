// Goal: the clients are deterministic in sim mode: the same seed gives the same trace bytes
// (attempts, waits, jittered backoffs, the mocks' answers), and another seed gives another
// trace, with faults on every host so that retries and their jitter are exercised.
#include <gtest/gtest.h>

#include "clients_test_support.h"

namespace rh::pipeline::clients {
namespace {

// One support episode through all four clients, under random 503s and 429s.
std::string Episode(std::uint64_t seed) {
  testing::MockWorld world(seed);
  const sim::Moment now = world.Now();
  auto customer = world.shopify().SeedCustomer(
      mocks::Json{{"first_name", "Maria"}, {"last_name", "Diaz"}, {"email", "maria@example.com"}}, now);
  auto order = world.shopify().SeedOrder(
      mocks::Json{{"email", "maria@example.com"},
                  {"customer", {{"id", *customer}}},
                  {"created_at", world.ShopTime(sim::Days(4))},
                  {"line_items", mocks::Json::array({{{"title", "Mug"}, {"sku", "MUG-01"}, {"quantity", 1}, {"price", "12.00"}}})}},
      now);
  world.shopify().SeedFulfillment(*order, mocks::Json{{"tracking_company", "UPS"}, {"tracking_number", "1Z999AA10123456784"}},
                                  now, false);
  world.gorgias().SeedCustomer(mocks::OrderedJson{{"email", "maria@example.com"}, {"name", "Maria Diaz"}}, now);
  mocks::gorgias::CustomerMessage message;
  message.email = "maria@example.com";
  message.subject = "Order?";
  message.body_text = "Where is my order?";
  const auto written = world.gorgias().CustomerWrites(message, now);
  mocks::klaviyo::ProfileSeed profile;
  profile.email = "maria@example.com";
  world.klaviyo().SeedProfile(profile, now);

  sim::FaultRule errors;
  errors.name = "random 503";
  errors.kind = sim::FaultKind::kErrorStatus;
  errors.status = 503;
  errors.probability = 0.3;
  world.network().faults().Add(errors);
  sim::FaultRule throttles;
  throttles.name = "random 429";
  throttles.kind = sim::FaultKind::kErrorStatus;
  throttles.status = 429;
  throttles.headers.Set("Retry-After", "1");
  throttles.probability = 0.2;
  world.network().faults().Add(throttles);

  auto shopify = world.Shopify();
  auto gorgias = world.Gorgias();
  auto klaviyo = world.Klaviyo();
  auto llm = world.Llm();
  std::string log;
  auto note = [&log](std::string_view what, bool ok) { log += std::string(what) + (ok ? " ok\n" : " failed\n"); };
  const auto found = world.Run(shopify->LookupByEmail("maria@example.com"));
  note("lookup", found.has_value());
  const auto ticket = world.Run(gorgias->GetTicket(written->ticket_id));
  note("ticket", ticket.has_value());
  const auto intent = world.Run(llm->Classify("Where is my order?", "Order: #1001\n"));
  note("classify", intent.has_value());
  note("tag", world.Run(gorgias->AddTags(written->ticket_id, {"wismo"})).has_value());
  note("suppress", world.Run(klaviyo->SuppressProfiles({"maria@example.com"})).has_value());
  KlaviyoEvent event;
  event.metric = "Issue Resolved";
  event.email = "maria@example.com";
  event.unique_id = "t-1";
  note("event", world.Run(klaviyo->CreateEvent(event)).has_value());
  world.scheduler().RunFor(sim::Sec(30));
  return log + world.trace().ToJsonl();
}

TEST(ClientDeterminism, SameSeedSameTraceBytes) {
  const std::string a = Episode(2026);
  const std::string b = Episode(2026);
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("client.retry"), std::string::npos);  // the faults were met and retried
  EXPECT_NE(Episode(2027), a);
}

}  // namespace
}  // namespace rh::pipeline::clients
