// The pipeline's Gorgias REST client: read a ticket (messages, channel, customer, tags,
// assignee, reply options) and a customer (with the Shopify data its integration keeps), tag a
// ticket, post an internal note, reply to the customer on the ticket's channel with the fields
// that channel needs, update a ticket (assignee by user id, priority, status), and list users.
//
// Real-API facts it follows (shared/reference/gorgias-api.md):
// - Auth: HTTP Basic base64(email:api_key); JSON bodies.
// - Creating a message is not sending it, and Gorgias accepts (201) a reply it will never
//   deliver: a channel the ticket cannot answer on, or a channel without its fields. So the
//   client chooses and fills the reply itself (ChooseReplyRoute): the ticket's channel when it is
//   one of its reply_options and can reach the customer; email for contact-form and help-center
//   tickets; email needs source.from.address (the address the customer wrote to) and
//   source.to[].address (the customer's); sms/whatsapp need the customer's phone in
//   source.to[0]; chat and direct messages need the customer's channel of that kind; public
//   comment threads are answered only on the ticket's own channel; api/phone/aircall tickets
//   have no written route. When nothing fits, nothing is sent (kUndeliverable).
// - Outgoing messages: from_agent true, sender = a user {id}, receiver = the customer {id},
//   via "api" (API-made messages never trigger auto-reply rules). Notes: channel
//   "internal-note", public false.
// - Messages are not idempotent. Each carries the caller's external_id; when an attempt may have
//   gone through (timeout, reset, 5xx), the client looks for that external_id among the ticket's
//   newest messages before sending again, so a retry never doubles a reply (I7).
// - Tags: POST /api/tickets/{id}/tags {"names": [...]} adds (PUT on the ticket would replace).
// - Assignee: by user id only ({"assignee_user": {"id": N}}; {"id": null} unassigns).
// - Limits: leaky bucket 40 per 20 s per account (X-Gorgias-Account-Api-Call-Limit on every
//   response, paced before it fills), Retry-After whole seconds on 429.
// - Lists: cursor pagination ({"data": [...], "meta": {"next_cursor"}}), at most 100 per page.
//
// Thread safety and determinism: as ApiCaller. The client must outlive its calls. It must not
// use the mock's /_rehearsal/ routes or read a clock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "pipeline/clients/api_caller.h"
#include "pipeline/clients/values.h"

namespace rh::pipeline::clients {

struct GorgiasConfig {
  std::string host = "gorgias";  // the Host header: a sim host, "127.0.0.1:port", "{account}.gorgias.com"
  std::string email;             // the API user's e-mail (Basic user)
  std::string api_key;           // its REST API key (Basic password)
  // The address replies come from when the ticket shows none (the customer wrote through a form).
  std::string support_email;
  std::string support_name;  // shown as the sender's name on e-mail replies
  // The account's bucket drains in 20 s (10 s on Enterprise: 20 is the cautious reading); keep
  // this share of it free for other callers.
  sim::Duration bucket_drain_window = sim::Sec(20);
  double keep_free = 0.2;
  int max_user_pages = 20;   // ListUsers stops after this many pages
  RetryPolicy retry;
};

struct GorgiasAddress {
  std::string address;
  std::string name;
};

struct GorgiasSource {
  std::string type;  // "email", "sms", "chat", ...
  GorgiasAddress from;
  std::vector<GorgiasAddress> to;
};

struct GorgiasParty {
  std::uint64_t id = 0;  // 0 when none
  std::string email;
  std::string name;
};

struct GorgiasMessage {
  std::uint64_t id = 0;
  std::uint64_t ticket_id = 0;
  std::string channel;
  std::string via;
  bool from_agent = false;
  bool is_public = true;
  GorgiasParty sender;
  GorgiasParty receiver;
  GorgiasSource source;
  std::string subject;
  std::string body_text;
  std::string external_id;
  Timestamp created;
  Timestamp sent;    // empty while queued (or never, for some undelivered replies)
  Timestamp failed;  // set when sending failed visibly
  std::string last_sending_error;
};

struct GorgiasChannel {
  std::string type;  // email, phone, sms, whatsapp, chat, facebook, instagram, twitter, ...
  std::string address;
  bool preferred = false;
};

// A customer's Shopify data, as the native Shopify integration keeps it in `integrations`.
struct GorgiasShopifyOrder {
  std::uint64_t id = 0;
  std::string name;
  Timestamp created_at;
  std::string financial_status;
  std::string fulfillment_status;
  struct Line {
    std::string sku;
    std::string title;
    int quantity = 0;
  };
  std::vector<Line> line_items;
};
struct GorgiasShopifyData {
  std::string integration_id;
  std::optional<std::uint64_t> shopify_customer_id;
  std::int64_t orders_count = 0;
  std::vector<GorgiasShopifyOrder> orders;
};

struct GorgiasCustomer {
  std::uint64_t id = 0;
  std::string email;
  std::string name;
  std::string firstname;
  std::string lastname;
  std::vector<GorgiasChannel> channels;
  std::vector<GorgiasShopifyData> shopify;  // one per Shopify integration (usually one)
  nlohmann::json integrations;              // everything, as sent (null on a ticket's customer)
};

struct GorgiasTicket {
  std::uint64_t id = 0;
  std::string status;    // open | closed
  std::string priority;  // critical | high | normal | low
  std::string channel;
  std::string via;
  std::string subject;
  GorgiasCustomer customer;
  std::optional<std::uint64_t> assignee_user_id;
  std::vector<std::string> tags;
  std::vector<GorgiasMessage> messages;  // oldest first
  std::vector<std::string> reply_options;  // channels Gorgias offers for answering
  Timestamp created;
  Timestamp updated;
};

struct GorgiasUser {
  std::uint64_t id = 0;
  std::string email;
  std::string name;
  std::string role;
  bool active = true;
};

// How a reply reaches the customer: the channel and the message fields it needs.
struct ReplyRoute {
  std::string channel;
  GorgiasSource source;  // type, from, to
  std::string subject;   // e-mail only: "Re: <ticket subject>"
};
// The route for a reply to `ticket` (see the header comment), or an explanation of why there is
// none. Pure: reads the ticket only. `support_email` / `support_name` are the fallbacks for the
// e-mail sender.
sim::Expected<ReplyRoute, std::string> ChooseReplyRoute(const GorgiasTicket& ticket, const std::string& support_email,
                                                        const std::string& support_name);

struct GorgiasReply {
  std::uint64_t sender_user_id = 0;  // the agent (or bot user) it is sent as
  std::string body_text;
  std::string body_html;    // optional
  std::string external_id;  // the caller's idempotency key: same key, at most one message
};

struct GorgiasNote {
  std::uint64_t sender_user_id = 0;
  std::string body_text;
  std::string body_html;
  std::string external_id;  // idempotency key, as for replies
};

struct GorgiasTicketUpdate {
  std::optional<std::uint64_t> assignee_user_id;
  bool unassign = false;
  std::optional<std::string> priority;  // critical | high | normal | low
  std::optional<std::string> status;    // open | closed
};

class GorgiasClient {
 public:
  GorgiasClient(GorgiasConfig config, sim::HttpClient& http, sim::Executor& executor, sim::Rng rng,
                sim::Trace* trace = nullptr);

  // GET /api/tickets/{id}.
  sim::Task<CallResult<GorgiasTicket>> GetTicket(std::uint64_t ticket_id);
  // GET /api/customers/{id} (with `integrations`).
  sim::Task<CallResult<GorgiasCustomer>> GetCustomer(std::uint64_t customer_id);
  // POST /api/tickets/{id}/tags {"names": [...]}: adds, keeps the others.
  sim::Task<CallResult<bool>> AddTags(std::uint64_t ticket_id, std::vector<std::string> names);
  // POST /api/tickets/{id}/messages, channel internal-note.
  sim::Task<CallResult<GorgiasMessage>> PostInternalNote(std::uint64_t ticket_id, GorgiasNote note);
  // A reply on the route ChooseReplyRoute gives for `ticket` (fetched with GetTicket).
  sim::Task<CallResult<GorgiasMessage>> PostReply(GorgiasTicket ticket, GorgiasReply reply);
  // PUT /api/tickets/{id} with the fields given; the updated ticket.
  sim::Task<CallResult<GorgiasTicket>> UpdateTicket(std::uint64_t ticket_id, GorgiasTicketUpdate update);
  // GET /api/users (every page, up to max_user_pages); `email` filters.
  sim::Task<CallResult<std::vector<GorgiasUser>>> ListUsers(std::optional<std::string> email = std::nullopt);
  sim::Task<CallResult<std::optional<GorgiasUser>>> FindUserByEmail(std::string email);

  ApiCaller& caller() { return caller_; }

 private:
  sim::Request Make(sim::Method method, std::string path_and_query, std::string body = {}) const;
  CallOptions Options(std::string operation, bool idempotent = true) const;
  // POSTs a message body; reconciles by external_id when an attempt may have gone through.
  sim::Task<CallResult<GorgiasMessage>> CreateMessage(std::uint64_t ticket_id, std::string body,
                                                      std::string external_id, std::string operation);
  sim::Task<CallResult<std::optional<GorgiasMessage>>> FindByExternalId(std::uint64_t ticket_id,
                                                                        std::string external_id);

  GorgiasConfig config_;
  std::string authorization_;
  ApiCaller caller_;
};

}  // namespace rh::pipeline::clients
