// GorgiasMock: the public face of the Core. Every method takes the Core's one mutex, so the
// live server's threads, executor callbacks and the harness can call in concurrently.
#include "mocks/gorgias/gorgias_mock.h"

#include "core.h"

namespace rh::mocks::gorgias {

std::string_view DeliveryFateName(DeliveryFate fate) {
  switch (fate) {
    case DeliveryFate::kQueued:
      return "queued";
    case DeliveryFate::kDelivered:
      return "delivered";
    case DeliveryFate::kNotDelivered:
      return "not_delivered";
    case DeliveryFate::kFailed:
      return "failed";
  }
  return "unknown";
}

GorgiasMock::GorgiasMock(Config config, sim::Rng rng, sim::Executor* executor, WebhookEmitter* webhooks)
    : core_(std::make_unique<detail::Core>(std::move(config), rng, executor, webhooks)) {}

// The Core's destructor cancels the pending send timers.
GorgiasMock::~GorgiasMock() = default;

sim::Response GorgiasMock::Handle(const sim::Request& request, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  try {
    return core_->Handle(request, now);
  } catch (const std::exception& e) {
    // A bug, or an input nothing anticipated: one request answered 500 with the reason kept in the
    // request log, never an exception out of Handle (a live server shares this process with the
    // other mocks).
    return core_->FailedRequest(request, now, e.what());
  }
}

std::uint64_t GorgiasMock::AddUser(User user, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->AddUserLocked(std::move(user), now.wall);
}

void GorgiasMock::AddApiKey(std::uint64_t user_id, std::string key) {
  std::lock_guard lock(core_->mu);
  core_->state.api_keys.push_back({user_id, std::move(key)});
}

void GorgiasMock::AddOAuthToken(OAuthToken token) {
  std::lock_guard lock(core_->mu);
  core_->state.oauth_tokens.push_back(std::move(token));
}

sim::Expected<std::uint64_t, std::string> GorgiasMock::SeedIntegration(const OrderedJson& integration,
                                                                     sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedIntegrationLocked(integration, now.wall);
}

sim::Expected<std::uint64_t, std::string> GorgiasMock::SeedCustomer(const OrderedJson& customer, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedCustomerLocked(customer, now);
}

sim::Expected<bool, std::string> GorgiasMock::SetCustomerIntegrationData(std::uint64_t customer_id,
                                                                        std::uint64_t integration_id,
                                                                        const OrderedJson& data, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  const auto it = core_->state.customers.find(customer_id);
  if (it == core_->state.customers.end()) {
    return sim::MakeUnexpected("customer " + std::to_string(customer_id) + " does not exist");
  }
  it->second.integrations[std::to_string(integration_id)] = data;
  it->second.updated = now.wall;
  return true;
}

sim::Expected<std::uint64_t, std::string> GorgiasMock::SeedTicket(const OrderedJson& ticket, sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->SeedTicketLocked(ticket, now);
}

sim::Expected<CustomerMessageResult, std::string> GorgiasMock::CustomerWrites(const CustomerMessage& message,
                                                                            sim::Moment now) {
  std::lock_guard lock(core_->mu);
  return core_->CustomerWritesLocked(message, now);
}

void GorgiasMock::SetRateLimits(const RateLimits& limits) {
  std::lock_guard lock(core_->mu);
  core_->config.rate_limits = limits;
  core_->ApplyRateLimits();
}

void GorgiasMock::SetSending(const Sending& sending) {
  std::lock_guard lock(core_->mu);
  core_->config.sending = sending;
}

void GorgiasMock::FailNextSends(int count, std::string error) {
  std::lock_guard lock(core_->mu);
  core_->forced_failures = count;
  core_->forced_failure_error = std::move(error);
}

void GorgiasMock::RunDueSends(sim::Moment now) {
  std::lock_guard lock(core_->mu);
  core_->RunDueSendsLocked(now);
}

std::vector<CustomerDelivery> GorgiasMock::Deliveries() const {
  std::lock_guard lock(core_->mu);
  return core_->deliveries;
}

std::vector<Event> GorgiasMock::Events() const {
  std::lock_guard lock(core_->mu);
  std::vector<Event> out;
  out.reserve(core_->state.events.size());
  for (const auto& [id, e] : core_->state.events) out.push_back(e);
  return out;
}

std::vector<RequestLogEntry> GorgiasMock::Requests() const {
  std::lock_guard lock(core_->mu);
  const auto& entries = core_->request_log.entries();
  return {entries.begin(), entries.end()};
}

std::vector<IntegrationCall> GorgiasMock::IntegrationCalls() const {
  std::lock_guard lock(core_->mu);
  return core_->IntegrationCallsWithStatus();
}

std::optional<OrderedJson> GorgiasMock::TicketJson(std::uint64_t id) const {
  std::lock_guard lock(core_->mu);
  const auto it = core_->state.tickets.find(id);
  if (it == core_->state.tickets.end()) return std::nullopt;
  return core_->TicketJsonOf(it->second, detail::Core::TicketView::kFull);
}

std::optional<OrderedJson> GorgiasMock::CustomerJson(std::uint64_t id) const {
  std::lock_guard lock(core_->mu);
  const auto it = core_->state.customers.find(id);
  if (it == core_->state.customers.end()) return std::nullopt;
  return core_->CustomerJsonOf(it->second, true);
}

State GorgiasMock::Snapshot() const {
  std::lock_guard lock(core_->mu);
  return core_->state;
}

}  // namespace rh::mocks::gorgias
