// A small demo world seeded into the mocks by `rehearse serve`, so a person can curl at once:
// three customers with orders in different states (in transit, delivered, unfulfilled, delayed),
// the same customers in Gorgias with their Shopify data under the customer's integrations (as
// Gorgias's Shopify integration keeps it), an agent, an API user for the pipeline and an open
// ticket. Deterministic: the same `now` gives the same world.
#pragma once

#include <cstdint>
#include <string>

#include "mocks/gorgias/gorgias_mock.h"
#include "mocks/shopify/shopify_mock.h"
#include "sim/expected.h"

namespace rh::mocks {

struct DemoWorldInfo {
  std::uint64_t gorgias_shopify_integration_id = 0;
  std::uint64_t gorgias_agent_user_id = 0;
  std::uint64_t gorgias_api_user_id = 0;
  std::string gorgias_api_user_email;
  std::string gorgias_api_key;
  std::uint64_t open_ticket_id = 0;
};

// Seeds both mocks; an error names what failed (a bug in the demo data, not a user error).
sim::Expected<DemoWorldInfo, std::string> SeedDemoWorld(shopify::ShopifyMock& shopify,
                                                        gorgias::GorgiasMock& gorgias,
                                                        sim::Moment now);

}  // namespace rh::mocks
