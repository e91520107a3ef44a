// The reference pipeline end to end in sim mode: tickets per second of CPU through the whole
// workflow (webhook intake, Shopify lookup, rules or LLM triage, draft, fact check, policy,
// reply or handover, decision log) against the in-memory mocks, with the trace on.
//
// Each iteration seeds a store with `tickets` customers (each with an order in transit), lets
// every customer write at once, and runs virtual time until every ticket is decided. Seeding is
// excluded from the timing; the world is built fresh each iteration so state never accumulates.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "harness/reference_pipeline.h"
#include "harness/sim_world.h"

namespace {

using rh::harness::CustomerSpec;
using rh::harness::FulfillmentSpec;
using rh::harness::OrderSpec;

void BM_PipelineTicketsSim(benchmark::State& state) {
  const int tickets = static_cast<int>(state.range(0));
  const bool llm_triage = state.range(1) != 0;
  const bool traced = state.range(2) != 0;
  std::int64_t decided = 0;
  for (auto _ : state) {
    state.PauseTiming();
    rh::harness::SimWorldConfig config;
    config.seed = 42;
    config.llm.error_model = rh::mocks::llm::ErrorModel::Uniform(1.0);
    config.shopify.plan = rh::mocks::shopify::Plan::kPlus;  // a big store: the REST bucket is not the subject
    auto world = std::make_unique<rh::harness::SimWorld>(config);
    world->trace().set_enabled(traced);
    auto reference = std::make_unique<rh::harness::ReferencePipeline>(*world, rh::harness::DefaultPolicy());
    std::vector<rh::harness::CustomerRef> customers;
    for (int i = 0; i < tickets; ++i) {
      CustomerSpec spec;
      spec.email = "c" + std::to_string(i) + "@example.com";
      spec.phone = "+1555" + std::to_string(1000000 + i);
      customers.push_back(world->AddCustomer(spec));
      OrderSpec order;
      order.fulfillment = FulfillmentSpec{"UPS", "1Z999AA1" + std::to_string(1000000000 + i), "in_transit", rh::sim::Days(1)};
      world->AddOrder(customers.back(), order);
    }
    world->RunFor(rh::sim::Hours(1));
    state.ResumeTiming();
    for (const auto& customer : customers) {
      world->CustomerWrites(customer, llm_triage ? "Hello, any news about my hoodie? Has it shipped?"
                                                 : "Hi, where is my order?");
    }
    world->RunFor(rh::sim::Hours(6));
    state.PauseTiming();
    decided += static_cast<std::int64_t>(reference->pipeline().stats().tickets_triaged);
    reference.reset();
    world.reset();
    state.ResumeTiming();
  }
  state.counters["tickets_per_cpu_s"] =
      benchmark::Counter(static_cast<double>(decided), benchmark::Counter::kIsRate);
  state.counters["tickets"] = static_cast<double>(decided) / static_cast<double>(state.iterations());
}
// Args: tickets per iteration, whether the LLM classifies (1) or a rule does (0), trace on (1).
BENCHMARK(BM_PipelineTicketsSim)
    ->ArgNames({"tickets", "llm", "traced"})
    ->Args({200, 0, 1})
    ->Args({200, 1, 1})
    ->Args({200, 0, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
