// The Gorgias helpdesk REST API mock: one account's REST API (/api/...) with Gorgias's paths,
// JSON shapes, cursor pagination, Basic (API key) and Bearer (OAuth2) auth, its leaky-bucket
// rate limits and headers, its error envelope, its asynchronous sending of messages and its
// HTTP integrations (the only outbound webhooks Gorgias has). Beside the real API, an
// inspection surface for the harness, both as C++ methods and as HTTP routes under
// /_rehearsal/: seed state, read what reached customers and what did not (and why), read
// events and the request log, configure limits, and make a customer write.
//
// It must not read a clock or make its own randomness: Handle(request, now) is a function of
// (state, request, now); ids and UUIDs come from the injected Rng, timestamps from now.wall
// (microseconds, "+00:00"), and sends run on the injected Executor.
//
// Model (shared/reference/gorgias-api.md is the source):
// - Creating a message is not sending it. An agent's message without sent_datetime is queued
//   and, after Sending::delay (+ jitter), either delivered (sent_datetime set, recorded in the
//   outbox), failed (failed_datetime, last_sending_error, a ticket-message-failed event), or
//   silently not delivered when its channel cannot reach the customer (channels.h): the client
//   sees a normal message (Sending::silent_drop says whether sent_datetime is set), the harness
//   sees a "not_delivered" record with the reason.
// - A reply is only POST /api/tickets/{id}/messages. A PUT /api/tickets/{id} carrying
//   "messages" updates the rest and ignores them (200, nothing sent), and the harness sees a
//   not-delivered record saying so.
// - One leaky bucket per account per auth type, shared by every key (or every token).
//
// Choices where the reference is unsure (each also marked "Choice:" in the .cc files):
// - Authentication runs before routing: a 401 belongs to no account, counts against no bucket
//   and carries no call-limit header; authenticated 404/405/400s do. Retry-After is whole
//   seconds rounded up (at least 1); the 429 body is the error envelope.
// - PUT /api/tickets/{id} answers 200 with the ticket; DELETE /api/tickets/{id} 204; DELETE
//   /api/customers/{id} 204 and deletes the customer's tickets.
// - "via" is required on messages, except internal notes (default "helpdesk"); a ticket's
//   channel/via default to its first message's; an agent message without sender is the
//   caller's. A customer's message and an internal note get sent_datetime = created_datetime.
// - The customer embedded in a ticket has no "data"/"integrations" (Shopify data is one GET
//   /api/customers/{id} away); the HTTP-integration payload's customer has them, as recorded.
// - Unknown tag names are created; view_id/rule_id filters are ignored; ticket message lists
//   are cursor-paginated like every list; a body of another media type is a 415.
// - HTTP integrations: signature model X-Gorgias-Signature = hex HMAC-SHA256(hmac_secret, raw
//   body), unconfirmed; retries GorgiasRetrySchedule(); templating as Jinja prints Python
//   values (templating.h); GET/HEAD/DELETE send an object form as query parameters. Creating a
//   ticket fires ticket-created only; a PUT fires ticket-updated (+ ticket-status-updated,
//   ticket-assignment-updated); the tag endpoints fire ticket-updated.
// - Roles: observer-agent is read-only, integration writes need an admin. OAuth scopes:
//   "<resource>:write" implies read, "write:all" grants all, no scopes grants all.
//
// Thread safety: every public method and every executor callback locks one internal mutex, so
// the live server may call Handle from several threads. The executor and the emitter are only
// given work (ScheduleAt, Emit) while that mutex is held; they must not call back into the mock
// synchronously (neither the Scheduler nor LiveRuntime nor WebhookEmitter does).
// Lifetime: the executor, the emitter and their clients must outlive the mock; the destructor
// cancels the mock's pending send timers. In live mode, stop the runtime (or let it go idle)
// before destroying the mock.
//
// HTTP inspection routes (no auth, no rate limit, not in the request log; JSON in and out):
//   POST /_rehearsal/users                  {id?, email, firstname, lastname, role, password?,
//                                            api_keys?: [..]}                        -> {"id"}
//   POST /_rehearsal/api-keys               {user_id, key}
//   POST /_rehearsal/oauth-tokens           {access_token, user_id, scopes?, expires_in_s?}
//   POST /_rehearsal/integrations           an integration of any type (e.g. shopify) -> {"id"}
//   POST /_rehearsal/customers              API customer shape + "integrations", "id"? -> {"id"}
//   PUT  /_rehearsal/customers/{id}/integrations/{integration_id}   the data for that key
//   POST /_rehearsal/tickets                API ticket shape; messages are imports, nothing is
//                                           sent, no event fires                      -> {"id"}
//   POST /_rehearsal/customer-messages      {channel, customer_id? | email?, address?, subject?,
//                                            body_text, ticket_id?} -> {ticket_id, message_id,
//                                            customer_id, new_ticket}
//   GET  /_rehearsal/deliveries             {"data": [delivery records]}
//   GET  /_rehearsal/events                 {"data": [events, oldest first]}
//   GET  /_rehearsal/requests               {"data": [request log entries], "dropped": N}
//   GET  /_rehearsal/integration-calls      {"data": [calls with their delivery status]}
//   GET  /_rehearsal/rate-limits            current config and bucket levels
//   PUT  /_rehearsal/rate-limits            {enabled?, api_key_limit?, oauth_limit?,
//                                            window_s?, plan?: "standard"|"enterprise"}
//   PUT  /_rehearsal/sending                {delay_ms?, jitter_ms?, failure_rate?,
//                                            silent_drop?: "marked_sent"|"never_sent"}
//   POST /_rehearsal/send-failures          {count, error?}: the next `count` sends fail
//   POST /_rehearsal/run-due-sends          runs sends due now (hosts without an executor)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mocks/common/json_http.h"
#include "mocks/common/request_log.h"
#include "mocks/common/webhook_emitter.h"
#include "mocks/gorgias/state.h"
#include "sim/executor.h"
#include "sim/expected.h"
#include "sim/rng.h"
#include "sim/service.h"

namespace rh::mocks::gorgias {

namespace detail {
struct Core;
}  // namespace detail

// Gorgias's REST limits: a leaky bucket per account and auth type. Standard: 40 calls per 20 s
// with API keys (2/s), 80 per 20 s with OAuth2 (4/s). Enterprise: the same sizes per 10 s.
struct RateLimits {
  bool enabled = true;
  std::int64_t api_key_limit = 40;
  std::int64_t oauth_limit = 80;
  sim::Duration window = sim::Sec(20);  // time for a full bucket to drain

  static RateLimits Standard() { return {}; }
  static RateLimits Enterprise() { return {true, 40, 80, sim::Sec(10)}; }
};

// What the client sees of a reply the channel cannot deliver. Either way it is a 201 and no
// error field is ever set; only the harness learns it was not delivered.
enum class SilentDrop {
  kMarkedSent,  // sent_datetime is set as for a delivered message (the default: fully silent)
  kNeverSent,   // sent_datetime stays null forever
};

struct Sending {
  // From creation to the send attempt: delay plus a uniform draw in [0, jitter].
  sim::Duration delay = sim::Sec(1);
  sim::Duration jitter = sim::Ms(500);
  // Chance that a deliverable message fails to send (failed_datetime + last_sending_error).
  double failure_rate = 0;
  std::string failure_error = "The email provider rejected the message.";
  SilentDrop silent_drop = SilentDrop::kMarkedSent;
};

struct Config {
  Account account;
  RateLimits rate_limits;
  Sending sending;
  std::size_t request_log_capacity = 100'000;
};

// Gorgias does not document its HTTP-integration retries. Choice: 3 retries after 30 s, 2 min
// and 5 min (four attempts within about 7.5 minutes), each attempt bounded by 10 s.
RetrySchedule GorgiasRetrySchedule();

// The fate of an agent's outgoing message, as the harness sees it.
enum class DeliveryFate {
  kQueued,        // created, the send delay has not passed
  kDelivered,     // reached the customer
  kNotDelivered,  // silently never delivered (wrong channel, missing fields, ignored reply)
  kFailed,        // the send failed visibly (failed_datetime, ticket-message-failed)
};
std::string_view DeliveryFateName(DeliveryFate fate);  // "queued", "delivered", ...

// One outgoing agent message (internal notes are never in this list: they are not sends).
struct CustomerDelivery {
  std::uint64_t message_id = 0;  // 0: a reply that never became a message (PUT "messages")
  std::uint64_t ticket_id = 0;
  std::string channel;
  std::string to;    // the address it went (or would have gone) to; "" when there is none
  std::string from;  // the support address or number
  std::optional<std::string> subject;
  std::string body_text;
  DeliveryFate fate = DeliveryFate::kQueued;
  std::string reason;  // why not delivered or failed; "" when delivered or queued
  sim::WallTime created{};
  std::optional<sim::WallTime> decided;  // when it was delivered, dropped or failed
};

// One call of an HTTP integration, logged as Gorgias logs integration events, with the
// delivery's progress read from the WebhookEmitter.
struct IntegrationCall {
  std::uint64_t id = 0;
  std::uint64_t integration_id = 0;
  std::string trigger;  // hyphenated: ticket-created, ticket-message-created, ...
  // The ticket the call is about, so a reader need not parse the body to know it.
  std::uint64_t ticket_id = 0;
  std::string delivery_id;
  sim::WallTime created{};
  std::string method;
  std::string url;
  sim::Headers headers;
  std::string body;
  // From the emitter: "pending", "delivered", "gave_up", or "not_sent" (no emitter, bad url).
  std::string outcome;
  int status_code = 0;  // the last attempt's status; 0 when none
  int attempts = 0;
  std::string error;
};

// A customer writing to the shop: a new ticket, or a message on `ticket_id`.
struct CustomerMessage {
  std::string channel = "email";
  std::optional<std::uint64_t> customer_id;
  std::string email;    // used when customer_id is absent; the customer is created when unknown
  std::string address;  // the sender's address on non-email channels (a phone, a chat id)
  std::optional<std::string> subject;
  std::string body_text;
  std::optional<std::uint64_t> ticket_id;
};

struct CustomerMessageResult {
  std::uint64_t ticket_id = 0;
  std::uint64_t message_id = 0;
  std::uint64_t customer_id = 0;
  bool new_ticket = false;
};

class GorgiasMock final : public sim::Service {
 public:
  // `rng` is the mock's own stream (ids, UUIDs, send jitter, send failures). `executor` runs the
  // asynchronous sends; without one, call RunDueSends. `webhooks` delivers HTTP-integration
  // calls; without one they are logged as "not_sent".
  GorgiasMock(Config config, sim::Rng rng, sim::Executor* executor = nullptr,
              WebhookEmitter* webhooks = nullptr);
  ~GorgiasMock() override;
  GorgiasMock(const GorgiasMock&) = delete;
  GorgiasMock& operator=(const GorgiasMock&) = delete;

  sim::Response Handle(const sim::Request& request, sim::Moment now) override;

  // Seeding. Ids of 0 (or absent) are assigned; explicit ids are kept. Seeds write no events
  // and fire no integrations: they are the world before the run.
  std::uint64_t AddUser(User user, sim::Moment now);
  void AddApiKey(std::uint64_t user_id, std::string key);
  void AddOAuthToken(OAuthToken token);
  sim::Expected<std::uint64_t, std::string> SeedIntegration(const OrderedJson& integration, sim::Moment now);
  sim::Expected<std::uint64_t, std::string> SeedCustomer(const OrderedJson& customer, sim::Moment now);
  // Replaces customer.integrations[integration_id] (keeping it in step with the Shopify mock).
  sim::Expected<bool, std::string> SetCustomerIntegrationData(std::uint64_t customer_id,
                                                              std::uint64_t integration_id,
                                                              const OrderedJson& data, sim::Moment now);
  // The API ticket shape; every message is an import (sent_datetime kept or set to its
  // creation), so nothing is sent.
  sim::Expected<std::uint64_t, std::string> SeedTicket(const OrderedJson& ticket, sim::Moment now);

  // A customer writes: the ticket and message are created (or the ticket reopened), events are
  // written and HTTP integrations fire, as when Gorgias receives a message.
  sim::Expected<CustomerMessageResult, std::string> CustomerWrites(const CustomerMessage& message,
                                                                   sim::Moment now);

  // Configuration, at any time.
  void SetRateLimits(const RateLimits& limits);
  void SetSending(const Sending& sending);
  // The next `count` deliverable sends fail with `error`.
  void FailNextSends(int count, std::string error);
  // Runs the sends due at `now`, for hosts without an executor.
  void RunDueSends(sim::Moment now);

  // Reading. Copies, so the caller needs no lock.
  std::vector<CustomerDelivery> Deliveries() const;
  std::vector<Event> Events() const;  // oldest first
  std::vector<RequestLogEntry> Requests() const;
  std::vector<IntegrationCall> IntegrationCalls() const;
  // As GET /api/tickets/{id} and GET /api/customers/{id} would show them.
  std::optional<OrderedJson> TicketJson(std::uint64_t id) const;
  std::optional<OrderedJson> CustomerJson(std::uint64_t id) const;
  State Snapshot() const;

 private:
  std::unique_ptr<detail::Core> core_;
};

}  // namespace rh::mocks::gorgias
